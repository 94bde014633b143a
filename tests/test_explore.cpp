// herd explore's parts: the scenarios it draws, the invariants (that they
// hold on main and can fail), and shrinking.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "explore/invariants.h"
#include "explore/scenario_draw.h"
#include "explore/shrink.h"
#include "sim/scenario_loader.h"

using namespace herd;
using json = nlohmann::json;

TEST_CASE("explore: a seed draws the same valid scenario every time, and seeds differ") {
  explore::DrawOptions o;
  std::set<std::string> kinds, distinct;
  int clean = 0, with_faults = 0;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    const json s = explore::draw_scenario(seed, o);
    REQUIRE(s == explore::draw_scenario(seed, o));
    INFO(s.dump());
    REQUIRE_NOTHROW(sim::parse_scenario_text(s.dump(), "drawn.json"));
    distinct.insert(s.dump());
    kinds.insert(s["topology"]["kind"].get<std::string>());
    clean += s["faults"].empty() && s["network"]["latency"]["model"] == "constant" && s["network"]["loss"] == 0.0;
    with_faults += !s["faults"].empty();
  }
  CHECK(distinct.size() == 300);
  CHECK(kinds.size() >= 6);
  CHECK(clean >= 40);       // the shortest-path oracle gets its share
  CHECK(with_faults >= 120);
  o.strategy = "plumtree";
  CHECK(explore::draw_scenario(5, o)["strategy"] == "plumtree");
}

TEST_CASE("explore: every invariant holds on 300 drawn scenarios") {
  explore::DrawOptions o;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    const json s = explore::draw_scenario(seed, o);
    const auto v = explore::check_scenario(s);
    INFO("seed " << seed << ": " << (v ? v->invariant + ": " + v->detail : "") << "\n" << s.dump());
    CHECK_FALSE(v);
  }
}

namespace {

// Anti-entropy, but the partition heals 50 ms before the end: no round can
// repair the stale side in time, so the convergence invariant must fail.
json late_heal(const std::string& heal_at) {
  return json::parse(R"({"name": "late-heal", "seed": 1, "duration": "6s", "topology": {"preset": "hill"},
    "strategy": {"name": "flooding", "anti_entropy": {"interval": "1s"}},
    "clients": {"count": 4, "report_interval": "200ms", "servers": "moving", "stop": "3s"},
    "faults": [{"at": "1s", "kind": "partition", "name": "p", "groups": [["Hill", "Jaquez"]]},
               {"at": ")" + heal_at + R"(", "kind": "heal", "name": "p"}],
    "metrics": {"sample_first": 100000}})");
}

}  // namespace

TEST_CASE("explore: the convergence invariant fails when anti-entropy has no time to repair") {
  const auto v = explore::check_scenario(late_heal("5950ms"));
  REQUIRE(v);
  CHECK(v->invariant == "convergence");
  CHECK(v->detail.find("holds") != std::string::npos);
  CHECK_FALSE(explore::check_scenario(late_heal("3100ms")));  // three rounds after the heal: healed
}

TEST_CASE("explore: shrinking keeps what the failure needs and drops the rest") {
  json s = explore::draw_scenario(11, {});
  s["clients"]["count"] = 6;
  s["faults"] = json::parse(R"([{"at": "100ms", "kind": "crash", "node": "n1"}, {"at": "300ms", "kind": "restart", "node": "n1"},
                                {"at": "200ms", "kind": "crash", "node": "n0"}, {"at": "900ms", "kind": "restart", "node": "n0"}])");
  s["topology"] = {{"kind", "ring"}, {"n", 6}};
  // "Breaks" while server n0 still crashes and at least two clients report.
  const auto breaks = [](const json& c) {
    bool crash = false;
    for (const auto& f : c["faults"]) crash = crash || (f["kind"] == "crash" && f["node"] == "n0");
    return crash && c["clients"]["count"].get<int>() >= 2;
  };
  const auto r = explore::shrink(s, breaks);
  // n1's crash went with its restart, and n0's restart alone (not needed).
  REQUIRE(r.scenario["faults"].size() == 1);
  CHECK(r.scenario["faults"][0]["node"] == "n0");
  CHECK(r.scenario["faults"][0]["kind"] == "crash");
  CHECK(r.scenario["clients"]["count"] == 2);
  CHECK(r.scenario["topology"]["n"] == 2);
  CHECK(r.steps >= 4);
  CHECK(breaks(r.scenario));
}
