#include "topology/topology.h"

#include <algorithm>

namespace herd {

std::optional<std::size_t> Topology::index_of(std::string_view name) const {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return i;
  }
  return std::nullopt;
}

std::optional<std::size_t> Topology::link_index(std::size_t a, std::size_t b) const {
  for (std::size_t i = 0; i < links.size(); ++i) {
    if ((links[i].first == a && links[i].second == b) || (links[i].first == b && links[i].second == a)) return i;
  }
  return std::nullopt;
}

std::vector<std::vector<std::size_t>> Topology::adjacency() const {
  std::vector<std::vector<std::size_t>> adj(names.size());
  for (auto [a, b] : links) {
    adj[a].push_back(b);
    adj[b].push_back(a);
  }
  for (auto& n : adj) std::sort(n.begin(), n.end());
  return adj;
}

Topology topology_of(const Preset& p) {
  Topology t;
  t.names = p.servers;
  for (const auto& [a, b] : p.links) {
    std::size_t ia = *t.index_of(a), ib = *t.index_of(b);
    t.links.emplace_back(std::min(ia, ib), std::max(ia, ib));
  }
  std::sort(t.links.begin(), t.links.end());
  return t;
}

}  // namespace herd
