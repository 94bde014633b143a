// `herd report` (results::report_table, report_json, RunFilter) on real
// results files: the table, the JSON, the filters and every exit code.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "results/reader.h"
#include "results/store.h"
#include "tests/test_results_support.h"

using namespace herd::results;
using namespace herd::results::test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Two runs: synthetic-0 (flooding, seed 7) and synthetic-1 (gossip(fanout=3), seed 8).
std::string two_run_file(const TempDir& dir) {
  const std::string db = dir.file("report.sqlite");
  write_run(db, synthetic_record(0));
  RunRecord g = synthetic_record(1);
  g.info.strategy = "gossip(fanout=3)";
  write_run(db, g);
  return db;
}

}  // namespace

TEST_CASE("report: one row per run with its identity and formatted summary", "[results][report][cli]") {
  TempDir dir;
  const std::string db = two_run_file(dir);
  const Outcome o = run_herd("report " + db);
  REQUIRE(o.exit_code == 0);
  const auto lines = lines_of(o.output);
  REQUIRE(lines.size() == 3);
  CHECK_THAT(lines[0], StartsWith("id  mode  scenario     strategy          seed  sweep point   updates  converged"));
  CHECK_THAT(lines[0], Contains("p50  ") && Contains("coverage  msgs/upd  dup ratio") && Contains("wall s  peak rss"));
  CHECK_THAT(lines[1], StartsWith(" 1  sim   synthetic-0  flooding             7  {\"fanout\":2}"));
  CHECK_THAT(lines[1], Contains("12.000ms") && Contains("30.000ms") && Contains("0.8666") && Contains("14.00") &&
                           Contains("123456") && Contains("10.0MiB"));
  CHECK_THAT(lines[2], StartsWith(" 2  sim   synthetic-1  gossip(fanout=3)     8  {\"fanout\":3}"));
  CHECK_THAT(lines[2], Contains("15.00") && Contains("123457"));
}

TEST_CASE("report: --json is every column unformatted, integers as integers, NULL as null", "[results][report][cli]") {
  TempDir dir;
  const std::string db = two_run_file(dir);
  RunRecord none = synthetic_record(2);
  none.summary.convergence_p50.reset();
  write_run(db, none);
  const Outcome o = run_herd_stdout("report " + db + " --json");
  REQUIRE(o.exit_code == 0);
  const auto runs = nlohmann::json::parse(o.output);
  REQUIRE(runs.size() == 3);
  CHECK(runs[1]["id"] == 2);
  CHECK(runs[1]["scenario_name"] == "synthetic-1");
  CHECK(runs[1]["strategy"] == "gossip(fanout=3)");
  CHECK(runs[1]["seed"] == 8);
  CHECK(runs[1]["sweep_point"]["fanout"] == 3);
  CHECK(runs[1]["duration_ns"] == 60'000'000'001);
  CHECK(runs[1]["summary"]["convergence_p50_ns"] == 12'000'001);
  CHECK(runs[1]["summary"]["convergence_p50_ns"].is_number_integer());
  CHECK(runs[1]["summary"]["messages_per_update"].get<double>() == 15.0);
  CHECK(runs[1]["summary"]["peak_rss_bytes"] == 10'485'760);
  CHECK(runs[2]["summary"]["convergence_p50_ns"].is_null());
  CHECK(runs[0]["created_at"].get<std::string>().size() == 20);  // 2026-11-23T09:00:00Z
}

TEST_CASE("report: --scenario, --seed and --strategy filter and combine, no match exits 1", "[results][report][cli]") {
  TempDir dir;
  const std::string db = two_run_file(dir);
  auto ids = [&](const std::string& args) {
    const Outcome o = run_herd_stdout("report " + db + " --json " + args);
    std::vector<int> out;
    for (const auto& r : nlohmann::json::parse(o.output)) out.push_back(r["id"].get<int>());
    return out;
  };
  CHECK(ids("--strategy gossip") == std::vector<int>{2});
  CHECK(ids("--strategy 'gossip(fanout=3)'") == std::vector<int>{2});
  CHECK(ids("--strategy flooding") == std::vector<int>{1});
  CHECK(ids("--seed 7") == std::vector<int>{1});
  CHECK(ids("--scenario synthetic-1") == std::vector<int>{2});
  CHECK(ids("--scenario synthetic-1 --seed 8 --strategy gossip") == std::vector<int>{2});

  const Outcome none = run_herd("report " + db + " --scenario synthetic-1 --seed 7");
  CHECK(none.exit_code == 1);
  CHECK_THAT(none.output, Contains("no run matches"));
  CHECK(run_herd_stdout("report " + db + " --json --strategy goss").output == "[]\n");
  CHECK(run_herd("report " + db + " --strategy goss").exit_code == 1);
}

TEST_CASE("report: RunFilter matches a strategy by its full text or its name before the parameters", "[results][report]") {
  StoredRun r;
  r.info.mode = "sim";
  r.info.scenario_name = "s";
  r.info.seed = 3;
  r.info.strategy = "gossip(fanout=3)";
  r.info.sweep_point_json = R"({"strategy.fanout":3})";
  auto strategy = [](const char* st) {
    RunFilter f;
    f.strategy = st;
    return f;
  };
  CHECK(RunFilter{}.matches(r));
  CHECK(strategy("gossip").matches(r));
  CHECK(strategy("gossip(fanout=3)").matches(r));
  CHECK_FALSE(strategy("gossip(fanout=2)").matches(r));
  CHECK_FALSE(strategy("gos").matches(r));
  RunFilter all;
  all.scenario = "s";
  all.seed = 3;
  all.sweep_point_json = R"({"strategy.fanout":3})";
  all.mode = "sim";
  CHECK(all.matches(r));
  all.mode = "live";
  CHECK_FALSE(all.matches(r));
  all.mode.reset();
  all.seed = 4;
  CHECK_FALSE(all.matches(r));
  all.seed.reset();
  all.sweep_point_json = "{}";
  CHECK_FALSE(all.matches(r));
}

TEST_CASE("report: usage and input errors exit 2, --help exits 0", "[results][report][cli]") {
  TempDir dir;
  const std::string db = two_run_file(dir);
  Outcome o = run_herd("report --help");
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.output, Contains("usage: herd report DB") && Contains("--strategy") && Contains("exit codes"));
  o = run_herd("report " + db + " --seed -1");
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("--seed '-1': expected a whole number"));
  o = run_herd("report " + db + " --seed 1x");
  CHECK(o.exit_code == 2);
  CHECK(run_herd("report").exit_code == 2);
  CHECK(run_herd("report " + db + " other.sqlite").exit_code == 2);
  CHECK(run_herd("report " + db + " --tables").exit_code == 2);
  o = run_herd("report " + dir.file("none.sqlite"));
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("none.sqlite': no such file"));
  set_version(db, newer_version());
  o = run_herd("report " + db);
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains(db) && Contains(version_refusal(newer_version())));
}
