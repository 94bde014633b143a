#include "explore/invariants.h"

#include <unistd.h>

#include <atomic>
#include <deque>
#include <filesystem>
#include <limits>
#include <map>
#include <vector>

#include "engine/virtual/network_observer.h"
#include "harness/sim_run.h"
#include "results/golden.h"
#include "results/store.h"
#include "sim/scenario_loader.h"

namespace herd::explore {

namespace {

constexpr std::uint32_t kUnreachable = std::numeric_limits<std::uint32_t>::max();

std::string ms_text(Nanos t) { return std::to_string(static_cast<double>(t) / 1e6) + " ms"; }

// Sees every report a node accepted and remembers the first time one
// replaced a newer report.
class NewestWinsCheck final : public virt::NetworkObserver {
 public:
  void client_report(std::uint32_t node, const ReportRef& r, bool stored, const Report* previous) override {
    check(node, *r, stored, previous);
  }
  void peer_report(std::uint32_t node, PeerId, const PeerMessage& m, bool stored, const Report* previous) override {
    if (m.report) check(node, *m.report, stored, previous);
  }
  std::optional<Violation> violation;

 private:
  void check(std::uint32_t node, const Report& r, bool stored, const Report* previous) {
    if (violation || !stored || !previous || r.newer_than(*previous)) return;
    violation = Violation{"newest-wins", "server " + std::to_string(node) + " replaced client " +
                                             std::string(previous->client_name()) + "'s report '" +
                                             previous->at_line() + "' with the older '" + r.at_line() + "'"};
  }
};

// Every server's hop distance from every other, over all links (faults
// only remove links, so these are lower bounds at any moment).
std::vector<std::vector<std::uint32_t>> distances(const results::RunRecord& rec) {
  const std::size_t n = rec.nodes.size();
  std::vector<std::vector<std::uint32_t>> adj(n), dist(n, std::vector<std::uint32_t>(n, kUnreachable));
  for (const auto& l : rec.links) {
    adj[l.a].push_back(l.b);
    adj[l.b].push_back(l.a);
  }
  for (std::size_t s = 0; s < n; ++s) {
    std::deque<std::uint32_t> q{static_cast<std::uint32_t>(s)};
    dist[s][s] = 0;
    while (!q.empty()) {
      const auto v = q.front();
      q.pop_front();
      for (const auto w : adj[v]) {
        if (dist[s][w] != kUnreachable) continue;
        dist[s][w] = dist[s][v] + 1;
        q.push_back(w);
      }
    }
  }
  return dist;
}

// The smallest latency `m` can draw (its samples are clamped at 0).
Nanos min_latency(const virt::LatencyModel& m) {
  using K = virt::LatencyModel::Kind;
  switch (m.kind) {
    case K::Constant:
    case K::Uniform:
    case K::Pareto: return static_cast<Nanos>(m.a);
    default: return 0;
  }
}

// Every server up at the end holds, per client, the newest report any of them holds.
std::optional<Violation> converged(virt::VirtualNetwork& net) {
  for (ClientId c = 0; c < net.clients().size(); ++c) {
    const Report* newest = nullptr;
    for (std::uint32_t v = 0; v < net.size(); ++v) {
      if (!net.node(v)) continue;
      const ReportRef* r = net.node(v)->table().find(c);
      if (r && (!newest || (*r)->newer_than(*newest))) newest = r->get();
    }
    if (!newest) continue;
    for (std::uint32_t v = 0; v < net.size(); ++v) {
      if (!net.node(v)) continue;
      const ReportRef* r = net.node(v)->table().find(c);
      if (!r || (*r)->at_line() != newest->at_line()) {
        return Violation{"convergence", "at the end, server " + std::to_string(v) + " holds " +
                                            (r ? "'" + (*r)->at_line() + "'" : std::string("nothing")) +
                                            " for client " + std::string(newest->client_name()) +
                                            " where another holds '" + newest->at_line() + "'"};
      }
    }
  }
  return std::nullopt;
}

// The run recorded again, compared as --golden compares: through a
// results file of the first run.
std::optional<Violation> deterministic(const results::RunRecord& first, const results::RunRecord& second) {
  static std::atomic<unsigned> counter{0};
  const auto path = std::filesystem::temp_directory_path() /
                    ("herd-explore-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".sqlite");
  struct Remove {
    std::filesystem::path p;
    ~Remove() {
      std::error_code ec;
      std::filesystem::remove(p, ec);
    }
  } remove{path};
  results::write_run(path.string(), first);
  results::GoldenFile golden(path.string());
  const auto check = golden.check(second, std::nullopt);
  if (check.result == results::GoldenCheck::Result::equal) return std::nullopt;
  return Violation{"determinism", "the same scenario and seed run twice differ:\n" + check.text};
}

}  // namespace

std::optional<Violation> check_scenario(const nlohmann::json& scenario) {
  const auto points = sim::parse_scenario_text(scenario.dump(), scenario.value("name", std::string("explore")) + ".json");
  const sim::Scenario& s = points.front();
  const std::uint64_t seed = s.seeds.front();
  const bool anti_entropy = s.strategy.anti_entropy_interval > 0;

  NewestWinsCheck newest_wins;
  std::optional<Violation> convergence;
  harness::RunOptions options;
  options.tap = &newest_wins;
  if (anti_entropy) options.at_end = [&](virt::VirtualNetwork& net) { convergence = converged(net); };
  harness::RunOutcome run, again;
  try {
    run = harness::run_scenario(s, seed, options);
    again = harness::run_scenario(s, seed);
  } catch (const sim::ScenarioError&) {
    throw;
  } catch (const std::exception& e) {
    // A run that cannot finish: e.g. reports circulating forever until the
    // event queue refuses more (but newest-wins saw it first, if it did).
    if (newest_wins.violation) return newest_wins.violation;
    return Violation{"completes", std::string("the run failed: ") + e.what()};
  }
  if (auto v = deterministic(run.record, again.record)) return v;
  if (newest_wins.violation) return newest_wins.violation;

  const auto& rec = run.record;
  const auto dist = distances(rec);
  std::map<std::uint64_t, const results::UpdateRow*> updates;
  for (const auto& u : rec.updates) updates[u.id] = &u;

  Nanos fastest = min_latency(s.network.latency);
  for (const auto& l : s.network.links)
    if (l.latency) fastest = std::min(fastest, min_latency(*l.latency));
  for (const auto& d : rec.deliveries) {
    const auto* u = updates.at(d.update);
    const std::uint32_t hops = dist[u->origin][d.node];
    if (hops != kUnreachable && d.at < u->issued_at + static_cast<Nanos>(hops) * fastest) {
      return Violation{"causality", "server " + std::to_string(d.node) + " stored update " + std::to_string(d.update) +
                                        " (issued at " + ms_text(u->issued_at) + " at server " +
                                        std::to_string(u->origin) + ", " + std::to_string(hops) + " links away) at " +
                                        ms_text(d.at) + ", before the fastest path could bring it (" +
                                        ms_text(static_cast<Nanos>(hops) * fastest) + ")"};
    }
  }

  // The two convergence definitions agree: a server that stored this very
  // update holds it or a newer one, so exact counts never pass the covering
  // ones and exact convergence is never earlier.
  for (const auto& u : rec.updates) {
    const bool counts = u.exact_reached <= u.reached && u.reached <= u.reachable;
    const bool times = !u.exact_convergence || (u.convergence && *u.convergence <= *u.exact_convergence);
    if (!counts || !times) {
      return Violation{"metrics-agree",
                       "update " + std::to_string(u.id) + ": exact_reached " + std::to_string(u.exact_reached) +
                           ", reached " + std::to_string(u.reached) + ", reachable " + std::to_string(u.reachable) +
                           (u.exact_convergence ? ", exact convergence " + ms_text(*u.exact_convergence) : "") +
                           (u.convergence ? ", convergence " + ms_text(*u.convergence) : ", never converged")};
    }
  }

  const bool flooding = s.strategy.kind == StrategySpec::Kind::Flooding && !anti_entropy;
  bool restarts = false;
  for (const auto& f : s.faults) restarts = restarts || f.kind == sim::FaultKind::Restart;
  const std::uint64_t n = rec.nodes.size(), links = rec.links.size();
  if (flooding && !restarts) {
    const std::uint64_t bound = rec.summary.updates * (2 * links - (n - 1));
    if (run.counters.sent > bound) {
      return Violation{"flooding-bound", std::to_string(run.counters.sent) + " update messages for " +
                                             std::to_string(rec.summary.updates) + " updates on " + std::to_string(n) +
                                             " servers and " + std::to_string(links) + " links: more than 2|E| - (|V| - 1) = " +
                                             std::to_string(2 * links - (n - 1)) + " per update"};
    }
  }

  // The oracle: constant latency, no loss, no faults, plain flooding, and
  // reports further apart than a flood takes.
  std::uint32_t diameter = 0;
  for (const auto& row : dist)
    for (const auto d : row) diameter = std::max(diameter, d == kUnreachable ? 0 : d);
  const bool clean = flooding && s.network.latency.kind == virt::LatencyModel::Kind::Constant &&
                     s.network.loss == 0 && s.network.links.empty() && s.faults.empty() && !s.clients.poisson &&
                     s.clients.report_interval > static_cast<Nanos>(diameter + 1) * fastest;
  if (clean) {
    std::map<std::pair<std::uint64_t, std::uint32_t>, const results::DeliveryRow*> first;
    for (const auto& d : rec.deliveries) first.emplace(std::pair{d.update, d.node}, &d);
    for (const auto& u : rec.updates) {
      if (!u.sampled) continue;
      for (std::uint32_t v = 0; v < n; ++v) {
        if (v == u.origin || dist[u.origin][v] == kUnreachable) continue;
        const Nanos want = u.issued_at + static_cast<Nanos>(dist[u.origin][v]) * fastest;
        if (want > s.duration) continue;  // the run ended first
        const auto it = first.find({u.id, v});
        const std::string who = "update " + std::to_string(u.id) + " from server " + std::to_string(u.origin) +
                                " at server " + std::to_string(v) + " (" + std::to_string(dist[u.origin][v]) +
                                " links away)";
        if (it == first.end()) return Violation{"shortest-paths", who + ": never stored"};
        if (it->second->at != want || it->second->hops != dist[u.origin][v]) {
          return Violation{"shortest-paths", who + ": stored at " + ms_text(it->second->at - u.issued_at) +
                                                 " after issue with " + std::to_string(it->second->hops) +
                                                 " hops; the oracle says " + ms_text(want - u.issued_at) + " and " +
                                                 std::to_string(dist[u.origin][v]) + " hops"};
        }
      }
    }
  }
  if (convergence) return convergence;
  return std::nullopt;
}

}  // namespace herd::explore
