// `herd explore` as a user runs it: the real binary.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "tests/test_results_support.h"

using namespace herd::results::test;
using Catch::Matchers::Contains;

TEST_CASE("cli: herd explore runs seeds, prints the rate, exits 0", "[explore][cli]") {
  const Outcome o = run_herd("explore --seeds 30 --from 100 -q");
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.output, Contains("explore: 30 seeds from seed 100, no violation") && Contains("seeds/min"));
}

TEST_CASE("cli: herd explore --print gives each seed's scenario, which herd sim runs", "[explore][cli]") {
  TempDir dir;
  const Outcome o = run_herd_stdout("explore --seeds 2 --from 7 --print");
  REQUIRE(o.exit_code == 0);
  const std::string first = o.output.substr(0, o.output.find('\n'));
  CHECK(first.rfind("{", 0) == 0);
  std::ofstream(dir.file("s7.json")) << first;
  CHECK(run_herd("sim " + dir.file("s7.json") + " -q").exit_code == 0);
  CHECK(run_herd("explore --check " + dir.file("s7.json")).exit_code == 0);
}

TEST_CASE("cli: herd explore --check exits 1 on a violation and names the invariant", "[explore][cli]") {
  TempDir dir;
  std::ofstream(dir.file("late.json")) << R"({"name": "late-heal", "seed": 1, "duration": "6s", "topology": {"preset": "hill"},
    "strategy": {"name": "flooding", "anti_entropy": {"interval": "1s"}},
    "clients": {"count": 4, "report_interval": "200ms", "servers": "moving", "stop": "3s"},
    "faults": [{"at": "1s", "kind": "partition", "name": "p", "groups": [["Hill", "Jaquez"]]},
               {"at": "5950ms", "kind": "heal", "name": "p"}]})";
  const Outcome o = run_herd("explore --check " + dir.file("late.json"));
  CHECK(o.exit_code == 1);
  CHECK_THAT(o.output, Contains("VIOLATION convergence"));
}

TEST_CASE("cli: herd explore rejects bad options and invalid files with exit 2", "[explore][cli]") {
  TempDir dir;
  for (const char* bad : {"--seeds 0", "--seeds -3", "--from x", "--max-servers 1", "--time 0s", "--time soon", "extra"}) {
    INFO(bad);
    CHECK(run_herd(std::string("explore -q ") + bad).exit_code == 2);
  }
  CHECK(run_herd("explore --seeds 1 -q --strategy epidemic").exit_code == 2);
  const Outcome missing = run_herd("explore --check " + dir.file("nope.json"));
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.output, Contains("nope.json"));
  std::ofstream(dir.file("bad.json")) << R"({"name": "x", "duration": "1s", "topology": {"preset": "nowhere"}})";
  const Outcome invalid = run_herd("explore --check " + dir.file("bad.json"));
  CHECK(invalid.exit_code == 2);
  CHECK_THAT(invalid.output, Contains("topology.preset"));
}
