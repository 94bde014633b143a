#include "harness/live_run.h"

#include <chrono>
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "harness/harness.h"
#include "harness/live_world.h"
#include "harness/sim_run.h"
#include "herd/types.h"
#include "engine/virtual/latency_model.h"
#include "sim/peak_rss.h"
#include "sim/scenario_error.h"
#include "sim/scenario_loader.h"
#include "topology/topology_gen.h"

namespace herd::harness {

void check_live_scenario(const sim::Scenario& s) {
  const auto names = node_names(s.topology);
  if (names.size() > kMaxLiveServers)
    throw sim::ScenarioError(s.file, "topology",
                             std::to_string(names.size()) + " servers; herd live runs at most " +
                                 std::to_string(kMaxLiveServers) + " (one thread each): use herd sim");
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].size() > kMaxServerNameBytes)
      throw sim::ScenarioError(s.file, "topology.nodes[" + std::to_string(i) + "]",
                               "a live server name is at most " + std::to_string(kMaxServerNameBytes) + " bytes");
  }
}

std::vector<std::string> live_notes(const sim::Scenario& s) {
  std::vector<std::string> notes;
  if (s.network.loss > 0) notes.push_back("network.loss is not applied live (loopback TCP loses nothing)");
  if (!s.network.links.empty()) notes.push_back("network.links overrides are not applied live");
  if (s.skew.max > 0 || !s.skew.nodes.empty()) notes.push_back("clock_skew is not applied live (real clocks)");
  return notes;
}

sim::Scenario with_duration(sim::Scenario s, Nanos duration) {
  auto j = nlohmann::json::parse(s.json);
  s.duration = duration;
  j["duration"] = virt::format_nanos(duration);
  if (s.clients.stop && *s.clients.stop > duration) {
    s.clients.stop = duration;
    j["clients"]["stop"] = virt::format_nanos(duration);
  }
  s.json = j.dump();
  return s;
}

LiveRunOutcome run_scenario_live(const sim::Scenario& s, std::uint64_t seed, const LiveRunOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  check_live_scenario(s);
  if (!(options.speed > 0) || !std::isfinite(options.speed)) throw std::invalid_argument("the speed must be positive");
  const GeneratedTopology gen = scenario_topology(s, seed);
  Harness harness(s, seed, gen.topology, {options.progress, options.ignore_faults});
  LiveWorld world(s, gen.topology, {options.speed, options.log_dir, options.settle_timeout}, harness);
  LiveRunOutcome out;
  out.record = harness.run(world);
  out.iamats_sent = world.iamats_sent();
  out.whatsats_sent = world.whatsats_sent();
  out.replies = world.replies();
  out.settled = world.settled();
  auto& info = out.record.info;
  info = run_info(s, seed, gen.description);
  info.mode = "live";
  if (options.ignore_faults && !s.faults.empty()) {
    auto j = nlohmann::json::parse(s.json);
    j.erase("faults");
    info.scenario_json = j.dump();
  }
  out.record.summary.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  out.record.summary.peak_rss_bytes = sim::peak_rss_bytes();
  return out;
}

}  // namespace herd::harness
