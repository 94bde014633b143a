// Golden-run checks (results::GoldenFile, `herd sim --golden`) on real
// results files: what is compared, what is never compared, tolerance, the
// messages and every exit code.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "results/golden.h"
#include "results/store.h"
#include "tests/test_results_support.h"

using namespace herd::results;
using namespace herd::results::test;
using Catch::Matchers::Contains;
using Result = GoldenCheck::Result;

namespace {

std::string golden_of(const TempDir& dir, const RunRecord& rec) {
  const std::string path = dir.file("golden.sqlite");
  write_run(path, rec);
  return path;
}

}  // namespace

TEST_CASE("golden: the same run is equal whatever its wall-clock columns and path", "[results][golden]") {
  TempDir dir;
  GoldenFile golden(golden_of(dir, synthetic_record(0)));
  RunRecord rec = synthetic_record(0);
  rec.summary.wall_seconds = 99;
  rec.summary.peak_rss_bytes = 1;
  rec.info.code_version = "9.9.9+other";
  rec.info.scenario_path = "/elsewhere/synthetic.json";
  const GoldenCheck c = golden.check(rec, std::nullopt);
  CHECK(c.result == Result::equal);
  CHECK(c.golden_run == 1);
  CHECK(c.text.empty());
}

TEST_CASE("golden: a difference names the table, the rows and the first differing values", "[results][golden]") {
  TempDir dir;
  GoldenFile golden(golden_of(dir, synthetic_record(0)));
  RunRecord rec = synthetic_record(0);
  rec.updates[1].reached = 3;
  rec.updates[2].reachable = 4;
  rec.deliveries.pop_back();
  rec.info.topology = "preset:riley";
  rec.coverage.push_back({26 * herd::kNanosPerSecond, 1.0});
  const GoldenCheck c = golden.check(rec, std::nullopt);
  REQUIRE(c.result == Result::different);
  CHECK(c.golden_run == 1);
  CHECK(c.text ==
        "  runs: 1 of 1 row differs, first at the run's row: topology 'preset:riley' (this run) vs 'preset:hill' (golden)\n"
        "  updates: 2 of 3 rows differ, first at id=2: reached 3 (this run) vs 2 (golden)\n"
        "  deliveries: 1 row only in golden (of 7), first at update_id=2, node=3: a row only in golden\n"
        "  coverage: 1 row only in this run (of 5), first at seq=4: a row only in this run\n");
}

TEST_CASE("golden: the run is matched by scenario, seed, sweep point and mode - the last written wins", "[results][golden]") {
  TempDir dir;
  const std::string path = golden_of(dir, synthetic_record(0));
  RunRecord second = synthetic_record(0);
  second.messages[0].count = 1000;
  write_run(path, second);
  GoldenFile golden(path);
  const GoldenCheck last = golden.check(second, std::nullopt);
  CHECK(last.result == Result::equal);
  CHECK(last.golden_run == 2);

  RunRecord other_seed = synthetic_record(0);
  other_seed.info.seed = 8;
  GoldenCheck c = golden.check(other_seed, std::nullopt);
  CHECK(c.result == Result::no_match);
  CHECK(c.text == "golden file '" + path +
                      "' has no sim run of scenario 'synthetic-0' with seed 8 and sweep point {\"fanout\":2} (it holds 2 "
                      "runs: herd report '" + path + "' lists them)");
  RunRecord other_point = synthetic_record(0);
  other_point.info.sweep_point_json = R"({"fanout":3})";
  CHECK(golden.check(other_point, std::nullopt).result == Result::no_match);
  RunRecord live = synthetic_record(0);
  live.info.mode = "live";
  CHECK(golden.check(live, std::nullopt).result == Result::no_match);
}

TEST_CASE("golden: with a tolerance only the summary figures count, each within T x |golden|", "[results][golden]") {
  TempDir dir;
  GoldenFile golden(golden_of(dir, synthetic_record(0)));  // p50 12,000,000 ns; duplicate_ratio 0.4047
  RunRecord rec = synthetic_record(0);
  rec.updates[1].reached = 3;                // rows differ: not compared with a tolerance
  rec.summary.convergence_p50 = 12'500'000;  // 4.17 % off
  rec.summary.wall_seconds = 1000;           // wall clock: never compared
  CHECK(golden.check(rec, 0.05).result == Result::equal);
  GoldenCheck c = golden.check(rec, 0.01);
  REQUIRE(c.result == Result::different);
  CHECK(c.text == "  summary: convergence_p50_ns 12.500ms (this run) vs 12.000ms (golden), off by 4.17%\n");

  RunRecord none = synthetic_record(0);
  none.summary.convergence_p90.reset();  // NULL equals only NULL, whatever the tolerance
  c = golden.check(none, 10.0);
  REQUIRE(c.result == Result::different);
  CHECK(c.text == "  summary: convergence_p90_ns - (this run) vs 30.000ms (golden)\n");
}

TEST_CASE("golden: a golden value of 0 takes only 0 - tolerance is relative", "[results][golden]") {
  TempDir dir;
  RunRecord zero = synthetic_record(0);
  zero.summary.stale_read_fraction = 0;
  GoldenFile golden(golden_of(dir, zero));
  RunRecord rec = zero;
  rec.summary.stale_read_fraction = 0.001;
  CHECK(golden.check(rec, 0.5).result == Result::different);
  rec.summary.stale_read_fraction = 0;
  CHECK(golden.check(rec, 0).result == Result::equal);
}

TEST_CASE("golden: a golden file that is not a results file of this version is refused, named", "[results][golden]") {
  TempDir dir;
  CHECK_THROWS_WITH(GoldenFile(dir.file("none.sqlite")), Contains("none.sqlite': no such file"));
  const std::string path = golden_of(dir, synthetic_record(0));
  set_version(path, older_version());
  CHECK_THROWS_WITH(GoldenFile(path), Contains(path) && Contains(version_refusal(older_version())));
}

TEST_CASE("cli: herd sim --golden exits 0 when equal, 1 with the difference, 2 without a matching run", "[results][golden][cli]") {
  TempDir dir;
  const std::string scenario = write_tiny_scenario(dir);
  const std::string golden = dir.file("g.sqlite");
  REQUIRE(run_herd("sim " + scenario + " --out " + golden + " --quiet").exit_code == 0);

  Outcome o = run_herd("sim " + scenario + " --golden " + golden + " --quiet");
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.output, Contains("golden: run 1 (seed 5): equal to run 1 of " + golden + "\n"));

  exec_sql(golden, "UPDATE coverage SET consistency = 0.5 WHERE seq = 2");
  o = run_herd("sim " + scenario + " --golden " + golden + " --quiet");
  CHECK(o.exit_code == 1);
  CHECK_THAT(o.output, Contains("golden: run 1 (seed 5): DIFFERS from run 1 of " + golden + ":\n"
                                "  coverage: 1 of ") &&
                           Contains(" rows differ") && Contains("first at seq=2: consistency ") &&
                           Contains(" (this run) vs 0.5 (golden)\n"));
  // The summary did not change: within any tolerance.
  o = run_herd("sim " + scenario + " --golden " + golden + " --golden-tolerance 0 --quiet");
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.output, Contains("golden: run 1 (seed 5): within tolerance 0 of run 1 of " + golden));

  o = run_herd("sim " + scenario + " --seed 6 --golden " + golden + " --quiet");
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("golden file '" + golden + "' has no sim run of scenario 'tiny' with seed 6"));
}

TEST_CASE("cli: herd sim --golden rejects bad usage and bad golden files with exit 2", "[results][golden][cli]") {
  TempDir dir;
  const std::string scenario = write_tiny_scenario(dir);
  const std::string golden = dir.file("g.sqlite");
  REQUIRE(run_herd("sim " + scenario + " --out " + golden + " --quiet").exit_code == 0);

  Outcome o = run_herd("sim --help");
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.output, Contains("--golden") && Contains("--golden-tolerance") && Contains("wall-clock columns never"));
  for (const char* bad : {"-0.1", "abc", "nan", "inf", "0.05x", ""}) {
    o = run_herd("sim " + scenario + " --golden " + golden + " --golden-tolerance '" + bad + "' --quiet");
    CHECK(o.exit_code == 2);
    CHECK_THAT(o.output, Contains("expected a fraction >= 0"));
  }
  o = run_herd("sim " + scenario + " --golden-tolerance 0.1 --quiet");
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("give --golden GOLDEN too"));
  o = run_herd("sim " + scenario + " --golden " + dir.file("none.sqlite") + " --quiet");
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("--golden: results file '" + dir.file("none.sqlite") + "': no such file"));
  { std::ofstream(dir.file("notes.txt")) << "not a database\n"; }
  o = run_herd("sim " + scenario + " --golden " + dir.file("notes.txt") + " --quiet");
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("notes.txt") && Contains("not a database"));
  set_version(golden, newer_version());
  o = run_herd("sim " + scenario + " --golden " + golden + " --quiet");
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains(golden) && Contains(version_refusal(newer_version())));
  CHECK_THAT(o.output, !Contains("p50"));  // refused before running
}

TEST_CASE("cli: herd sim --golden on a sweep matches each point's run and names the point", "[results][golden][cli]") {
  TempDir dir;
  const std::string scenario = dir.file("sweep.json");
  std::ofstream(scenario) << R"({"name": "sweep", "seed": 5, "duration": "2s", "topology": {"preset": "hill"},
    "clients": {"count": 3, "report_interval": "500ms", "servers": "fixed"},
    "sweep": {"clients.count": [2, 4]}})";
  const std::string golden = dir.file("g.sqlite");
  const Outcome wrote = run_herd("sim " + scenario + " --out " + golden + " --quiet");
  REQUIRE(wrote.exit_code == 0);
  Outcome o = run_herd("sim " + scenario + " --golden " + golden + " --quiet");
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.output, Contains("golden: run 1 (seed 5, sweep point {\"clients.count\":2}): equal to run 1 of ") &&
                           Contains("golden: run 2 (seed 5, sweep point {\"clients.count\":4}): equal to run 2 of "));
  // Only the second point's golden run changed: only it differs.
  exec_sql(golden, "UPDATE updates SET client = 'renamed' WHERE run_id = 2 AND id = 1");
  o = run_herd("sim " + scenario + " --golden " + golden + " --quiet");
  CHECK(o.exit_code == 1);
  CHECK_THAT(o.output, Contains("run 1 (seed 5, sweep point {\"clients.count\":2}): equal to run 1") &&
                           Contains("run 2 (seed 5, sweep point {\"clients.count\":4}): DIFFERS from run 2 of " + golden +
                                    ":\n  updates: 1 of ") &&
                           Contains("first at id=1: client '") && Contains("' (this run) vs 'renamed' (golden)\n"));
}
