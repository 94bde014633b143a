#pragma once
// What herd explore checks on each scenario (docs/explore.md):
//
// - completes: the run finishes without an error;
// - determinism: the same scenario and seed run twice give the same results,
//   every deterministic table (as --golden compares them);
// - shortest paths: with constant latency L, no loss, no faults, flooding
//   and reports too far apart to overtake each other, every server first
//   stores each update at issue time + L x its BFS distance from the
//   origin, with that many hops (an oracle computed from the links alone);
// - newest wins: no server ever replaces a report with an older one;
// - causality: no server stores an update before issue time + BFS distance
//   x the smallest latency the network can draw;
// - flooding's bound: without restarts, plain flooding sends at most
//   2|E| - (|V| - 1) update messages per update;
// - convergence: with anti-entropy, once the last fault is over and the
//   settle time has passed, every server holds, for every client, the
//   newest report any server holds. (A report that only a server which
//   crashed before passing it on ever held is gone from the herd; no
//   protocol can bring it back, so "newest held", not "newest issued".)
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace herd::explore {

struct Violation {
  std::string invariant;  // "determinism", "shortest-paths", ...
  std::string detail;     // what was seen, with server, client and times
};

// Runs the scenario (the JSON of one scenario, no sweep) with its seed and
// returns the first invariant it breaks, if any. Throws sim::ScenarioError
// if the scenario is invalid.
std::optional<Violation> check_scenario(const nlohmann::json& scenario);

}  // namespace herd::explore
