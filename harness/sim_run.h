#pragma once
// `herd sim`: the harness on the virtual network. Builds the topology and a
// node per server, sets latencies, losses and clock skews from the scenario,
// runs the harness to the scenario's duration and returns what it recorded.
//
// Randomness: independent streams derived from the seed (topology, network,
// workload, clock skew, strategy), so e.g. changing a loss rate never
// changes which clients report where.
#include <cstdint>
#include <functional>
#include <string>

#include "engine/virtual/network_observer.h"
#include "engine/virtual/virtual_network.h"
#include "results/run_record.h"
#include "sim/scenario.h"

namespace herd::harness {

struct RunOptions {
  // Called with the fraction of simulated time done (0..1), 100 times a run.
  std::function<void(double)> progress;
  // Called once the run ends, before teardown: lets tests look at the nodes.
  std::function<void(virt::VirtualNetwork&)> at_end;
  // Sees every report a node accepted or refused (herd explore's checks).
  virt::NetworkObserver* tap = nullptr;
};

struct RunOutcome {
  results::RunRecord record;
  virt::NetworkCounters counters;
  std::uint32_t added_links = 0;  // links added to connect a generated graph
  double loop_seconds = 0;        // wall-clock time spent in the event loop alone
  double loop_cpu_seconds = 0;    // CPU time of this thread in the event loop
};

// The run's identity as a results::RunInfo (mode "sim"): the scenario's
// name, file, JSON and sweep point, the seed, strategy, topology description,
// code version and duration. `herd live` starts from it too.
results::RunInfo run_info(const sim::Scenario& s, std::uint64_t seed, const std::string& topology);

// Throws sim::ScenarioError for mistakes only visible once the topology
// exists (a fault naming a link the generated graph lacks, a disconnected
// graph with "disconnected": "reject").
RunOutcome run_scenario(const sim::Scenario& scenario, std::uint64_t seed, const RunOptions& options = {});

}  // namespace herd::harness
