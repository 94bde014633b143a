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

#include "engine/virtual/latency_model.h"
#include "herd/types.h"

namespace herd::sim {

struct TopologySpec {
  // "preset", "ring", "grid", "complete", "random_tree", "erdos_renyi",
  // "small_world", "scale_free" or "edges".
  std::string kind;
  std::string preset;      // kind == "preset"
  std::uint32_t n = 0;     // generated kinds (grid: rows * cols)
  std::uint32_t rows = 0, cols = 0;
  std::uint32_t k = 0;     // small_world: each node's initial ring neighbours (even)
  std::uint32_t m = 0;     // scale_free: links each new node brings
  double p = 0;            // erdos_renyi: link probability; small_world: rewiring probability
  std::vector<std::string> nodes;                              // kind == "edges"
  std::vector<std::pair<std::string, std::string>> edges;      // kind == "edges"
  // A generated graph with several components: true joins them with extra
  // links (see topology_gen.h); false rejects the run.
  bool connect = true;

  bool generated() const { return kind != "preset" && kind != "edges"; }
};

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

struct FaultSpec {
  std::string field;  // "faults[2]"
  Nanos at = 0;
  // "link_cut", "link_restore", "partition", "heal", "crash", "restart"
  std::string kind;
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
  std::string strategy = "flooding";  // "flooding" or "gossip"
  std::uint32_t gossip_fanout = 2;     // gossip: neighbours each new report goes to
  NetworkSpec network;
  ClientsSpec clients;
  SkewSpec skew;
  std::vector<FaultSpec> faults;  // sorted by time (stable)
  MetricsSpec metrics;
};

}  // namespace herd::sim
