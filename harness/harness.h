#pragma once
// One scenario harness for both worlds. It owns the scenario's timeline —
// client commands, faults, coverage samples and progress as typed events —
// the fault state, and the run record; it drives a World (world.h) and
// hears back what the servers did (WorldEvents). `herd sim` runs it on the
// virtual network (sim_run.h), `herd live` on real servers (live_run.h).
//
// Order of simultaneous events: faults, then coverage samples, then client
// commands and messages in the order they were scheduled (the timeline
// schedules in that order before the run starts). Live, the servers' own
// events reach the harness after the timeline events due at the same
// instant, so one stored just before a fault may be counted just after it.
//
// Randomness: the workload draws from its own stream of the run seed
// (sim/workload.h); the harness draws nothing else.
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "harness/faults.h"
#include "harness/world.h"
#include "results/run_record.h"
#include "sim/metrics.h"
#include "sim/scenario.h"
#include "sim/workload.h"
#include "topology/topology_gen.h"

namespace herd::harness {

// The scenario's topology for `seed` (generated, or its preset or edge list).
// Throws sim::ScenarioError naming "topology" if it cannot be made.
GeneratedTopology scenario_topology(const sim::Scenario& s, std::uint64_t seed);

struct HarnessOptions {
  // Called with the fraction of scenario time done (0..1), 100 times a run.
  std::function<void(double)> progress;
  bool ignore_faults = false;  // schedule none of the scenario's faults
};

class Harness final : public WorldEvents {
 public:
  // Resolves the scenario's faults against `topo` (throws sim::ScenarioError
  // for a link the topology lacks). `topo` must outlive the harness.
  Harness(const sim::Scenario& s, std::uint64_t seed, const Topology& topo, HarnessOptions options = {});
  ~Harness() override;

  // Runs the scenario in `world` (built over the same topology, reporting to
  // this harness) and returns what it recorded: nodes, links, faults, updates,
  // deliveries, messages, reads, coverage and the summary's metric fields.
  // The caller fills record.info and the wall-clock figures.
  results::RunRecord run(World& world);

  // --- WorldEvents ----------------------------------------------------------------
  void due(std::uint32_t event) override;
  void client_report(std::uint32_t node, const ReportRef& r, bool stored, const Report* previous, Nanos at) override;
  void peer_report(std::uint32_t node, const ReportRef& r, std::uint16_t hops, bool stored, const Report* previous,
                   Nanos at) override;
  void repair_report(std::uint32_t node, const ReportRef& r, bool stored, const Report* previous, Nanos at) override;
  void whatsat(std::uint32_t node, const Report& served, Nanos at) override;
  void invalid_line(std::uint32_t node, std::string_view line, Nanos at) override;
  void lost(std::uint32_t node, ClientId client, const Report* held) override;

 private:
  struct Event {
    enum class Kind : std::uint8_t { Fault, Sample, Progress, Report, Read };
    Kind kind = Kind::Sample;
    std::uint32_t a = 0, b = 0;  // Fault: index; Progress: k of 100; Report: client; Read: client, server
  };
  void schedule(Nanos at, Event e);
  void apply_fault(const Fault& f);
  void report(std::uint32_t client);
  void read(std::uint32_t client, std::uint32_t server);
  void fill_record(results::RunRecord& rec) const;

  const sim::Scenario& s_;
  const Topology& topo_;
  HarnessOptions options_;
  std::vector<Fault> faults_;
  FaultState state_;
  sim::Metrics metrics_;
  sim::Workload workload_;
  sim::Workload::Schedule schedule_;
  World* world_ = nullptr;
  // Scheduled events by id; ids of events that ran are reused.
  std::vector<Event> events_;
  std::vector<std::uint32_t> free_ids_;
  std::vector<Nanos> last_client_time_;  // per client: its reports' times increase
  std::vector<results::FaultRow> fault_rows_;
  std::uint64_t client_reports_ = 0, refused_ = 0, invalid_lines_ = 0, duplicates_ = 0, peer_stores_ = 0,
                whatsats_ = 0, repair_stores_ = 0, repair_stale_ = 0;
};

}  // namespace herd::harness
