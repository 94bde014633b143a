#pragma once
// herd explore's random scenarios: one per seed, as the JSON a user would
// write (docs/scenarios.md), so a failing one is saved and re-run as a file.
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

namespace herd::explore {

struct DrawOptions {
  std::uint32_t max_servers = 10;  // 2..max_servers servers per scenario
  // The "strategy" field to use; unset: drawn per seed among flooding,
  // gossip and Plumtree, each with or without anti-entropy.
  std::optional<nlohmann::json> strategy;
  // What a strategy with anti-entropy gets after its last fault and client
  // report, for the convergence invariant.
  std::uint64_t settle_ms = 6000;
};

// Draws a scenario from `seed` alone: topology kind and size, latency
// model, loss, clock skew, clients and workload, and a timeline of cuts,
// restores, partitions, heals, crashes and restarts (every crashed server
// restarts and every partition heals before the clients stop). About one in
// four is "clean" (constant latency, no loss, no faults, reports far apart)
// so the shortest-path oracle applies to it.
nlohmann::json draw_scenario(std::uint64_t seed, const DrawOptions& options);

}  // namespace herd::explore
