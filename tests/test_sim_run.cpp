// Whole runs: determinism, a golden five-server scenario, and each fault
// kind changing the metrics the way it should.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <queue>

#include "results/store.h"
#include "test_sim_run_support.h"
#include "topology/presets.h"

using namespace herd;
using simtest::canonical;
using simtest::run_text;

namespace {

constexpr Nanos kMs = 1'000'000;

// Hop distances from every server of a preset (BFS).
std::vector<std::vector<std::uint32_t>> distances(const Topology& t) {
  const auto adj = t.adjacency();
  std::vector<std::vector<std::uint32_t>> d(t.size(), std::vector<std::uint32_t>(t.size(), 0xFFFFFFFF));
  for (std::size_t s = 0; s < t.size(); ++s) {
    std::queue<std::size_t> q;
    q.push(s);
    d[s][s] = 0;
    while (!q.empty()) {
      const auto v = q.front();
      q.pop();
      for (auto w : adj[v]) {
        if (d[s][w] == 0xFFFFFFFF) {
          d[s][w] = d[s][v] + 1;
          q.push(w);
        }
      }
    }
  }
  return d;
}

const char* kBusy = R"({
  "name": "busy", "seed": 11, "duration": "12s",
  "topology": {"preset": "hill"},
  "network": {"latency": {"model": "lognormal", "median": "15ms", "sigma": 0.6}, "loss": 0.05,
              "places_delay": {"model": "exponential", "mean": "40ms"}},
  "clients": {"count": 25, "report_interval": "400ms", "arrival": "poisson", "servers": "moving", "reads_per_report": 1.5},
  "clock_skew": {"max": "30ms", "nodes": {"Hill": "250ms"}},
  "faults": [
    {"at": "2s", "kind": "link_cut", "link": ["Hill", "Smith"]},
    {"at": "3s", "kind": "partition", "name": "p", "groups": [["Hill", "Jaquez"]]},
    {"at": "5s", "kind": "heal", "name": "p"},
    {"at": "6s", "kind": "crash", "node": "Campbell"},
    {"at": "8s", "kind": "restart", "node": "Campbell"},
    {"at": "9s", "kind": "link_restore", "link": ["Hill", "Smith"]}
  ],
  "metrics": {"sample_first": 20, "sample_every": 7, "coverage_interval": "500ms", "max_reads": 50}
})";

std::string temp_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("herd-sim-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

}  // namespace

TEST_CASE("same scenario and seed: identical record - another seed: a different one") {
  const auto a = run_text(kBusy), b = run_text(kBusy);
  CHECK(canonical(a.record) == canonical(b.record));
  CHECK(a.record.summary.events_processed > 1000);
  CHECK(a.record.updates.size() > 300);
  CHECK(a.record.faults.size() == 6);
  CHECK(a.record.reads.size() == 50);           // capped by max_reads ...
  CHECK(a.record.summary.reads > 50);           // ... but all counted
  CHECK(a.record.nodes[0].clock_skew == 250 * kMs);
  auto points = sim::parse_scenario_text(kBusy, "test.json");
  const auto c = harness::run_scenario(points[0], 12);
  CHECK(canonical(c.record) != canonical(a.record));
  // Sampling: ids below 20, then every 7th.
  for (const auto& u : a.record.updates) CHECK(u.sampled == (u.id < 20 || u.id % 7 == 0));
  for (const auto& d : a.record.deliveries) CHECK(a.record.updates[d.update].sampled);
  // Campbell crashed and restarted: it must never be counted twice.
  for (const auto& u : a.record.updates) CHECK(u.reached <= u.reachable);
}

TEST_CASE("same scenario and seed: identical results files except wall-clock columns") {
  const std::string f1 = temp_path("a.sqlite"), f2 = temp_path("b.sqlite");
  std::filesystem::remove(f1);
  std::filesystem::remove(f2);
  results::write_run(f1, run_text(kBusy).record);
  results::write_run(f2, run_text(kBusy).record);
  const std::string d1 = simtest::dump_db(f1), d2 = simtest::dump_db(f2);
  CHECK(d1.find("table deliveries") != std::string::npos);
  CHECK(d1.size() > 10000);
  CHECK(d1 == d2);
  std::filesystem::remove_all(std::filesystem::path(f1).parent_path());
}

TEST_CASE("golden: goloman at constant 10 ms converges in eccentricity x 10 ms") {
  const auto out = run_text(R"({
    "name": "golden", "seed": 5, "duration": "10s",
    "topology": {"preset": "goloman"},
    "network": {"latency": {"model": "constant", "value": "10ms"}},
    "clients": {"count": 8, "report_interval": "1s", "servers": "moving", "stop": "9s"}
  })");
  const auto& rec = out.record;
  // By hand from docs/protocol.md's links: Goloman, Holiday and Wilkes reach all
  // in 2 hops; Hands and Welsh are 3 apart.
  const std::map<std::string, Nanos> expected = {
      {"Goloman", 20 * kMs}, {"Hands", 30 * kMs}, {"Holiday", 20 * kMs}, {"Welsh", 30 * kMs}, {"Wilkes", 20 * kMs}};
  REQUIRE(rec.updates.size() == 72);  // 8 clients x 9 reports
  std::vector<Nanos> times;
  for (const auto& u : rec.updates) {
    REQUIRE(u.convergence);
    CHECK(*u.convergence == expected.at(rec.nodes[u.origin].name));
    CHECK(u.reachable == 5);
    CHECK(u.reached == 5);
    times.push_back(*u.convergence);
  }
  std::sort(times.begin(), times.end());
  const auto rank = [&](std::size_t p) { return times[(p * times.size() + 99) / 100 - 1]; };
  const auto& s = rec.summary;
  CHECK(s.convergence_p50 == rank(50));
  CHECK(s.convergence_p90 == 30 * kMs);
  CHECK(s.convergence_max == 30 * kMs);
  CHECK(s.converged_updates == 72);
  CHECK(s.coverage == 1.0);
  // Flooding sends 2|E| - (|V| - 1) = 12 - 4 = 8 messages per update, 4 of
  // which arrive where the report is already held.
  CHECK(s.messages_per_update == 8.0);
  CHECK(s.duplicate_ratio == 0.5);
  // Every sampled first delivery is at distance x 10 ms, with that many hops.
  const auto d = distances(topology_of(*find_preset("goloman")));
  REQUIRE(rec.deliveries.size() == 72 * 5);  // all 72 are below sample_first
  for (const auto& del : rec.deliveries) {
    const auto& u = rec.updates[del.update];
    CHECK(del.hops == d[u.origin][del.node]);
    CHECK(del.at == u.issued_at + 10 * kMs * d[u.origin][del.node]);
  }
}

TEST_CASE("a cut link lengthens convergence - restoring it brings it back") {
  const auto out = run_text(R"({
    "name": "cut", "seed": 2, "duration": "10s",
    "topology": {"preset": "hill"},
    "network": {"latency": {"model": "constant", "value": "10ms"}},
    "clients": {"count": 10, "report_interval": "500ms", "servers": "moving"},
    "faults": [{"at": "0s", "kind": "link_cut", "link": ["Hill", "Smith"]},
               {"at": "5s", "kind": "link_restore", "link": ["Hill", "Smith"]}]
  })");
  const std::uint32_t hill = 0;  // preset order
  int before = 0, after = 0;
  for (const auto& u : out.record.updates) {
    if (u.origin != hill || !u.convergence) continue;
    // Without Hill-Smith: Hill-Jaquez-Singleton-{Smith,Campbell} is 3 hops.
    if (u.issued_at < 5'000 * kMs) {
      CHECK(*u.convergence == 30 * kMs);
      ++before;
    }
    if (u.issued_at > 5'000 * kMs + 50 * kMs) {
      CHECK(*u.convergence == 20 * kMs);
      ++after;
    }
  }
  CHECK(before > 0);
  CHECK(after > 0);
}

TEST_CASE("run: a partition stops delivery across it until heal") {
  auto scenario = [](const std::string& faults) {
    return R"({
    "name": "split", "seed": 3, "duration": "9s",
    "topology": {"preset": "hill"},
    "network": {"latency": {"model": "constant", "value": "10ms"}},
    "clients": {"count": 10, "report_interval": "500ms", "servers": "moving", "reads_per_report": 2},
    "faults": [)" + faults + "]}";
  };
  const auto out = run_text(scenario(R"({"at": "3s", "kind": "partition", "name": "p", "groups": [["Hill", "Jaquez"]]},
                                        {"at": "6s", "kind": "heal", "name": "p"})"));
  const auto& rec = out.record;
  auto side = [](std::uint32_t n) { return n <= 1 ? 0 : 1; };  // Hill, Jaquez are 0 and 1
  std::size_t during = 0, after = 0;
  for (const auto& u : rec.updates) {
    if (u.issued_at > 3'000 * kMs && u.issued_at < 6'000 * kMs) {
      ++during;
      CHECK(u.reachable == (side(u.origin) == 0 ? 2u : 3u));
      CHECK(u.reached == u.reachable);
      for (const auto& d : rec.deliveries) {
        if (d.update == u.id) CHECK(side(d.node) == side(u.origin));  // never across
      }
    }
    if (u.issued_at >= 6'000 * kMs) {
      ++after;
      CHECK(u.reachable == 5);
      CHECK(u.reached == 5);
    }
  }
  CHECK(during > 10);
  CHECK(after > 10);
  REQUIRE(rec.faults.size() == 2);
  CHECK(rec.faults[0].at == 3'000 * kMs);
  CHECK(rec.faults[0].target == "p:[[Hill,Jaquez]]");
  // Reads across the split see old reports: more stale reads than unsplit.
  const auto base = run_text(scenario(""));
  CHECK(rec.summary.stale_read_fraction > base.record.summary.stale_read_fraction + 0.05);
}

TEST_CASE("loss lowers coverage and convergence when reports are not repeated") {
  const std::string lossless = R"({
    "name": "once", "seed": 4, "duration": "5s",
    "topology": {"kind": "ring", "n": 20},
    "network": {"latency": {"model": "constant", "value": "5ms"}, "loss": 0},
    "clients": {"count": 40, "report_interval": "4s", "stop": "4s"}
  })";
  std::string lossy = lossless;
  lossy.replace(lossy.find("\"loss\": 0"), 9, "\"loss\": 0.2");
  const auto a = run_text(lossless), b = run_text(lossy);
  CHECK(a.record.summary.updates == 40);
  CHECK(b.record.summary.updates == 40);
  CHECK(a.record.summary.coverage == 1.0);
  CHECK(a.record.summary.converged_updates == 40);
  CHECK(b.record.summary.coverage < 0.9);
  CHECK(b.record.summary.converged_updates < 40);
  CHECK(b.counters.dropped_loss > 0);
  CHECK(a.counters.dropped_loss == 0);
}

TEST_CASE("run: a crash loses the node's table - updates while it is down do not count it") {
  const auto out = run_text(R"({
    "name": "crash", "seed": 6, "duration": "8s",
    "topology": {"preset": "hill"},
    "network": {"latency": {"model": "constant", "value": "10ms"}},
    "clients": {"count": 10, "report_interval": "500ms", "servers": "moving", "stop": "4s"},
    "faults": [{"at": "5s", "kind": "crash", "node": "Singleton"},
               {"at": "6s", "kind": "restart", "node": "Singleton"}]
  })", harness::RunOptions{nullptr, [](virt::VirtualNetwork& net) {
    // After the restart nobody reported again: Singleton's table is empty
    // while every other server still holds all ten clients.
    REQUIRE(net.node(4) != nullptr);
    CHECK(net.node(4)->name() == "Singleton");
    CHECK(net.node(4)->table().size() == 0);
    for (std::uint32_t n = 0; n < 4; ++n) CHECK(net.node(n)->table().size() == 10);
  }});
  CHECK(out.record.faults.size() == 2);
  CHECK(out.record.faults[0].kind == "crash");
  CHECK(out.record.faults[0].target == "Singleton");

  const auto during = run_text(R"({
    "name": "crash2", "seed": 6, "duration": "8s",
    "topology": {"preset": "hill"},
    "network": {"latency": {"model": "constant", "value": "10ms"}},
    "clients": {"count": 10, "report_interval": "500ms", "servers": "moving"},
    "faults": [{"at": "3s", "kind": "crash", "node": "Singleton"}]
  })");
  std::size_t refused = 0;
  for (const auto& m : during.record.messages) if (m.kind == "client_refused") refused = m.count;
  CHECK(refused > 0);  // reports sent to the crashed server
  for (const auto& u : during.record.updates) {
    if (u.issued_at > 3'000 * kMs) CHECK(u.reachable == 4);
    CHECK(u.reached == u.reachable);
  }
}

TEST_CASE("consistency: what a crash and a partition leave stale stays stale until clients report again") {
  // Clients stop reporting at 4 s; sampled every 250 ms.
  auto consistency_at = [](const results::RunRecord& r, Nanos at) {
    for (const auto& c : r.coverage) {
      if (c.at == at) return c.consistency;
    }
    FAIL("no sample at " << at);
    return -1.0;
  };
  const char* base = R"({
    "name": "c", "seed": 6, "duration": "8s", "topology": {"preset": "hill"},
    "network": {"latency": {"model": "constant", "value": "10ms"}},
    "clients": {"count": 10, "report_interval": "500ms", "servers": "moving", "stop": "4s"},
    "metrics": {"coverage_interval": "250ms"}, "faults": FAULTS})";
  auto with = [&](const std::string& faults, const harness::RunOptions& o = {}) {
    std::string t = base;
    t.replace(t.find("FAULTS"), 6, faults);
    return run_text(t, o).record;
  };
  // No faults: once the floods are in, every server holds every newest report.
  const auto clean = with("[]");
  CHECK(consistency_at(clean, 4'500 * kMs) == 1.0);
  CHECK(consistency_at(clean, 8'000 * kMs) == 1.0);
  // Singleton (one of five) crashes after the last reports and comes back
  // empty: a fifth of the pairs are stale for good.
  const auto crashed = with(R"([{"at": "5s", "kind": "crash", "node": "Singleton"},
                                 {"at": "6s", "kind": "restart", "node": "Singleton"}])");
  CHECK(consistency_at(crashed, 4'750 * kMs) == 1.0);
  CHECK(consistency_at(crashed, 5'250 * kMs) == Approx(0.8));
  CHECK(consistency_at(crashed, 8'000 * kMs) == Approx(0.8));
  // A partition over the last reports: what crossed no link is missing on
  // the other side after the heal, since flooding never resends.
  // An oracle from the tables themselves at the end: a pair is consistent
  // when the server holds the newest report any server holds (no crash here,
  // so the origin of each newest report still holds it).
  double from_tables = -1;
  harness::RunOptions o;
  o.at_end = [&](virt::VirtualNetwork& net) {
    std::size_t consistent = 0, clients = net.clients().size();
    for (ClientId c = 0; c < clients; ++c) {
      const Report* newest = nullptr;
      for (std::uint32_t n = 0; n < 5; ++n) {
        const ReportRef* r = net.node(n)->table().find(c);
        if (r && (!newest || (*r)->newer_than(*newest))) newest = r->get();
      }
      for (std::uint32_t n = 0; n < 5; ++n) {
        const ReportRef* r = net.node(n)->table().find(c);
        consistent += r && r->get() == newest;
      }
    }
    from_tables = static_cast<double>(consistent) / static_cast<double>(5 * clients);
  };
  const auto split = with(R"([{"at": "2s", "kind": "partition", "name": "p", "groups": [["Hill", "Jaquez"]]},
                               {"at": "6s", "kind": "heal", "name": "p"}])", o);
  CHECK(consistency_at(split, 1'750 * kMs) > 0.9);  // before it: only floods in flight
  CHECK(consistency_at(split, 4'500 * kMs) < consistency_at(clean, 4'500 * kMs));
  CHECK(consistency_at(split, 4'500 * kMs) < 1.0);
  CHECK(consistency_at(split, 8'000 * kMs) == consistency_at(split, 4'500 * kMs));
  CHECK(consistency_at(split, 8'000 * kMs) == Approx(from_tables));
}

TEST_CASE("a disconnected generated graph set to reject fails the run with a scenario error") {
  CHECK_THROWS_AS(run_text(R"({"name": "er", "duration": "1s",
    "topology": {"kind": "erdos_renyi", "n": 100, "p": 0.001, "disconnected": "reject"}})"),
                  sim::ScenarioError);
  CHECK_THROWS_WITH(run_text(R"({"name": "er", "duration": "1s", "topology": {"kind": "ring", "n": 10},
    "faults": [{"at": "0s", "kind": "link_cut", "link": ["n0", "n5"]}]})"),
                    Catch::Contains("faults[0].link") && Catch::Contains("no link n0-n5"));
}

TEST_CASE("gossip: fewer messages than flooding for less coverage - more fanout, more of both - deterministic") {
  // One report per client, never repeated, on a 200-node small world.
  auto scenario = [](const std::string& strategy) {
    return R"({"name": "g", "seed": 6, "duration": "5s",
      "topology": {"kind": "small_world", "n": 200, "k": 6, "p": 0.1},
      "strategy": )" + strategy + R"(,
      "network": {"latency": {"model": "uniform", "min": "5ms", "max": "15ms"}},
      "clients": {"count": 30, "report_interval": "1s", "stop": "999ms"}})";
  };
  const auto flood = run_text(scenario(R"("flooding")"));
  const auto g1 = run_text(scenario(R"({"name": "gossip", "fanout": 1})"));
  const auto g2 = run_text(scenario(R"({"name": "gossip", "fanout": 2})"));
  const auto g2again = run_text(scenario(R"({"name": "gossip", "fanout": 2})"));
  CHECK(g2.record.info.strategy == "gossip(fanout=2)");
  CHECK(flood.record.summary.updates == 30);
  CHECK(g2.record.summary.updates == 30);
  CHECK(flood.record.summary.coverage == 1.0);

  const auto msgs = [](const harness::RunOutcome& o) { return o.record.summary.messages_per_update; };
  CHECK(msgs(g1) < msgs(g2));
  CHECK(msgs(g2) < msgs(flood));
  // Fanout 1 is a random walk that stops at the first server that knew: it
  // reaches few. Fanout 2 reaches more, flooding all.
  CHECK(g1.record.summary.coverage < g2.record.summary.coverage);
  CHECK(g2.record.summary.coverage <= flood.record.summary.coverage);
  CHECK(g1.record.summary.coverage < 0.5);
  CHECK(canonical(g2.record) == canonical(g2again.record));
}

TEST_CASE("the links table records latency and loss as the scenario wrote them") {
  const auto c = run_text(R"({"name": "as-written", "duration": "1s", "seed": 1, "topology": {"preset": "hill"},
    "network": {"latency": {"model": "lognormal", "median": "20ms", "sigma": 0.5}, "loss": 0.05,
                "links": [{"between": ["Hill", "Jaquez"], "latency": {"model": "lognormal", "median": "1.5ms", "sigma": 0.25},
                           "loss": 0.3}]},
    "clients": {"count": 2, "report_interval": "500ms"}})");
  REQUIRE(c.record.links.size() == 6);
  std::size_t overridden = 0;
  for (const auto& l : c.record.links) {
    if (l.a + l.b == 1) {  // Hill (0) - Jaquez (1)
      ++overridden;
      CHECK(l.latency == "lognormal(median=1.5ms,sigma=0.25)");
      CHECK(l.loss == 0.3);  // the double written, not 0.30000001192092896
    } else {
      CHECK(l.latency == "lognormal(median=20ms,sigma=0.5)");
      CHECK(l.loss == 0.05);
    }
  }
  CHECK(overridden == 1);
}

TEST_CASE("exact convergence: an update a newer report overtakes converges only by being covered") {
  // Gossip too slow for the report interval: most updates are covered by the
  // next report before every server stored them; flooding on the same herd
  // delivers each update itself to every server.
  const std::string scenario = R"({"name": "exact", "duration": "12s", "seed": 4,
    "topology": {"kind": "small_world", "n": 300, "k": 6, "p": 0.1},
    "network": {"latency": {"model": "constant", "value": "20ms"}},
    "clients": {"count": 10, "report_interval": "1s", "servers": "moving", "stop": "8s"}, STRATEGY})";
  auto with = [&](const std::string& strategy) {
    std::string s = scenario;
    s.replace(s.find("STRATEGY"), 8, strategy);
    return run_text(s).record;
  };
  const auto flooding = with(R"("strategy": {"name": "flooding"})");
  const auto gossip = with(R"("strategy": {"name": "gossip", "fanout": 2})");
  for (const auto* rec : {&flooding, &gossip}) {
    for (const auto& u : rec->updates) {
      CHECK(u.exact_reached <= u.reached);
      if (u.exact_convergence) CHECK(*u.exact_convergence >= *u.convergence);
    }
  }
  // Flooding with constant latency and no faults: both definitions agree.
  CHECK(flooding.summary.exact_converged_updates == flooding.summary.updates);
  CHECK(flooding.summary.exact_convergence_p50 == flooding.summary.convergence_p50);
  // Slow gossip: far fewer exact than covering convergences.
  CHECK(gossip.summary.converged_updates > 0);
  CHECK(gossip.summary.exact_converged_updates * 2 < gossip.summary.converged_updates);
}
