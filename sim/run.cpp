#include "sim/run.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <stdexcept>

#include <time.h>

#include "herd/posix_time.h"
#include "sim/code_version.h"
#include "sim/fault_target.h"
#include "sim/metrics.h"
#include "sim/peak_rss.h"
#include "sim/scenario_error.h"
#include "sim/workload.h"
#include "topology/topology_gen.h"

namespace herd::sim {

namespace {

// Independent random streams of one run.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

enum Stream : std::uint64_t { kNetwork = 1, kSkew = 3, kStrategy = 4 };  // and kWorkloadStream (sim/workload.h)

// External event kinds (VirtualNetwork::schedule_external's `a`).
enum ExternalKind : std::uint32_t { kFault = 0, kSample = 1, kReport = 2, kRead = 3 };

class Runner final : public virt::NetworkObserver {
 public:
  Runner(const Scenario& s, std::uint64_t seed, const RunOptions& opt) : s_(s), seed_(seed), opt_(opt) {}

  RunOutcome run() {
    const auto wall_start = std::chrono::steady_clock::now();
    GeneratedTopology gen;
    try {
      gen = generate_topology(s_.topology, seed_);
    } catch (const std::invalid_argument& e) {
      throw ScenarioError(s_.file, "topology", e.what());
    }
    const Topology& topo = gen.topology;
    n_ = static_cast<std::uint32_t>(topo.size());
    for (std::uint32_t i = 0; i < n_; ++i) index_.emplace(topo.names[i], i);
    names_ = topo.names;

    virt::NetworkConfig cfg;
    cfg.seed = virt::derive_seed(seed_, kNetwork);
    cfg.latency = s_.network.latency;
    cfg.loss = s_.network.loss;
    cfg.places_delay = s_.network.places_delay;
    if (s_.strategy.kind != StrategySpec::Kind::Flooding) {
      // Each node (and each restart of it) draws from its own seeded stream.
      const std::uint64_t base = virt::derive_seed(seed_, kStrategy);
      const StrategySpec spec = s_.strategy;
      cfg.make_strategy = [base, spec](std::uint32_t node, std::uint32_t generation) {
        return make_strategy(spec, virt::derive_seed(base, (std::uint64_t{node} << 32) | generation));
      };
    }
    net_ = std::make_unique<virt::VirtualNetwork>(topo, cfg, *this);
    metrics_ = std::make_unique<Metrics>(s_.metrics);

    for (const auto& o : s_.network.links) {
      const std::size_t li = link(o.a, o.b, o.field + ".between");
      if (o.latency) net_->set_link_latency(li, *o.latency);
      if (o.loss) net_->set_link_loss(li, *o.loss);
    }
    virt::Rng skew_rng(virt::derive_seed(seed_, kSkew));
    if (s_.skew.max > 0) {
      for (std::uint32_t i = 0; i < n_; ++i)
        net_->set_clock_skew(i, -s_.skew.max + static_cast<Nanos>(skew_rng.below(static_cast<std::uint64_t>(2 * s_.skew.max + 1))));
    }
    for (const auto& [name, skew] : s_.skew.nodes) net_->set_clock_skew(index_.at(name), skew);

    // Resolve every fault now, so a bad link fails before the run starts.
    for (std::uint32_t i = 0; i < s_.faults.size(); ++i) {
      const FaultSpec& f = s_.faults[i];
      if (f.kind == "link_cut" || f.kind == "link_restore") fault_links_.push_back(link(f.a, f.b, f.field + ".link"));
      else fault_links_.push_back(0);
      net_->schedule_external(f.at, kFault, i, 0);
    }
    metrics_->set_components(net_->components());
    const Nanos interval = s_.metrics.coverage_interval.value_or(std::max<Nanos>(s_.duration / 200, 1));
    for (Nanos t = interval; t <= s_.duration; t += interval) net_->schedule_external(t, kSample, 0, 0);

    // Clients: name, fixed server and starting point, then the first report.
    workload_ = std::make_unique<Workload>(s_, seed_, n_);
    schedule_ = [this](Nanos at, Workload::Kind kind, std::uint32_t c, std::uint32_t server) {
      net_->schedule_external(at, kind == Workload::Kind::Report ? kReport : kRead, c, server);
    };
    workload_->start(schedule_);

    // Run in ~100 slices so the caller can draw progress.
    const Nanos slice = std::max<Nanos>(s_.duration / 100, 1);
    const auto loop_start = std::chrono::steady_clock::now();
    const double cpu_start = thread_cpu_seconds();
    for (Nanos t = 0; t < s_.duration;) {
      t = std::min(s_.duration, t + slice);
      net_->run_until(t);
      if (opt_.progress) opt_.progress(static_cast<double>(t) / static_cast<double>(s_.duration));
    }
    RunOutcome out;
    out.loop_cpu_seconds = thread_cpu_seconds() - cpu_start;
    out.loop_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - loop_start).count();
    if (opt_.at_end) opt_.at_end(*net_);

    out.counters = net_->counters();
    out.added_links = gen.added_links;
    fill_record(out.record, gen, topo);
    out.record.summary.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    out.record.summary.peak_rss_bytes = peak_rss_bytes();
    return out;
  }

  // --- NetworkObserver ----------------------------------------------------------
  void client_report(std::uint32_t node, const ReportRef& r, bool stored) override {
    if (stored && r) metrics_->update_issued(r, node, workload_->client(issuing_).name, net_->now(), origin_previous_);
  }
  void peer_report(std::uint32_t node, PeerId, const PeerMessage& m, bool stored, const Report* previous) override {
    if (stored) {
      ++peer_stores_;
      metrics_->stored(node, m.report, m.hops, net_->now(), previous);
    } else {
      ++duplicates_;
    }
  }
  void whatsat(std::uint32_t, ClientId, const Report& served) override { served_ = &served; }
  void invalid_line(std::uint32_t, std::string_view) override { ++invalid_lines_; }
  void external(std::uint32_t kind, std::uint32_t b, std::uint32_t c) override {
    switch (kind) {
      case kFault: return apply_fault(b);
      case kSample: return metrics_->sample_coverage(net_->now());
      case kReport: return report(b);
      case kRead: return read(b, c);
      default: throw std::logic_error("unknown external event");
    }
  }

 private:
  std::size_t link(const std::string& a, const std::string& b, const std::string& field) const {
    const std::int64_t li = net_->link_index(index_.at(a), index_.at(b));
    if (li < 0)
      throw ScenarioError(s_.file, field, "no link " + a + "-" + b + " in the generated topology (seed " +
                                              std::to_string(seed_) + ")");
    return static_cast<std::size_t>(li);
  }

  void report(std::uint32_t c) {
    const Workload::Client& cs = workload_->move(c);
    const Nanos now = net_->now();
    const std::string line = workload_->iamat_line(c, net_->epoch() + now);
    issuing_ = c;
    origin_previous_ = nullptr;
    if (Node* origin = net_->node(cs.server)) {
      if (auto id = net_->clients().find(cs.name)) {
        if (const ReportRef* held = origin->table().find(*id)) origin_previous_ = held->get();
      }
    }
    ++client_reports_;
    if (!net_->client_command(cs.server, line)) ++refused_;
    workload_->after_report(c, now, schedule_);
  }

  void read(std::uint32_t c, std::uint32_t server) {
    const Workload::Client& cs = workload_->client(c);
    served_ = nullptr;
    const std::string line = workload_->whatsat_line(c);
    if (!net_->client_command(server, line)) {
      ++refused_;
      return;  // a crashed server answers nothing: not a read
    }
    auto id = net_->clients().find(cs.name);
    metrics_->read(server, cs.name, served_, id.value_or(0), net_->now());
  }

  void apply_fault(std::uint32_t i) {
    const FaultSpec& f = s_.faults[i];
    if (f.kind == "link_cut") {
      net_->cut_link(fault_links_[i]);
    } else if (f.kind == "link_restore") {
      net_->restore_link(fault_links_[i]);
    } else if (f.kind == "partition") {
      net_->partition(f.name, partition_groups(f, names_));
    } else if (f.kind == "heal") {
      net_->heal(f.name);
    } else if (f.kind == "crash") {
      const std::uint32_t n = index_.at(f.a);
      if (Node* node = net_->node(n)) metrics_->node_lost(n, node->table());
      net_->crash(n);
    } else if (f.kind == "restart") {
      net_->restart(index_.at(f.a));
    }
    faults_.push_back({net_->now(), f.kind, fault_target(f)});
    metrics_->set_components(net_->components());
  }

  void fill_record(results::RunRecord& rec, const GeneratedTopology& gen, const Topology& topo) {
    rec.info = run_info(s_, seed_, gen.description);
    const auto adj = topo.adjacency();
    for (std::uint32_t i = 0; i < n_; ++i)
      rec.nodes.push_back({i, topo.names[i], static_cast<std::uint32_t>(adj[i].size()), net_->clock_skew(i)});
    for (std::size_t li = 0; li < net_->link_count(); ++li) {
      const auto [a, b] = net_->link_ends(li);
      rec.links.push_back({a, b, net_->link_latency(li).describe(), net_->link_loss(li)});
    }
    rec.faults = faults_;
    const auto& k = net_->counters();
    rec.messages = {
        {"client_reports", client_reports_},
        {"client_refused", refused_},
        {"dropped_in_flight", k.dropped_in_flight},
        {"dropped_link_down", k.dropped_link_down},
        {"dropped_loss", k.dropped_loss},
        {"invalid_lines", invalid_lines_},
        {"places_lookups", k.lookups},
        {"update_delivered", k.delivered},
        {"update_duplicate", duplicates_},
        {"update_sent", k.sent},
        {"update_stored", peer_stores_},
    };
    metrics_->finish(rec, k.sent, duplicates_, peer_stores_);
    rec.summary.events_processed = k.events;
  }

  const Scenario& s_;
  std::uint64_t seed_;
  const RunOptions& opt_;
  std::uint32_t n_ = 0;
  std::map<std::string, std::uint32_t> index_;
  std::unique_ptr<virt::VirtualNetwork> net_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<Workload> workload_;
  Workload::Schedule schedule_;
  std::vector<std::size_t> fault_links_;
  std::vector<std::string> names_;  // servers in topology order
  std::vector<results::FaultRow> faults_;
  std::uint32_t issuing_ = 0;
  const Report* served_ = nullptr;
  const Report* origin_previous_ = nullptr;
  std::uint64_t client_reports_ = 0, refused_ = 0, invalid_lines_ = 0, duplicates_ = 0, peer_stores_ = 0;
};

}  // namespace

results::RunInfo run_info(const Scenario& s, std::uint64_t seed, const std::string& topology) {
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
  info.code_version = code_version();
  info.duration = s.duration;
  return info;
}

RunOutcome run_scenario(const Scenario& scenario, std::uint64_t seed, const RunOptions& options) {
  Runner runner(scenario, seed, options);
  return runner.run();
}

}  // namespace herd::sim
