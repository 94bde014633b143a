// `herd sim --jobs N` and `herd sim -` as a user runs them: the real binary,
// real results files, compared with a one-job run through --golden (every
// deterministic table, exactly) and by run ids and order.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "tests/test_results_support.h"

using namespace herd::results::test;
using Catch::Matchers::Contains;

namespace {

// Three sweep points x three seeds of a short hill run: nine runs of
// different lengths, so parallel workers finish out of order.
std::string write_sweep(const TempDir& dir) {
  const std::string path = dir.file("sweep.json");
  std::ofstream(path) << R"({"name": "jobs", "seeds": [1, 2, 3], "duration": "3s", "topology": {"preset": "hill"},
    "strategy": {"name": "gossip", "fanout": 2},
    "clients": {"count": 6, "report_interval": "200ms", "servers": "moving", "reads_per_report": 1},
    "sweep": {"strategy.fanout": [1, 2, 4]}})";
  return path;
}

// "seed:fanout" of every run, in id order.
std::string runs_in_order(const std::string& db) {
  std::string out;
  const auto n = query_int(db, "SELECT count(*) FROM runs");
  for (std::int64_t id = 1; id <= n; ++id) {
    const std::string where = " FROM runs WHERE id = " + std::to_string(id);
    out += std::to_string(query_int(db, "SELECT seed" + where)) + ":" +
           std::to_string(query_int(db, "SELECT json_extract(sweep_point_json, '$.\"strategy.fanout\"')" + where)) + " ";
  }
  return out;
}

}  // namespace

TEST_CASE("cli: herd sim --jobs 3 writes the same runs, in the same order and ids, as one job", "[results][cli]") {
  TempDir dir;
  const std::string scenario = write_sweep(dir);
  const std::string one = dir.file("one.sqlite"), three = dir.file("three.sqlite");
  REQUIRE(run_herd("sim " + scenario + " -q --out " + one).exit_code == 0);
  const Outcome o = run_herd("sim " + scenario + " -q --jobs 3 --out " + three);
  REQUIRE(o.exit_code == 0);
  CHECK_THAT(o.output, Contains("9 run(s) appended"));
  CHECK(query_int(three, "SELECT count(*) FROM runs") == 9);
  CHECK(runs_in_order(three) == runs_in_order(one));
  // Every deterministic table of every run, exactly (wall clock aside).
  const Outcome g = run_herd("sim " + scenario + " -q --jobs 2 --golden " + three);
  CHECK(g.exit_code == 0);
  CHECK_THAT(g.output, Contains("run 9 (seed 3") && Contains("equal to run 9 of"));
  for (const char* table : {"updates", "deliveries", "coverage", "reads", "messages", "summary"}) {
    INFO(table);
    CHECK(count_rows(three, table) == count_rows(one, table));
  }
}

TEST_CASE("cli: herd sim --jobs rejects what is not a whole number", "[results][cli]") {
  TempDir dir;
  const std::string scenario = write_tiny_scenario(dir);
  for (const char* bad : {"-1", "two", "1.5", "", "99999"}) {
    INFO(bad);
    const Outcome o = run_herd("sim " + scenario + " -q --jobs '" + bad + "'");
    CHECK(o.exit_code == 2);
    CHECK_THAT(o.output, Contains("--jobs"));
  }
  CHECK(run_herd("sim " + scenario + " -q --jobs 0").exit_code == 0);  // 0: one per core
}

TEST_CASE("cli: herd sim --jobs stops at the first failing run and says which", "[results][cli]") {
  TempDir dir;
  const std::string scenario = write_sweep(dir);
  // A results file that cannot be written: the first run's write fails.
  const Outcome o = run_herd("sim " + scenario + " -q --jobs 2 --out " + dir.file("no-such-dir/x.sqlite"));
  CHECK(o.exit_code == 1);
  CHECK_THAT(o.output, Contains("no-such-dir"));
  CHECK_FALSE(std::ifstream(dir.file("no-such-dir/x.sqlite")).good());
}

TEST_CASE("cli: herd sim - reads the scenario from standard input", "[results][cli]") {
  TempDir dir;
  const std::string scenario = write_tiny_scenario(dir);
  const Outcome o = run_herd("sim - -q --out " + dir.file("in.sqlite") + " < " + scenario);
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.output, Contains("scenario 'tiny' (-)"));
  CHECK(query_int(dir.file("in.sqlite"), "SELECT count(*) FROM runs") == 1);
  const Outcome same = run_herd("sim " + scenario + " -q --golden " + dir.file("in.sqlite"));
  CHECK(same.exit_code == 0);
  const Outcome bad = run_herd("sim - -q --check < /dev/null");
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.output, Contains("<stdin>"));
}
