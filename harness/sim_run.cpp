#include "harness/sim_run.h"

#include <chrono>
#include <stdexcept>

#include "harness/faults.h"
#include "harness/harness.h"
#include "harness/virtual_world.h"
#include "herd/strategy_spec.h"
#include "sim/code_version.h"
#include "sim/peak_rss.h"
#include "sim/scenario_error.h"
#include "topology/topology_gen.h"

namespace herd::harness {

namespace {

enum Stream : std::uint64_t { kNetwork = 1, kSkew = 3, kStrategy = 4 };  // and sim::kWorkloadStream

virt::NetworkConfig network_config(const sim::Scenario& s, std::uint64_t seed) {
  virt::NetworkConfig cfg;
  cfg.seed = virt::derive_seed(seed, kNetwork);
  cfg.latency = s.network.latency;
  cfg.loss = s.network.loss;
  cfg.places_delay = s.network.places_delay;
  if (s.strategy.kind != StrategySpec::Kind::Flooding || s.strategy.anti_entropy_interval > 0) {
    // Each node (and each restart of it) draws from its own seeded stream.
    const std::uint64_t base = virt::derive_seed(seed, kStrategy);
    const StrategySpec spec = s.strategy;
    cfg.make_strategy = [base, spec](std::uint32_t node, std::uint32_t generation) {
      return make_strategy(spec, virt::derive_seed(base, (std::uint64_t{node} << 32) | generation));
    };
  }
  return cfg;
}

// Per-link latency and loss overrides, then clock skews.
void configure(virt::VirtualNetwork& net, const sim::Scenario& s, std::uint64_t seed, const Topology& topo) {
  for (const auto& o : s.network.links) {
    const std::size_t li = scenario_link(s, topo, seed, o.a, o.b, o.field + ".between");
    if (o.latency) net.set_link_latency(li, *o.latency);
    if (o.loss) net.set_link_loss(li, *o.loss);
  }
  virt::Rng skew_rng(virt::derive_seed(seed, kSkew));
  const auto n = static_cast<std::uint32_t>(topo.size());
  if (s.skew.max > 0) {
    for (std::uint32_t i = 0; i < n; ++i)
      net.set_clock_skew(i, -s.skew.max + static_cast<Nanos>(skew_rng.below(static_cast<std::uint64_t>(2 * s.skew.max + 1))));
  }
  for (const auto& [name, skew] : s.skew.nodes) net.set_clock_skew(static_cast<std::uint32_t>(*topo.index_of(name)), skew);
}

}  // namespace

results::RunInfo run_info(const sim::Scenario& s, std::uint64_t seed, const std::string& topology) {
  results::RunInfo info;
  info.mode = "sim";
  info.scenario_name = s.name;
  info.scenario_path = s.file;
  info.scenario_json = s.json;
  info.sweep_point_json = s.sweep_point;
  info.seed = seed;
  // With its parameter, so plots per strategy tell fanouts apart.
  info.strategy = s.strategy.describe();
  info.topology = topology;
  info.code_version = sim::code_version();
  info.duration = s.duration;
  return info;
}

RunOutcome run_scenario(const sim::Scenario& s, std::uint64_t seed, const RunOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  const GeneratedTopology gen = scenario_topology(s, seed);
  Harness harness(s, seed, gen.topology, {options.progress, false});
  VirtualWorld world(gen.topology, network_config(s, seed), harness, options.tap);
  configure(world.network(), s, seed, gen.topology);
  RunOutcome out;
  out.record = harness.run(world);
  if (options.at_end) options.at_end(world.network());
  out.counters = world.network().counters();
  out.added_links = gen.added_links;
  out.loop_seconds = world.loop_seconds();
  out.loop_cpu_seconds = world.loop_cpu_seconds();
  out.record.info = run_info(s, seed, gen.description);
  out.record.summary.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  out.record.summary.peak_rss_bytes = sim::peak_rss_bytes();
  return out;
}

}  // namespace herd::harness
