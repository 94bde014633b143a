#pragma once
// `herd live SCENARIO`: the harness on real servers on loopback
// (live_world.h), recorded in the same results::RunRecord as the simulator
// (info.mode = "live"), in scenario time, so a live run and a simulated run
// of one scenario and seed can be compared row by row.
//
// Reproduced: the topology (generated with the same seed), the strategy
// (flooding or gossip; live gossip draws its own random choices), the client
// workload — the same clients send the same IAMATs
// and WHATSATs to the same servers in the same order as in the simulator
// (sim/workload.h, same seed) — the places delay (the offline provider
// waits the median of places_delay), and faults at their scenario times
// (servers are stopped and started for real; links are cut at both ends,
// see docs/live.md). Not reproduced: link latency and loss (loopback TCP),
// clock skew (real clocks). IAMAT client times are the real POSIX time at
// sending.
//
// Times in the record are scenario time: wall-clock time since the workload
// began times the speed (with speed X the schedule runs X times faster).
// No Asio in this header.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "results/run_record.h"
#include "sim/scenario.h"

namespace herd::harness {

// Every server is one thread (and two listening sockets, and a socket per
// link end), so a live run is capped.
inline constexpr std::size_t kMaxLiveServers = 64;

struct LiveRunOptions {
  double speed = 1;            // > 0: run the schedule this many times faster
  std::string log_dir;         // per-server logs (docs/live.md); empty = none
  bool ignore_faults = false;  // run a scenario with faults without them (recorded without)
  // After the last command: how long to wait for replies and floods to settle.
  Nanos settle_timeout = 5 * kNanosPerSecond;
  // Called with the fraction of the duration done (0..1), 100 times a run,
  // on the run's client thread.
  std::function<void(double)> progress;
};

struct LiveRunOutcome {
  results::RunRecord record;
  std::uint64_t iamats_sent = 0;
  std::uint64_t whatsats_sent = 0;
  std::uint64_t replies = 0;   // complete replies read by the clients
  bool settled = true;         // every reply and peer message arrived before settle_timeout
};

// Throws sim::ScenarioError (file, field, reason) if `s` cannot run live:
// more than kMaxLiveServers servers, or a server name longer than a live
// server accepts.
void check_live_scenario(const sim::Scenario& s);

// What of `s` a live run does not reproduce beyond the always-true
// (latency), one note per item, e.g. "network.loss 0.1 is not applied".
std::vector<std::string> live_notes(const sim::Scenario& s);

// `s` with its duration set to `duration` (clients.stop clamped to it; the
// scenario JSON updated to say so), as if the file had said so.
sim::Scenario with_duration(sim::Scenario s, Nanos duration);

// Runs one live run. Throws sim::ScenarioError for scenario mistakes
// (check_live_scenario, a topology that cannot be generated) and
// std::runtime_error when the run fails (a port cannot be bound, peer links
// do not come up, a client connection breaks).
LiveRunOutcome run_scenario_live(const sim::Scenario& s, std::uint64_t seed, const LiveRunOptions& options = {});

}  // namespace herd::harness
