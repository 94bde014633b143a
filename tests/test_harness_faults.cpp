// The harness's fault state (harness/faults.h): which links are open after
// cuts, partitions and heals, and the components servers form — the state
// both worlds are driven from.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "harness/faults.h"
#include "topology/presets.h"
#include "sim/scenario_error.h"
#include "sim/scenario_loader.h"

using namespace herd;
using harness::Fault;
using harness::FaultKind;
using harness::FaultState;

namespace {

// A line of four: 0 - 1 - 2 - 3 (links 0, 1, 2).
Topology line4() {
  Topology t;
  t.names = {"A", "B", "C", "D"};
  t.links = {{0, 1}, {1, 2}, {2, 3}};
  return t;
}

Fault link_fault(FaultKind kind, std::size_t link) {
  Fault f;
  f.kind = kind;
  f.link = link;
  return f;
}

Fault partition(const std::string& name, std::vector<std::uint32_t> group_of) {
  Fault f;
  f.kind = FaultKind::Partition;
  f.name = name;
  f.group_of = std::move(group_of);
  return f;
}

Fault heal(const std::string& name) {
  Fault f;
  f.kind = FaultKind::Heal;
  f.name = name;
  return f;
}

}  // namespace

TEST_CASE("harness faults: a component is labelled by its smallest server index") {
  const Topology t = line4();
  FaultState st(t);
  CHECK(st.components() == std::vector<std::uint32_t>{0, 0, 0, 0});
  CHECK(st.apply_link_fault(link_fault(FaultKind::LinkCut, 1)) == std::vector<std::size_t>{1});
  CHECK(st.components() == std::vector<std::uint32_t>{0, 0, 2, 2});
  // A server that is down is alone, and splits what it joined.
  st.set_up(2, false);
  CHECK(st.components() == std::vector<std::uint32_t>{0, 0, 2, 3});
  st.set_up(2, true);
  CHECK(st.apply_link_fault(link_fault(FaultKind::LinkRestore, 1)) == std::vector<std::size_t>{1});
  CHECK(st.components() == std::vector<std::uint32_t>{0, 0, 0, 0});
  // Cutting a cut link again changes nothing.
  st.apply_link_fault(link_fault(FaultKind::LinkCut, 0));
  CHECK(st.apply_link_fault(link_fault(FaultKind::LinkCut, 0)).empty());
}

TEST_CASE("harness faults: partitions stack, a link opens only when nothing separates it") {
  const Topology t = line4();
  FaultState st(t);
  // p: {A,B} | {C,D} closes link 1; q: {A} | rest closes link 0.
  CHECK(st.apply_link_fault(partition("p", {0, 0, 1, 1})) == std::vector<std::size_t>{1});
  CHECK(st.apply_link_fault(partition("q", {0, 1, 1, 1})) == std::vector<std::size_t>{0});
  CHECK(st.components() == std::vector<std::uint32_t>{0, 1, 2, 2});
  // A cut under a partition: healing the partition leaves the link closed.
  CHECK(st.apply_link_fault(link_fault(FaultKind::LinkCut, 1)).empty());
  CHECK(st.apply_link_fault(heal("p")).empty());
  CHECK_FALSE(st.open(1));
  CHECK(st.apply_link_fault(heal("no-such-partition")).empty());
  CHECK(st.apply_link_fault(heal("q")) == std::vector<std::size_t>{0});
  CHECK(st.apply_link_fault(link_fault(FaultKind::LinkRestore, 1)) == std::vector<std::size_t>{1});
  CHECK(st.components() == std::vector<std::uint32_t>{0, 0, 0, 0});
}

TEST_CASE("harness faults: resolving names a link the topology lacks, with the field") {
  const sim::Scenario s = sim::parse_scenario_text(R"({"name": "x", "duration": "1s",
    "topology": {"kind": "edges", "nodes": ["A", "B", "C"], "edges": [["A", "B"], ["B", "C"], ["C", "A"]]},
    "faults": [{"at": "0.5s", "kind": "crash", "node": "B"}, {"at": "0.6s", "kind": "link_cut", "link": ["A", "C"]}]})", "x.json").at(0);
  Topology t;
  t.names = {"A", "B", "C"};
  t.links = {{0, 1}, {1, 2}};
  try {
    harness::resolve_faults(s, t, 7);
    FAIL("a missing link was accepted");
  } catch (const sim::ScenarioError& e) {
    CHECK(e.field() == "faults[1].link");
    CHECK_THAT(e.what(), Catch::Contains("no link A-C") && Catch::Contains("seed 7"));
  }
  t.links.push_back({2, 0});
  const auto faults = harness::resolve_faults(s, t, 7);
  REQUIRE(faults.size() == 2);
  CHECK(faults[0].kind == FaultKind::Crash);
  CHECK(faults[0].node == 1);
  CHECK(faults[0].target == "B");
  CHECK(faults[1].link == 2);  // found whichever way round the topology lists it
  CHECK(faults[1].target == "A-C");
}
