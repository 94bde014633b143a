#pragma once
// A validated scenario: everything one simulation run needs except the seed.
// Built from a JSON file by load_scenario_file (scenario_loader.h); the
// format is documented in docs/scenarios.md.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "config/duration.h"
#include "engine/virtual/latency_model.h"
#include "herd/strategy_spec.h"
#include "herd/types.h"
#include "topology/topology_gen.h"
#include "topology/topology_spec.h"

namespace herd::sim {


struct LinkOverride {
  std::string field;  // e.g. "network.links[1]", for errors found at run time
  std::string a, b;
  std::optional<virt::LatencyModel> latency;
  std::optional<double> loss;
};

struct NetworkSpec {
  virt::LatencyModel latency = virt::LatencyModel::constant(10'000'000);
  double loss = 0;
  std::vector<LinkOverride> links;
  virt::LatencyModel places_delay = virt::LatencyModel::constant(50'000'000);
};

struct ClientsSpec {
  std::uint32_t count = 10;
  Nanos report_interval = kNanosPerSecond;
  bool poisson = false;          // "arrival": "poisson" (else "periodic")
  bool moving = false;           // "servers": "moving" (else "fixed")
  Nanos start = 0;
  std::optional<Nanos> stop;     // default: the scenario's duration
  double reads_per_report = 0;   // WHATSAT reads at another server, per report
  int radius_km = 10;
  int max_places = 5;
};

struct SkewSpec {
  Nanos max = 0;  // each node's skew drawn uniformly from [-max, +max]
  std::vector<std::pair<std::string, Nanos>> nodes;  // explicit skews override
};

enum class FaultKind : std::uint8_t { LinkCut, LinkRestore, Partition, Heal, Crash, Restart };

struct FaultSpec {
  std::string field;  // "faults[2]"
  Nanos at = 0;
  FaultKind kind = FaultKind::LinkCut;  // spelt as fault_kind_name (sim/fault_target.h)
  std::string a, b;  // link ends, or a = node
  std::string name;  // partition / heal
  std::vector<std::vector<std::string>> groups;  // partition
};

struct MetricsSpec {
  // An update's per-node deliveries are recorded (`sampled`) if its id is
  // below sample_first, or a multiple of sample_every (0: never).
  std::uint64_t sample_first = 1000;
  std::uint64_t sample_every = 100;
  std::optional<Nanos> coverage_interval;  // default: duration / 200
  std::uint64_t max_reads = 100'000;       // read rows kept (all are counted)
};

struct Scenario {
  std::string file;          // path as given
  std::string name;
  std::string description;
  std::string json;          // the effective scenario (after sweep substitution), canonical
  std::string sweep_point;   // {"path": value, ...} or "{}"
  std::vector<std::uint64_t> seeds;
  Nanos duration = 0;
  TopologySpec topology;
  StrategySpec strategy;     // flooding unless the file says otherwise
  NetworkSpec network;
  ClientsSpec clients;
  SkewSpec skew;
  std::vector<FaultSpec> faults;  // sorted by time (stable)
  MetricsSpec metrics;
};

}  // namespace herd::sim
