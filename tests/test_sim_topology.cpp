#include <catch2/catch.hpp>

#include <algorithm>
#include <queue>

#include "topology/topology_gen.h"

using namespace herd;
using herd::TopologySpec;

namespace {

bool connected(const Topology& t) {
  const auto adj = t.adjacency();
  std::vector<bool> seen(t.size(), false);
  std::queue<std::size_t> q;
  q.push(0);
  seen[0] = true;
  std::size_t count = 1;
  while (!q.empty()) {
    const std::size_t v = q.front();
    q.pop();
    for (std::size_t w : adj[v]) {
      if (!seen[w]) {
        seen[w] = true;
        ++count;
        q.push(w);
      }
    }
  }
  return count == t.size();
}

bool simple(const Topology& t) {
  for (auto [a, b] : t.links) {
    if (a >= b || b >= t.size()) return false;
  }
  auto links = t.links;
  std::sort(links.begin(), links.end());
  return std::adjacent_find(links.begin(), links.end()) == links.end();
}

TopologySpec spec(const char* kind, std::uint32_t n) {
  TopologySpec s;
  s.kind = kind;
  s.n = n;
  return s;
}

}  // namespace

TEST_CASE("ring - grid - complete: exact sizes and degrees") {
  auto ring = generate_topology(spec("ring", 10), 1).topology;
  CHECK(ring.size() == 10);
  CHECK(ring.links.size() == 10);
  for (const auto& nb : ring.adjacency()) CHECK(nb.size() == 2);
  CHECK(ring.names[3] == "n3");

  TopologySpec g = spec("grid", 0);
  g.rows = 4;
  g.cols = 5;
  g.n = 20;
  auto grid = generate_topology(g, 1).topology;
  CHECK(grid.size() == 20);
  CHECK(grid.links.size() == 2 * 4 * 5 - 4 - 5);
  const auto adj = grid.adjacency();
  CHECK(adj[0].size() == 2);   // a corner
  CHECK(adj[6].size() == 4);   // an inner cell

  auto complete = generate_topology(spec("complete", 7), 1).topology;
  CHECK(complete.links.size() == 21);
  for (auto* t : {&ring, &grid, &complete}) {
    CHECK(connected(*t));
    CHECK(simple(*t));
  }
}

TEST_CASE("random tree and scale-free graphs are connected by construction") {
  auto tree = generate_topology(spec("random_tree", 500), 3);
  CHECK(tree.topology.links.size() == 499);
  CHECK(connected(tree.topology));
  CHECK(tree.added_links == 0);

  TopologySpec sf = spec("scale_free", 2000);
  sf.m = 2;
  auto ba = generate_topology(sf, 3);
  // A triangle (m+1 clique) then m links per further node.
  CHECK(ba.topology.links.size() == 3 + (2000 - 3) * 2);
  CHECK(connected(ba.topology));
  CHECK(simple(ba.topology));
  const auto adj = ba.topology.adjacency();
  std::size_t max_degree = 0;
  for (const auto& nb : adj) {
    CHECK(nb.size() >= 2);
    max_degree = std::max(max_degree, nb.size());
  }
  CHECK(max_degree > 30);  // preferential attachment grows hubs
}

TEST_CASE("small world: n*k/2 links before deduplication - connected - seeded") {
  TopologySpec sw = spec("small_world", 1000);
  sw.k = 6;
  sw.p = 0.1;
  auto a = generate_topology(sw, 42), b = generate_topology(sw, 42), c = generate_topology(sw, 43);
  CHECK(a.topology.size() == 1000);
  CHECK(a.topology.links.size() <= 3000 + a.added_links);
  CHECK(a.topology.links.size() > 2900);
  CHECK(connected(a.topology));
  CHECK(simple(a.topology));
  CHECK(a.topology.links == b.topology.links);
  CHECK(a.topology.links != c.topology.links);
  CHECK(a.description == "small_world(n=1000,k=6,p=0.1)");
}

TEST_CASE("a disconnected Erdos-Renyi graph is joined by a chain - or rejected") {
  TopologySpec er = spec("erdos_renyi", 200);
  er.p = 0.002;  // far below the connectivity threshold: many components
  auto g = generate_topology(er, 5);
  CHECK(g.components > 10);
  CHECK(g.added_links == g.components - 1);
  CHECK(connected(g.topology));
  CHECK(simple(g.topology));
  er.connect = false;
  CHECK_THROWS_WITH(generate_topology(er, 5), Catch::Contains("components"));
  er.p = 0.2;  // dense: connected as generated
  auto dense = generate_topology(er, 5);
  CHECK(dense.components == 1);
  CHECK(dense.added_links == 0);
}

TEST_CASE("presets and edge lists keep their names and links") {
  TopologySpec p;
  p.kind = "preset";
  p.preset = "alford";
  auto t = generate_topology(p, 1).topology;
  CHECK(t.names.front() == "Alford");
  CHECK(t.links.size() == 5);
  TopologySpec e;
  e.kind = "edges";
  e.nodes = {"a", "b", "c"};
  e.edges = {{"c", "a"}, {"a", "b"}};
  auto te = generate_topology(e, 1).topology;
  CHECK(te.links == std::vector<std::pair<std::size_t, std::size_t>>{{0, 1}, {0, 2}});
}
