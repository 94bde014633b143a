#include "harness/harness.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "herd/client_command.h"
#include "sim/fault_target.h"
#include "sim/scenario_error.h"

namespace herd::harness {

GeneratedTopology scenario_topology(const sim::Scenario& s, std::uint64_t seed) {
  try {
    return generate_topology(s.topology, seed);
  } catch (const std::invalid_argument& e) {
    throw sim::ScenarioError(s.file, "topology", e.what());
  }
}

Harness::Harness(const sim::Scenario& s, std::uint64_t seed, const Topology& topo, HarnessOptions options)
    : s_(s),
      topo_(topo),
      options_(std::move(options)),
      faults_(resolve_faults(s, topo, seed)),
      state_(topo),
      metrics_(s.metrics),
      workload_(s, seed, static_cast<std::uint32_t>(topo.size())) {
  schedule_ = [this](Nanos at, sim::Workload::Kind kind, std::uint32_t c, std::uint32_t server) {
    schedule(at, kind == sim::Workload::Kind::Report ? Event{Event::Kind::Report, c, 0}
                                                     : Event{Event::Kind::Read, c, server});
  };
}

Harness::~Harness() = default;

namespace {

// The default: 200 samples a run.
Nanos coverage_interval(const sim::Scenario& s) {
  return s.metrics.coverage_interval.value_or(std::max<Nanos>(s.duration / 200, 1));
}

}  // namespace

void Harness::schedule(Nanos at, Event e) {
  std::uint32_t id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
    events_[id] = e;
  } else {
    id = static_cast<std::uint32_t>(events_.size());
    events_.push_back(e);
  }
  world_->schedule(at, id);
}

results::RunRecord Harness::run(World& world) {
  world_ = &world;
  if (!options_.ignore_faults) {
    for (std::uint32_t i = 0; i < faults_.size(); ++i) schedule(faults_[i].at, {Event::Kind::Fault, i, 0});
  }
  metrics_.set_components(state_.components());
  const Nanos interval = coverage_interval(s_);
  for (Nanos t = interval; t <= s_.duration; t += interval) schedule(t, {Event::Kind::Sample, 0, 0});
  if (options_.progress) {
    for (std::uint32_t k = 1; k <= 100; ++k) schedule(s_.duration * k / 100, {Event::Kind::Progress, k, 0});
  }
  workload_.start(schedule_);
  last_client_time_.assign(workload_.clients(), 0);
  world.run(s_.duration);
  results::RunRecord rec;
  fill_record(rec);
  world_ = nullptr;
  return rec;
}

void Harness::due(std::uint32_t id) {
  const Event e = events_[id];
  free_ids_.push_back(id);
  switch (e.kind) {
    case Event::Kind::Fault: return apply_fault(faults_[e.a]);
    case Event::Kind::Sample: return metrics_.sample_coverage(world_->now());
    case Event::Kind::Progress: return options_.progress(e.a / 100.0);
    case Event::Kind::Report: return report(e.a);
    case Event::Kind::Read: return read(e.a, e.b);
  }
}

void Harness::apply_fault(const Fault& f) {
  switch (f.kind) {
    case FaultKind::Crash:
      if (state_.up(f.node)) {
        world_->crash(f.node);
        state_.set_up(f.node, false);
      }
      break;
    case FaultKind::Restart:
      if (!state_.up(f.node)) {
        state_.set_up(f.node, true);
        world_->restart(f.node);
      }
      break;
    default:
      for (const std::size_t li : state_.apply_link_fault(f)) world_->set_link_open(li, state_.open(li));
  }
  fault_rows_.push_back({world_->now(), sim::fault_kind_name(f.kind), f.target});
  metrics_.set_components(state_.components());
}

void Harness::report(std::uint32_t c) {
  const sim::Workload::Client& client = workload_.move(c);
  const Nanos now = world_->now();
  Nanos& last = last_client_time_[c];
  last = std::max(world_->posix_now(), last + 1);
  ++client_reports_;
  if (!world_->client_command(client.server, workload_.iamat_line(c, last), false)) ++refused_;
  workload_.after_report(c, now, schedule_);
}

void Harness::read(std::uint32_t c, std::uint32_t server) {
  // A server that is down answers nothing: refused, and not a read.
  if (!world_->client_command(server, workload_.whatsat_line(c), true)) ++refused_;
}

void Harness::client_report(std::uint32_t node, const ReportRef& r, bool stored, const Report* previous, Nanos at) {
  if (stored && r) metrics_.update_issued(r, node, r->client_name(), at, previous);
}

void Harness::peer_report(std::uint32_t node, const ReportRef& r, std::uint16_t hops, bool stored,
                          const Report* previous, Nanos at) {
  if (!stored) {
    ++duplicates_;
    return;
  }
  ++peer_stores_;
  metrics_.stored(node, r, hops, at, previous);
}

void Harness::repair_report(std::uint32_t node, const ReportRef& r, bool stored, const Report* previous, Nanos at) {
  if (!stored) {
    ++repair_stale_;
    return;
  }
  ++repair_stores_;
  // A repair crossed one link: the hops a repaired delivery records.
  metrics_.stored(node, r, 1, at, previous);
}

void Harness::whatsat(std::uint32_t node, const Report& served, Nanos at) {
  ++whatsats_;
  metrics_.read(node, served.client_name(), &served, served.client(), at);
}

void Harness::invalid_line(std::uint32_t node, std::string_view line, Nanos at) {
  ++invalid_lines_;
  std::array<std::string_view, 4> f;
  if (split_fields(line, f) == 4 && f[0] == "WHATSAT") metrics_.read(node, f[1], nullptr, world_->client_id(f[1]), at);
}

void Harness::lost(std::uint32_t node, ClientId client, const Report* held) { metrics_.node_lost(node, client, held); }

void Harness::fill_record(results::RunRecord& rec) const {
  for (std::uint32_t i = 0; i < topo_.size(); ++i) rec.nodes.push_back(world_->node_row(i));
  for (std::size_t li = 0; li < topo_.links.size(); ++li) rec.links.push_back(world_->link_row(li));
  rec.faults = fault_rows_;
  const NetworkCounts k = world_->counts();
  rec.messages.push_back({"client_reports", client_reports_});
  rec.messages.push_back({"client_refused", refused_ + k.unanswered});
  rec.messages.push_back({"dropped_in_flight", k.dropped_in_flight});
  if (k.has_drop_causes) {
    rec.messages.push_back({"dropped_link_down", k.dropped_link_down});
    rec.messages.push_back({"dropped_loss", k.dropped_loss});
  }
  rec.messages.push_back({"invalid_lines", invalid_lines_});
  // Only runs that sent other kinds (anti-entropy) have these rows, so a
  // flooding or gossip run's table is what it always was.
  for (const auto& kind : k.kinds) {
    const std::string name = kind.name;
    rec.messages.push_back({name + "_bytes", kind.bytes});
    rec.messages.push_back({name + "_delivered", kind.delivered});
    rec.messages.push_back({name + "_sent", kind.sent});
    if (name == "repair") {
      rec.messages.push_back({"repair_stale", repair_stale_});
      rec.messages.push_back({"repair_stored", repair_stores_});
    }
  }
  rec.messages.push_back({"places_lookups", whatsats_});
  rec.messages.push_back({"update_delivered", k.delivered});
  rec.messages.push_back({"update_duplicate", duplicates_});
  rec.messages.push_back({"update_sent", k.sent});
  rec.messages.push_back({"update_stored", peer_stores_});
  metrics_.finish(rec, k.sent, duplicates_, peer_stores_);
  rec.summary.events_processed = k.events;
}

}  // namespace herd::harness
