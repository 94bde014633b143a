#include "topology/topology_gen.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/erdos_renyi_generator.hpp>
#include <boost/graph/small_world_generator.hpp>

// The simulator's seeded generator (header-only): the same stream as before
// the generator moved here, so generated graphs stay identical.
#include "engine/virtual/random.h"
#include "topology/presets.h"

namespace herd {

namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
using Edge = std::pair<std::size_t, std::size_t>;

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Barabási–Albert: a clique of m+1 nodes, then each new node links to m
// distinct earlier nodes chosen with probability proportional to degree
// (by sampling the list of link endpoints). Connected by construction.
std::vector<Edge> barabasi_albert(std::uint32_t n, std::uint32_t m, virt::Rng& rng) {
  std::vector<Edge> edges;
  std::vector<std::uint32_t> ends;  // each link's two endpoints
  const std::uint32_t core = std::min(n, m + 1);
  for (std::uint32_t a = 0; a < core; ++a) {
    for (std::uint32_t b = a + 1; b < core; ++b) {
      edges.emplace_back(a, b);
      ends.push_back(a);
      ends.push_back(b);
    }
  }
  std::vector<std::uint32_t> targets;
  for (std::uint32_t v = core; v < n; ++v) {
    targets.clear();
    while (targets.size() < m) {
      const std::uint32_t t = ends[rng.below(ends.size())];
      if (std::find(targets.begin(), targets.end(), t) == targets.end()) targets.push_back(t);
    }
    std::sort(targets.begin(), targets.end());
    for (std::uint32_t t : targets) {
      edges.emplace_back(t, v);
      ends.push_back(t);
      ends.push_back(v);
    }
  }
  return edges;
}

// A preset or an explicit edge list: no randomness, no generation.
GeneratedTopology listed_topology(const TopologySpec& spec) {
  GeneratedTopology out;
  Topology& t = out.topology;
  if (spec.kind == "preset") {
    t = topology_of(*find_preset(spec.preset));
    out.description = "preset:" + spec.preset;
    return out;
  }
  t.names = node_names(spec);
  for (const auto& [a, b] : spec.edges) {
    const std::size_t ia = *t.index_of(a), ib = *t.index_of(b);
    t.links.emplace_back(std::min(ia, ib), std::max(ia, ib));
  }
  std::sort(t.links.begin(), t.links.end());
  out.description = "edges(n=" + std::to_string(t.size()) + ",m=" + std::to_string(t.links.size()) + ")";
  return out;
}

// The raw links of a generated kind (possibly with self-loops or duplicates),
// and its description.
std::vector<Edge> generated_edges(const TopologySpec& spec, virt::Rng& rng, std::string& description) {
  const std::uint32_t n = spec.n;
  std::vector<Edge> edges;
  if (spec.kind == "ring") {
    for (std::uint32_t i = 0; i < n; ++i) edges.emplace_back(i, (i + 1) % n);
    description = "ring(n=" + std::to_string(n) + ")";
  } else if (spec.kind == "grid") {
    for (std::uint32_t r = 0; r < spec.rows; ++r) {
      for (std::uint32_t c = 0; c < spec.cols; ++c) {
        const std::uint32_t v = r * spec.cols + c;
        if (c + 1 < spec.cols) edges.emplace_back(v, v + 1);
        if (r + 1 < spec.rows) edges.emplace_back(v, v + spec.cols);
      }
    }
    description = "grid(rows=" + std::to_string(spec.rows) + ",cols=" + std::to_string(spec.cols) + ")";
  } else if (spec.kind == "complete") {
    for (std::uint32_t a = 0; a < n; ++a)
      for (std::uint32_t b = a + 1; b < n; ++b) edges.emplace_back(a, b);
    description = "complete(n=" + std::to_string(n) + ")";
  } else if (spec.kind == "random_tree") {
    // Each node joins a uniformly chosen earlier node: a random recursive tree.
    for (std::uint32_t v = 1; v < n; ++v) edges.emplace_back(rng.below(v), v);
    description = "random_tree(n=" + std::to_string(n) + ")";
  } else if (spec.kind == "erdos_renyi") {
    using It = boost::sorted_erdos_renyi_iterator<virt::Rng, Graph>;
    for (It it(rng, n, spec.p, false), end; it != end; ++it) edges.emplace_back(it->first, it->second);
    description = "erdos_renyi(n=" + std::to_string(n) + ",p=" + fmt(spec.p) + ")";
  } else if (spec.kind == "small_world") {
    using It = boost::small_world_iterator<virt::Rng, Graph>;
    for (It it(rng, n, spec.k, spec.p, false), end; it != end; ++it) edges.emplace_back(it->first, it->second);
    description = "small_world(n=" + std::to_string(n) + ",k=" + std::to_string(spec.k) + ",p=" + fmt(spec.p) + ")";
  } else if (spec.kind == "scale_free") {
    edges = barabasi_albert(n, spec.m, rng);
    description = "scale_free(n=" + std::to_string(n) + ",m=" + std::to_string(spec.m) + ")";
  } else {
    throw std::invalid_argument("unknown topology kind '" + spec.kind + "'");
  }
  return edges;
}

// a < b, no self-loops or duplicates (rewiring can make both), sorted.
void normalise(std::vector<Edge>& edges) {
  for (auto& [a, b] : edges) if (a > b) std::swap(a, b);
  edges.erase(std::remove_if(edges.begin(), edges.end(), [](const Edge& e) { return e.first == e.second; }),
              edges.end());
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
}

// Counts the components of the graph on n nodes; with several, chains them
// (or throws if the spec rejects disconnected graphs). Sets components and
// added_links.
void connect_components(const TopologySpec& spec, std::uint32_t n, std::vector<Edge>& edges,
                        GeneratedTopology& out) {
  Graph g(n);
  for (auto [a, b] : edges) boost::add_edge(a, b, g);
  std::vector<std::uint32_t> comp(n);
  const auto count = static_cast<std::uint32_t>(boost::connected_components(g, comp.data()));
  out.components = count;
  if (count <= 1) return;
  if (!spec.connect)
    throw std::invalid_argument("the generated graph has " + std::to_string(count) +
                                " components (set \"disconnected\": \"connect\" to join them)");
  // Smallest vertex of each component, in order of first appearance.
  std::vector<std::uint32_t> first(count, n);
  for (std::uint32_t v = 0; v < n; ++v) first[comp[v]] = std::min(first[comp[v]], v);
  std::sort(first.begin(), first.end());
  for (std::size_t i = 1; i < first.size(); ++i) edges.emplace_back(first[i - 1], first[i]);
  out.added_links = count - 1;
  std::sort(edges.begin(), edges.end());
}

}  // namespace

GeneratedTopology generate_topology(const TopologySpec& spec, std::uint64_t seed) {
  if (!spec.generated()) return listed_topology(spec);
  GeneratedTopology out;
  out.topology.names = node_names(spec);
  virt::Rng rng(virt::derive_seed(seed, 0x70901097));  // the topology's own stream
  std::vector<Edge> edges = generated_edges(spec, rng, out.description);
  normalise(edges);
  connect_components(spec, spec.n, edges, out);
  out.topology.links = std::move(edges);
  return out;
}

}  // namespace herd
