// `herd live SCENARIO` (harness/live_run.h): a scenario's topology and
// workload on real servers on loopback, recorded like a simulator run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <queue>
#include <set>
#include <tuple>

#include "harness/live_run.h"
#include "results/reader.h"
#include "results/store.h"
#include "harness/sim_run.h"
#include "sim/scenario_error.h"
#include "sim/scenario_loader.h"
#include "test_live_support.h"
#include "topology/presets.h"
#include "topology/topology.h"

using namespace herd;

namespace {

sim::Scenario scenario(const std::string& text) { return sim::parse_scenario_text(text, "live-test.json").front(); }

// Hops from `from` to every server (breadth first).
std::vector<int> distances(const Topology& t, std::size_t from) {
  const auto adj = t.adjacency();
  std::vector<int> d(t.size(), -1);
  std::queue<std::size_t> q;
  d[from] = 0;
  q.push(from);
  while (!q.empty()) {
    const auto u = q.front();
    q.pop();
    for (const auto v : adj[u]) {
      if (d[v] < 0) {
        d[v] = d[u] + 1;
        q.push(v);
      }
    }
  }
  return d;
}

// Per client, the servers its updates were issued at, in issue order.
std::map<std::string, std::vector<std::uint32_t>> origins(const results::RunRecord& r) {
  std::map<std::string, std::vector<std::uint32_t>> out;
  for (const auto& u : r.updates) out[u.client].push_back(u.origin);
  return out;
}

// (server, client) of every read, sorted.
std::vector<std::pair<std::uint32_t, std::string>> reads(const results::RunRecord& r) {
  std::vector<std::pair<std::uint32_t, std::string>> out;
  for (const auto& x : r.reads) out.emplace_back(x.node, x.client);
  std::sort(out.begin(), out.end());
  return out;
}

// A live run of `s` at speed 2 that settled (every reply and message in).
harness::LiveRunOutcome run_at_double_speed(const sim::Scenario& s, std::uint64_t seed) {
  harness::LiveRunOptions o;
  o.speed = 2;
  harness::LiveRunOutcome out = harness::run_scenario_live(s, seed, o);
  CHECK(out.settled);
  return out;
}

}  // namespace

TEST_CASE("herd live runs a five-server scenario on loopback: every update reaches every server and the workload matches the simulator's") {
  const sim::Scenario s = scenario(R"({
    "name": "live-hill", "seed": 3, "duration": "2s", "topology": {"preset": "hill"},
    "network": {"places_delay": {"model": "constant", "value": "5ms"}},
    "clients": {"count": 10, "report_interval": "500ms", "servers": "moving", "reads_per_report": 1}})");
  const harness::LiveRunOutcome out = harness::run_scenario_live(s, 3);
  const results::RunRecord& rec = out.record;

  CHECK(rec.info.mode == "live");
  CHECK(rec.info.topology == "preset:hill");
  CHECK(rec.info.duration == 2 * kNanosPerSecond);
  REQUIRE(rec.nodes.size() == 5);
  CHECK(rec.links.size() == 6);
  CHECK(rec.links.front().latency == "loopback");
  CHECK(out.settled);
  CHECK(out.replies == out.iamats_sent + out.whatsats_sent);

  // Every IAMAT became an update, and every update reached all five servers.
  REQUIRE(out.iamats_sent >= 30);
  CHECK(rec.updates.size() == out.iamats_sent);
  CHECK(rec.summary.updates == out.iamats_sent);
  CHECK(rec.summary.converged_updates == rec.summary.updates);
  CHECK(rec.summary.coverage == 1.0);
  for (const auto& u : rec.updates) {
    INFO("update " << u.id << " of " << u.client);
    CHECK(u.reachable == 5);
    CHECK(u.reached == 5);
    REQUIRE(u.convergence);
    CHECK(*u.convergence > 0);
    CHECK(*u.convergence < kNanosPerSecond);
  }
  CHECK(rec.summary.reads == out.whatsats_sent);
  CHECK(rec.summary.messages_per_update == Approx(8.0));  // every update crosses each of 6 links, some both ways
  REQUIRE(!rec.coverage.empty());
  CHECK(rec.coverage.back().coverage > 0.9);

  // First deliveries: one per (sampled update, server), never fewer hops
  // than the shortest path from the origin.
  const Topology topo = topology_of(*find_preset("hill"));
  std::set<std::pair<std::uint64_t, std::uint32_t>> seen;
  for (const auto& d : rec.deliveries) {
    INFO("update " << d.update << " at " << topo.names[d.node]);
    CHECK(seen.insert({d.update, d.node}).second);
    const auto dist = distances(topo, rec.updates[d.update].origin);
    CHECK(d.hops >= dist[d.node]);
    CHECK(d.at >= rec.updates[d.update].issued_at);
  }
  CHECK(seen.size() == 5 * rec.updates.size());  // all sampled (ids < 1000)

  // The same clients reported to the same servers in the same order, and
  // were read at the same servers, as in the simulator.
  const harness::RunOutcome simulated = harness::run_scenario(s, 3);
  CHECK(origins(rec) == origins(simulated.record));
  CHECK(reads(rec) == reads(simulated.record));

  // The record goes into a real results file and reads back as a live run.
  const std::string db = live::test::temp_dir("scenario") + "/live.sqlite";
  const auto id = results::write_run(db, rec);
  results::Reader reader(db);
  const auto runs = reader.runs();
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].info.mode == "live");
  CHECK(runs[0].info.scenario_name == "live-hill");
  CHECK(runs[0].summary.updates == rec.summary.updates);
  const results::RunRecord back = reader.load_run(id);
  CHECK(back.deliveries.size() == rec.deliveries.size());
  CHECK(back.updates.size() == rec.updates.size());
  std::filesystem::remove_all(std::filesystem::path(db).parent_path());
}

TEST_CASE("herd live --speed runs the schedule faster and records scenario times") {
  const sim::Scenario s = scenario(R"({
    "name": "fast", "duration": "4s", "topology": {"kind": "edges", "nodes": ["A", "B", "C"], "edges": [["A", "B"], ["B", "C"]]},
    "clients": {"count": 5, "report_interval": "1s"}})");
  harness::LiveRunOptions o;
  o.speed = 8;
  const auto out = harness::run_scenario_live(s, 1, o);
  CHECK(out.record.info.duration == 4 * kNanosPerSecond);  // scenario time, as herd sim records it
  CHECK(out.iamats_sent == 20);
  REQUIRE(out.record.updates.size() == 20);
  // The simulator's instants, later by what timers and a loaded machine
  // add (x 8 in scenario time); wall-clock times would be 8 times smaller.
  const harness::RunOutcome simulated = harness::run_scenario(s, 1);
  REQUIRE(simulated.record.updates.size() == 20);
  auto issued = [](const results::RunRecord& r) {
    std::vector<Nanos> t;
    for (const auto& u : r.updates) t.push_back(u.issued_at);
    std::sort(t.begin(), t.end());
    return t;
  };
  const auto live_times = issued(out.record), sim_times = issued(simulated.record);
  for (std::size_t i = 0; i < 20; ++i) {
    CHECK(live_times[i] >= sim_times[i]);
    CHECK(live_times[i] < sim_times[i] + 2 * kNanosPerSecond);
  }
  CHECK(out.record.coverage.size() == simulated.record.coverage.size());
  for (std::size_t i = 0; i < out.record.coverage.size() && i < simulated.record.coverage.size(); ++i)
    CHECK(out.record.coverage[i].at == simulated.record.coverage[i].at);
  CHECK(out.record.summary.coverage == 1.0);
  CHECK(out.record.summary.wall_seconds < 4);  // 0.5 s of schedule, plus start and settle
}

TEST_CASE("herd live refuses scenarios it cannot run, naming the field") {
  const sim::Scenario big = scenario(R"({"name": "big", "duration": "1s", "topology": {"kind": "ring", "n": 65}})");
  try {
    harness::check_live_scenario(big);
    FAIL("65 servers were accepted");
  } catch (const sim::ScenarioError& e) {
    CHECK(e.field() == "topology");
    CHECK_THAT(e.what(), Catch::Contains("65 servers; herd live runs at most 64"));
  }
  CHECK_NOTHROW(harness::check_live_scenario(
      scenario(R"({"name": "ok", "duration": "1s", "topology": {"kind": "ring", "n": 64}})")));
}

TEST_CASE("herd live runs a gossip scenario: the servers gossip, the run names the strategy") {
  const sim::Scenario s = scenario(R"({
    "name": "live-gossip", "duration": "1s", "topology": {"preset": "hill"},
    "strategy": {"name": "gossip", "fanout": 5}, "clients": {"count": 4, "report_interval": "250ms"}})");
  CHECK_NOTHROW(harness::check_live_scenario(s));
  harness::LiveRunOptions o;
  o.speed = 4;
  const auto out = harness::run_scenario_live(s, 1, o);
  CHECK(out.record.info.strategy == "gossip(fanout=5)");
  CHECK(out.iamats_sent > 0);
  // A fanout above every server's degree reaches everyone, as flooding does.
  CHECK(out.record.summary.coverage == 1.0);
}

TEST_CASE("herd live --duration shortens a scenario as if its file said so") {
  const sim::Scenario s = scenario(R"({
    "name": "d", "duration": "30s", "topology": {"preset": "hill"}, "clients": {"stop": "28s"}})");
  const sim::Scenario d = harness::with_duration(s, 2 * kNanosPerSecond);
  CHECK(d.duration == 2 * kNanosPerSecond);
  CHECK(d.clients.stop == 2 * kNanosPerSecond);
  CHECK_THAT(d.json, Catch::Contains("\"duration\":\"2s\""));
  CHECK_NOTHROW(sim::parse_scenario_text(d.json, "again"));
}

TEST_CASE("herd live crashes a server for real and restarts it empty - the record matches the simulator's faults") {
  // A line A - B - C: while B is down, A and C are cut off from each other.
  const sim::Scenario s = scenario(R"({
    "name": "crash", "seed": 5, "duration": "6s",
    "topology": {"kind": "edges", "nodes": ["A", "B", "C"], "edges": [["A", "B"], ["B", "C"]]},
    "clients": {"count": 8, "report_interval": "250ms", "servers": "moving", "reads_per_report": 1, "stop": "5s"},
    "faults": [{"at": "1s", "kind": "crash", "node": "B"}, {"at": "2s", "kind": "restart", "node": "B"}]})");
  const harness::LiveRunOutcome out = run_at_double_speed(s, 5);
  const results::RunRecord& rec = out.record;

  REQUIRE(rec.faults.size() == 2);
  CHECK(rec.faults[0].kind == "crash");
  CHECK(rec.faults[0].target == "B");
  CHECK(rec.faults[1].kind == "restart");
  const Nanos crash = rec.faults[0].at, restart = rec.faults[1].at;
  CHECK(crash == kNanosPerSecond);  // scenario time, as in the simulator
  CHECK(restart == 2 * kNanosPerSecond);

  // Nothing reaches B while it is down; it learns new reports once it is back.
  std::size_t during = 0, after = 0;
  for (const auto& d : rec.deliveries) {
    if (d.node != 1) continue;
    if (d.at > crash && d.at < restart) ++during;
    if (d.at > restart) ++after;
  }
  CHECK(during == 0);
  CHECK(after > 0);
  // What B held is lost at the crash's time: while it is down at most two
  // of the three servers hold any client's newest report.
  std::size_t samples_down = 0;
  for (const auto& c : rec.coverage) {
    if (c.at <= crash || c.at >= restart) continue;
    ++samples_down;
    CHECK(c.consistency <= 2.0 / 3.0 + 1e-9);
  }
  CHECK(samples_down > 0);

  // Updates issued well inside the outage reach only their own side: alone.
  std::size_t inside = 0;
  for (const auto& u : rec.updates) {
    if (u.issued_at > crash + 50'000'000 && u.issued_at < restart - 50'000'000) {
      ++inside;
      INFO("update " << u.id << " at server " << u.origin);
      CHECK(u.origin != 1);  // B refuses commands while down
      CHECK(u.reachable == 1);
      CHECK(u.reached == 1);
    }
  }
  CHECK(inside > 0);
  // Well after the restart (links back within 0.5 s), updates reach all three.
  std::size_t late = 0;
  for (const auto& u : rec.updates) {
    if (u.issued_at > restart + kNanosPerSecond) {
      ++late;
      CHECK(u.reached == 3);
    }
  }
  CHECK(late > 0);

  // The commands B could not answer are exactly those the simulator refuses.
  const harness::RunOutcome simulated = harness::run_scenario(s, 5);
  auto count = [](const results::RunRecord& r, const std::string& kind) {
    for (const auto& m : r.messages) {
      if (m.kind == kind) return m.count;
    }
    return std::uint64_t{0};
  };
  CHECK(count(rec, "client_refused") > 0);
  CHECK(count(rec, "client_refused") == count(simulated.record, "client_refused"));
  CHECK(origins(rec) == origins(simulated.record));
}

TEST_CASE("herd live partitions and heals for real: nothing crosses until the heal, as in the simulator") {
  // A ring of four: {A, B} | {C, D} cuts B-C and D-A.
  const sim::Scenario s = scenario(R"({
    "name": "split", "seed": 9, "duration": "5s",
    "topology": {"kind": "edges", "nodes": ["A", "B", "C", "D"], "edges": [["A", "B"], ["B", "C"], ["C", "D"], ["D", "A"]]},
    "clients": {"count": 8, "report_interval": "250ms", "servers": "moving", "stop": "4500ms"},
    "faults": [{"at": "1s", "kind": "partition", "name": "p", "groups": [["A", "B"], ["C", "D"]]},
               {"at": "2s", "kind": "link_cut", "link": ["A", "B"]},
               {"at": "2500ms", "kind": "link_restore", "link": ["A", "B"]},
               {"at": "3s", "kind": "heal", "name": "p"}]})");
  const harness::LiveRunOutcome out = run_at_double_speed(s, 9);
  const results::RunRecord& rec = out.record;

  REQUIRE(rec.faults.size() == 4);
  CHECK(rec.faults[0].kind == "partition");
  CHECK(rec.faults[0].target == "p:[[A,B],[C,D]]");
  CHECK(rec.faults[1].target == "A-B");
  CHECK(rec.faults[3].kind == "heal");
  const Nanos split = rec.faults[0].at, heal = rec.faults[3].at;
  const Nanos cut = rec.faults[1].at, restore = rec.faults[2].at;

  auto side = [](std::uint32_t n) { return n < 2 ? 0 : 1; };
  // Faults are recorded at their scenario times; they take effect when the
  // run's timer fires, which a loaded machine delays. Updates issued within
  // 100 ms (50 ms of wall time) of a fault could fall either side of it:
  // skip those.
  constexpr Nanos kMargin = 100'000'000;
  auto near = [&](Nanos t) {
    for (const auto& f : rec.faults) {
      if (t > f.at - kMargin && t < f.at + kMargin) return true;
    }
    return false;
  };
  std::size_t inside = 0, alone = 0, crossed_inside = 0, late = 0;
  for (const auto& u : rec.updates) {
    if (near(u.issued_at)) continue;
    INFO("update " << u.id << " from " << u.origin << " at " << u.issued_at);
    if (u.issued_at > split && u.issued_at < heal) {
      ++inside;
      // Reachable: its own side only (and only itself on A's side while A-B is cut too).
      const bool by_itself = u.issued_at > cut && u.issued_at < restore && side(u.origin) == 0;
      alone += by_itself;
      CHECK(u.reachable == (by_itself ? 1u : 2u));
      CHECK(u.reached == u.reachable);
    }
    if (u.issued_at > heal + 400'000'000) {
      ++late;
      CHECK(u.reached == 4);  // links back: everyone again
    }
  }
  for (const auto& d : rec.deliveries) {
    const auto& u = rec.updates[d.update];
    if (u.issued_at > split + kMargin && d.at < heal && side(d.node) != side(u.origin)) ++crossed_inside;
  }
  CHECK(inside > 0);
  CHECK(alone > 0);
  CHECK(late > 0);
  CHECK(crossed_inside == 0);

  // The same workload as the simulator's, which refuses nothing here either.
  const harness::RunOutcome simulated = harness::run_scenario(s, 9);
  CHECK(origins(rec) == origins(simulated.record));
  // The faults rows are the simulator's: kind, target and scenario time.
  REQUIRE(simulated.record.faults.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(rec.faults[i].kind == simulated.record.faults[i].kind);
    CHECK(rec.faults[i].target == simulated.record.faults[i].target);
    CHECK(rec.faults[i].at == simulated.record.faults[i].at);
  }
}

TEST_CASE("herd live of the shipped partition_heal at speed 10 records the simulator's faults rows") {
  const sim::Scenario s = sim::load_scenario_file(std::string(HERD_SOURCE_DIR) + "/scenarios/partition_heal.json").at(0);
  harness::LiveRunOptions o;
  o.speed = 10;
  const harness::LiveRunOutcome out = harness::run_scenario_live(s, 1, o);
  const harness::RunOutcome simulated = harness::run_scenario(s, 1);
  REQUIRE(simulated.record.faults.size() == 2);
  REQUIRE(out.record.faults.size() == simulated.record.faults.size());
  for (std::size_t i = 0; i < out.record.faults.size(); ++i) {
    CHECK(out.record.faults[i].kind == simulated.record.faults[i].kind);
    CHECK(out.record.faults[i].target == simulated.record.faults[i].target);
    CHECK(out.record.faults[i].at == simulated.record.faults[i].at);
  }
  CHECK(out.record.info.duration == simulated.record.info.duration);
  CHECK(out.record.coverage.size() == simulated.record.coverage.size());
  // (The workload itself is compared at speed 2 above: at speed 10 a moving
  // client's reports are 100 ms apart, and a slow machine may hand two
  // servers' stores to the harness in either order.)
}
