// The "topology" section of a scenario file, and server names checked
// against it (docs/scenarios.md, "Topologies").
#include <algorithm>

#include "sim/scenario_error.h"
#include "sim/scenario_fields.h"
#include "topology/presets.h"

namespace herd::sim::fields {

namespace {

using R = FieldReader;
constexpr std::uint32_t kMaxNodes = 10'000'000;

TopologySpec read_preset(const FieldReader& r, const json& j, const std::string& path) {
  r.object(j, path, {"preset"});
  TopologySpec t;
  t.kind = "preset";
  t.preset = r.string(j["preset"], R::child(path, "preset"));
  if (!find_preset(t.preset)) {
    std::string list;
    for (const auto& p : presets()) list += (list.empty() ? "" : ", ") + p.name;
    r.fail(R::child(path, "preset"), "no preset named '" + t.preset + "' (presets: " + list + ")");
  }
  return t;
}

// ring, grid, complete, random_tree, erdos_renyi, small_world, scale_free.
void read_generated(const FieldReader& r, const json& j, const std::string& path, TopologySpec& t) {
  auto whole = [&](const char* key, std::uint64_t lo, std::uint64_t hi) {
    return static_cast<std::uint32_t>(r.uint(r.required(j, path, key), R::child(path, key), lo, hi));
  };
  auto read_connect = [&] {
    if (auto* d = R::optional(j, "disconnected"))
      t.connect = r.choice(*d, R::child(path, "disconnected"), {"connect", "reject"}) == "connect";
  };
  if (t.kind == "ring") {
    r.object(j, path, {"kind", "n"});
    t.n = whole("n", 3, kMaxNodes);
  } else if (t.kind == "complete") {
    r.object(j, path, {"kind", "n"});
    t.n = whole("n", 2, 5000);
  } else if (t.kind == "random_tree") {
    r.object(j, path, {"kind", "n"});
    t.n = whole("n", 2, kMaxNodes);
  } else if (t.kind == "grid") {
    r.object(j, path, {"kind", "rows", "cols"});
    t.rows = whole("rows", 1, 100000);
    t.cols = whole("cols", 1, 100000);
    const std::uint64_t cells = static_cast<std::uint64_t>(t.rows) * t.cols;
    if (cells < 2 || cells > kMaxNodes) r.fail(path, "rows * cols must be from 2 to " + std::to_string(kMaxNodes));
    t.n = t.rows * t.cols;
  } else if (t.kind == "erdos_renyi") {
    r.object(j, path, {"kind", "n", "p", "disconnected"});
    t.n = whole("n", 2, kMaxNodes);
    t.p = r.number(r.required(j, path, "p"), R::child(path, "p"), 0, 1);
    read_connect();
  } else if (t.kind == "small_world") {
    r.object(j, path, {"kind", "n", "k", "p", "disconnected"});
    t.n = whole("n", 3, kMaxNodes);
    t.k = whole("k", 2, 1000);
    if (t.k % 2 != 0) r.fail(R::child(path, "k"), "must be even (each node links to k/2 on each side)");
    if (t.k >= t.n) r.fail(R::child(path, "k"), "must be less than n");
    t.p = r.number(r.required(j, path, "p"), R::child(path, "p"), 0, 1);
    // With k = n - 1 the lattice is complete: a link has nowhere to be
    // rewired to, and Boost's generator would search forever (found by
    // herd explore, seed 742).
    if (t.p > 0 && t.k + 1 >= t.n)
      r.fail(R::child(path, "k"), "must be less than n - 1 when p > 0 (with k = n - 1 no link can be rewired)");
    read_connect();
  } else {  // scale_free
    r.object(j, path, {"kind", "n", "m"});
    t.n = whole("n", 2, kMaxNodes);
    t.m = whole("m", 1, 1000);
    if (t.m >= t.n) r.fail(R::child(path, "m"), "must be less than n");
  }
}

void read_edge_list(const FieldReader& r, const json& j, const std::string& path, TopologySpec& t) {
  r.object(j, path, {"kind", "nodes", "edges"});
  const json& nodes = r.required(j, path, "nodes");
  const std::string np = R::child(path, "nodes");
  if (!nodes.is_array() || nodes.size() < 1) r.fail(np, "expected a non-empty array of server names");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    std::string name = r.string(nodes[i], R::item(np, i));
    if (name.empty() || name.find_first_of(" \t\r\n\f\v") != std::string::npos)
      r.fail(R::item(np, i), "a server name must be non-empty with no white space");
    if (!seen.insert(name).second) r.fail(R::item(np, i), "duplicate server name '" + name + "'");
    t.nodes.push_back(std::move(name));
  }
  const json& edges = r.required(j, path, "edges");
  const std::string ep = R::child(path, "edges");
  if (!edges.is_array()) r.fail(ep, "expected an array of [a, b] pairs");
  std::set<std::pair<std::string, std::string>> links;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const std::string ip = R::item(ep, i);
    if (!edges[i].is_array() || edges[i].size() != 2) r.fail(ip, "expected a pair [a, b] of server names");
    std::string a = r.string(edges[i][0], R::item(ip, 0)), b = r.string(edges[i][1], R::item(ip, 1));
    for (auto [name, k] : {std::pair{&a, 0}, std::pair{&b, 1}}) {
      if (!seen.count(*name))
        r.fail(R::item(ip, static_cast<std::size_t>(k)), "no server named '" + *name + "' in topology.nodes");
    }
    if (a == b) r.fail(ip, "a link must join two different servers");
    if (!links.insert(std::minmax(a, b)).second) r.fail(ip, "duplicate link " + a + "-" + b);
    t.edges.emplace_back(std::move(a), std::move(b));
  }
}

}  // namespace

TopologySpec read_topology(const FieldReader& r, const json& j, const std::string& path) {
  r.object(j, path);
  if (R::optional(j, "preset")) return read_preset(r, j, path);
  TopologySpec t;
  t.kind = r.choice(r.required(j, path, "kind"), R::child(path, "kind"),
                    {"ring", "grid", "complete", "random_tree", "erdos_renyi", "small_world", "scale_free", "edges"});
  if (t.kind == "edges") {
    read_edge_list(r, j, path, t);
  } else {
    read_generated(r, j, path, t);
  }
  return t;
}

Names::Names(const FieldReader& r, const TopologySpec& t) : r_(r), t_(t) {
  if (t.generated()) return;
  for (auto& n : node_names(t)) set_.insert(std::move(n));
  if (t.kind == "preset") {
    for (const auto& [a, b] : find_preset(t.preset)->links) links_.insert(std::minmax(a, b));
  } else {
    for (const auto& [a, b] : t.edges) links_.insert(std::minmax(a, b));
  }
}

std::string Names::node(const json& j, const std::string& path) const {
  std::string name = r_.string(j, path);
  if (!known(name)) {
    const std::string hint = t_.generated() ? " (generated servers are n0 .. n" + std::to_string(t_.n - 1) + ")" : "";
    r_.fail(path, "no server named '" + name + "' in the topology" + hint);
  }
  return name;
}

std::pair<std::string, std::string> Names::link(const json& j, const std::string& path) const {
  if (!j.is_array() || j.size() != 2) r_.fail(path, "expected a pair [a, b] of server names");
  std::string a = node(j[0], R::item(path, 0)), b = node(j[1], R::item(path, 1));
  if (a == b) r_.fail(path, "a link joins two different servers");
  if (!t_.generated() && !links_.count(std::minmax(a, b)))
    r_.fail(path, "no link " + a + "-" + b + " in the topology");
  return {a, b};
}

bool Names::known(const std::string& name) const {
  if (!t_.generated()) return set_.count(name) > 0;
  if (name.size() < 2 || name[0] != 'n' || (name[1] == '0' && name.size() > 2)) return false;
  std::uint64_t v = 0;
  for (std::size_t i = 1; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9' || i > 9) return false;
    v = v * 10 + static_cast<std::uint64_t>(name[i] - '0');
  }
  return v < t_.n;
}

}  // namespace herd::sim::fields
