#pragma once
// A herd's shape: server names and undirected links between them, by index.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "topology/presets.h"

namespace herd {

struct Topology {
  std::vector<std::string> names;
  std::vector<std::pair<std::size_t, std::size_t>> links;  // a < b, no duplicates

  std::size_t size() const { return names.size(); }
  std::optional<std::size_t> index_of(std::string_view name) const;
  // Index into `links` of the link a–b (either order); a linear scan, for
  // the few lookups a scenario's faults and overrides make.
  std::optional<std::size_t> link_index(std::size_t a, std::size_t b) const;
  // Neighbour lists, each sorted ascending (deterministic send order).
  std::vector<std::vector<std::size_t>> adjacency() const;
};

// Builds a topology from a preset: servers in preset order.
Topology topology_of(const Preset& p);

}  // namespace herd
