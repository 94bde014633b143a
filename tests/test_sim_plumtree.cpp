// Plumtree in whole simulator runs: the tree forms from the first
// broadcast and then carries each update exactly once per server (RMR 0);
// crashed servers are routed around by grafts; concurrent broadcasts from
// many origins still leave every server with every client's newest report.
#include <catch2/catch.hpp>

#include <string>

#include "test_sim_run_support.h"

using namespace herd;

namespace {

using Kind = PeerMessage::Kind;

std::string scenario(const std::string& duration, int clients, const std::string& strategy,
                     const std::string& extra = "") {
  return R"({"name": "pt", "seed": 3, "duration": ")" + duration + R"(",
    "topology": {"kind": "small_world", "n": 100, "k": 4, "p": 0.2},
    "strategy": )" + strategy + R"(,
    "network": {"latency": {"model": "uniform", "min": "5ms", "max": "15ms"}},
    "clients": {"count": )" + std::to_string(clients) +
         R"(, "report_interval": "1s", "servers": "moving", "reads_per_report": 0, "stop": "30s"})" + extra + "}";
}

const std::string kPlumtree = R"({"name": "plumtree", "graft_timeout": "500ms"})";

std::uint64_t sent(const harness::RunOutcome& o, Kind k) { return o.counters.kinds[static_cast<std::size_t>(k)].sent; }

// True if at the end every server holds, for every client, the newest
// report any server holds.
bool tables_equal(virt::VirtualNetwork& net) {
  for (ClientId c = 0; c < net.clients().size(); ++c) {
    const Report* newest = nullptr;
    for (std::uint32_t v = 0; v < net.size(); ++v) {
      if (!net.node(v)) continue;
      const ReportRef* r = net.node(v)->table().find(c);
      if (r && (!newest || (*r)->newer_than(*newest))) newest = r->get();
    }
    for (std::uint32_t v = 0; v < net.size(); ++v) {
      if (!net.node(v)) continue;
      const ReportRef* r = net.node(v)->table().find(c);
      if (!r || !newest || (*r)->at_line() != newest->at_line()) return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("plumtree: after the first broadcast every update reaches every server exactly once (RMR 0)") {
  const auto short_run = simtest::run_text(scenario("12s", 1, kPlumtree));
  const auto long_run = simtest::run_text(scenario("22s", 1, kPlumtree));
  const std::uint64_t n = long_run.record.nodes.size(), links = long_run.record.links.size();
  REQUIRE(n == 100);
  const std::uint64_t updates = long_run.record.summary.updates - short_run.record.summary.updates;
  REQUIRE(updates == 10);
  // The ten later updates (same seed, same first twelve seconds): n - 1
  // payloads each, no more (RMR = payloads / (n - 1) - 1 = 0).
  CHECK(long_run.counters.delivered - short_run.counters.delivered == updates * (n - 1));
  // The first broadcast floods; each link off the tree is pruned from both
  // ends, once: 2 x (|E| - (n - 1)) prunes in all, none later, no grafts.
  CHECK(sent(short_run, Kind::PtPrune) == 2 * (links - (n - 1)));
  CHECK(sent(long_run, Kind::PtPrune) == sent(short_run, Kind::PtPrune));
  CHECK(sent(long_run, Kind::PtGraft) == 0);
  // Lazy links carry announcements instead: one per lazy link direction.
  CHECK(sent(long_run, Kind::PtIhave) - sent(short_run, Kind::PtIhave) == updates * 2 * (links - (n - 1)));
  for (const auto& u : long_run.record.updates) CHECK(u.reached == u.reachable);
  // Flooding the same run: each update crosses every link, both ways but one.
  const auto flood = simtest::run_text(scenario("22s", 1, R"("flooding")"));
  CHECK(flood.counters.delivered > 3 * long_run.counters.delivered / 2);
}

TEST_CASE("plumtree: with servers crashing, every update still reaches every server that is up") {
  std::string faults = R"(, "faults": [)";
  for (int i = 0; i < 5; ++i) {
    faults += std::string(i ? ", " : "") + R"({"at": ")" + std::to_string(4 + i) + R"(s", "kind": "crash", "node": "n)" +
              std::to_string(11 * i + 7) + R"("})";
  }
  faults += "]";
  const auto out = simtest::run_text(scenario("34s", 1, R"({"name": "plumtree", "graft_timeout": "200ms"})", faults));
  REQUIRE(out.record.faults.size() == 5);
  int checked = 0;
  for (const auto& u : out.record.updates) {
    if (u.issued_at < 9 * kNanosPerSecond) continue;  // after the last crash
    INFO("update " << u.id << " issued at " << u.issued_at);
    CHECK(u.reached == u.reachable);
    CHECK(u.reachable <= 95);
    ++checked;
  }
  CHECK(checked >= 15);
  // The tree was repaired by grafts around the crashed servers.
  CHECK(sent(out, Kind::PtGraft) > 0);
}

TEST_CASE("plumtree: concurrent broadcasts from many origins leave every server with every newest report") {
  bool equal = false;
  harness::RunOptions options;
  options.at_end = [&](virt::VirtualNetwork& net) { equal = tables_equal(net); };
  const auto out = simtest::run_text(scenario("34s", 20, R"({"name": "plumtree", "graft_timeout": "100ms"})"), options);
  CHECK(equal);
  CHECK(out.record.coverage.back().consistency == 1.0);
  const auto flood = simtest::run_text(scenario("34s", 20, R"("flooding")"));
  CHECK(out.counters.delivered < flood.counters.delivered);
}

TEST_CASE("plumtree with anti-entropy heals a partition the tree alone cannot") {
  const std::string faults = R"(, "faults": [{"at": "5s", "kind": "partition", "name": "p", "groups": [["n0", "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9"]]},
                                             {"at": "20s", "kind": "heal", "name": "p"}])";
  bool equal_ae = false, equal_plain = false;
  harness::RunOptions ae_opts, plain_opts;
  ae_opts.at_end = [&](virt::VirtualNetwork& net) { equal_ae = tables_equal(net); };
  plain_opts.at_end = [&](virt::VirtualNetwork& net) { equal_plain = tables_equal(net); };
  const std::string body = R"("clients": {"count": 10, "report_interval": "1s", "servers": "moving", "reads_per_report": 0, "stop": "30s"})";
  auto stop_early = [&](std::string s) {  // the clients stop at the heal: only repair can bring the rest
    const auto at = s.find(R"("stop": "30s")");
    return s.replace(at, 13, R"("stop": "19s")");
  };
  simtest::run_text(stop_early(scenario("34s", 10, R"({"name": "plumtree", "anti_entropy": {"interval": "500ms"}})", faults)), ae_opts);
  simtest::run_text(stop_early(scenario("34s", 10, R"("plumtree")", faults)), plain_opts);
  CHECK(equal_ae);
  CHECK_FALSE(equal_plain);
}
