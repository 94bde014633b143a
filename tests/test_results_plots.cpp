// The plot data (exact numbers) and results::plot_all / render_png writing
// real PNG files through gnuplot.
#include <catch2/catch.hpp>

#include <algorithm>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "results/plot_data.h"
#include "results/plot_spec.h"
#include "results/reader.h"
#include "results/store.h"
#include "tests/test_results_support.h"

using namespace herd;
using namespace herd::results;
using namespace herd::results::test;
using Catch::Matchers::Contains;

namespace {

bool is_png(const std::string& path) {
  const std::string bytes = read_file_bytes(path);
  return bytes.size() > 100 && bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0;
}

// A run whose `n` updates converge at 1..n ms (one never converges), with a
// partition at 10 s healed at 20 s visible in its coverage series.
RunRecord partition_run(const std::string& strategy, const std::string& sweep, std::uint64_t seed, int n) {
  RunRecord r = synthetic_record();
  r.info.strategy = strategy;
  r.info.sweep_point_json = sweep;
  r.info.seed = seed;
  r.updates.clear();
  r.deliveries.clear();
  for (int i = 0; i < n; ++i) {
    // Updates issued during the partition (10..20 s) reach only the origin's side.
    const Nanos issued = i * kNanosPerSecond / 2;
    const std::uint32_t side = issued >= 10 * kNanosPerSecond && issued < 20 * kNanosPerSecond ? 2 : 5;
    UpdateRow u{static_cast<std::uint64_t>(i + 1), "c", 0, issued, side, side,
                (i + 1) * Nanos{1'000'000} * static_cast<Nanos>(seed), false, side,
                (i + 1) * Nanos{2'000'000} * static_cast<Nanos>(seed)};
    r.updates.push_back(u);
  }
  r.updates.push_back({static_cast<std::uint64_t>(n + 1), "c", 0, 0, 5, 2, std::nullopt, false, 1, std::nullopt});
  r.coverage.clear();
  for (int t = 0; t <= 30; ++t) {
    const double cov = t < 10 ? 1.0 : t < 20 ? 0.4 : 1.0;
    r.coverage.push_back({t * kNanosPerSecond, cov});
  }
  r.faults = {{10 * kNanosPerSecond, "partition", "[[Hill,Jaquez],[Smith]]"}, {20 * kNanosPerSecond, "heal", ""}};
  r.summary.updates = static_cast<std::uint64_t>(n + 1);
  r.summary.convergence_p50 = Nanos{1'000'000} * static_cast<Nanos>(seed) * n / 2;
  r.summary.convergence_p99 = Nanos{1'000'000} * static_cast<Nanos>(seed) * n;
  return r;
}

StoredRun stored(std::int64_t id, const std::string& strategy, const std::string& sweep,
                 std::optional<Nanos> p50, std::optional<Nanos> p99, const std::string& scenario = "s") {
  StoredRun r;
  r.id = id;
  r.info.strategy = strategy;
  r.info.scenario_name = scenario;
  r.info.sweep_point_json = sweep;
  r.summary.convergence_p50 = p50;
  r.summary.convergence_p99 = p99;
  return r;
}

}  // namespace

TEST_CASE("plots: the convergence CDF counts never-converged updates in the denominator", "[results][plots]") {
  const auto pts = convergence_cdf({1'000'000, 2'000'000, 3'000'000}, 4);
  REQUIRE(pts.size() == 4);
  CHECK(pts[0] == std::pair<double, double>(1.0, 0.0));
  CHECK(pts[1] == std::pair<double, double>(1.0, 0.25));
  CHECK(pts[2] == std::pair<double, double>(2.0, 0.5));
  CHECK(pts[3] == std::pair<double, double>(3.0, 0.75));
  CHECK(convergence_cdf({}, 4).empty());
  CHECK(convergence_cdf({5}, 0).empty());
}

TEST_CASE("plots: a long CDF is thinned to evenly spaced ranks keeping both ends", "[results][plots]") {
  std::vector<Nanos> times;
  for (Nanos i = 1; i <= 10'000; ++i) times.push_back(i * 1'000'000);
  const auto pts = convergence_cdf(times, 10'000, 101);
  REQUIRE(pts.size() == 102);  // the (first, 0) start plus 101 ranks
  CHECK(pts[1] == std::pair<double, double>(1.0, 0.0001));
  CHECK(pts[51].first == 5000.0);  // rank 50 * 9999 / 100 = 4999 -> 5000 ms
  CHECK(pts.back() == std::pair<double, double>(10'000.0, 1.0));
}

TEST_CASE("plots: reach averages reached / all servers per issue-time bucket", "[results][plots]") {
  std::vector<std::pair<Nanos, std::uint32_t>> updates;
  for (int i = 0; i < 5; ++i) updates.emplace_back(i * 100'000'000, 5);                    // [0, 1) s: all
  for (int i = 0; i < 5; ++i) updates.emplace_back(kNanosPerSecond + i * 100'000'000, 2);  // [1, 2) s: 2 of 5
  for (int i = 0; i < 10; ++i) updates.emplace_back(3 * kNanosPerSecond + i, i % 2 ? 5 : 4);  // [3, 4) s
  const auto pts = reach_series(updates, 5, 4 * kNanosPerSecond);  // 20 updates -> 4 buckets of 1 s
  REQUIRE(pts.size() == 3);  // [2, 3) s is empty and left out
  CHECK(pts[0] == std::pair<double, double>(0.5, 1.0));
  CHECK(pts[1] == std::pair<double, double>(1.5, 0.4));
  CHECK(pts[2].first == 3.5);
  CHECK(pts[2].second == Approx(0.9));
  CHECK(reach_series({}, 5, kNanosPerSecond).empty());
  CHECK(reach_series(updates, 0, kNanosPerSecond).empty());
  // An update issued after the stated duration still lands in the last bucket.
  const auto late = reach_series({{7 * kNanosPerSecond, 1}}, 2, kNanosPerSecond);
  REQUIRE(late.size() == 1);
  CHECK(late[0].first == Approx(3.5));
  CHECK(late[0].second == 0.5);
}

TEST_CASE("plots: median of odd and even counts", "[results][plots]") {
  CHECK(median({3, 1, 2}) == 2);
  CHECK(median({4, 1, 3, 2}) == 2.5);
  CHECK(median({7}) == 7);
}

TEST_CASE("plots: a sweep groups runs by parameter value and takes medians over seeds", "[results][plots]") {
  const std::vector<StoredRun> runs = {
      stored(1, "flooding", R"({"fanout":2})", 10'000'000, 40'000'000),
      stored(2, "flooding", R"({"fanout":2})", 20'000'000, 60'000'000),
      stored(3, "flooding", R"({"fanout":2})", 90'000'000, 70'000'000),
      stored(4, "flooding", R"({"fanout":8})", 5'000'000, 9'000'000),
      stored(5, "flooding", R"({"fanout":8})", std::nullopt, std::nullopt),  // never converged: left out
      stored(6, "gossip", R"({"fanout":2})", 30'000'000, 80'000'000),
      stored(7, "flooding", "{}", 1'000'000, 1'000'000),  // not part of the sweep
  };
  const auto plots = sweep_plots(runs);
  REQUIRE(plots.size() == 1);
  const SweepPlot& p = plots[0];
  CHECK(p.param == "fanout");
  CHECK(p.categories.empty());
  REQUIRE(p.curves.size() == 2);
  CHECK(p.curves[0].label == "flooding");
  REQUIRE(p.curves[0].points.size() == 2);
  CHECK(p.curves[0].points[0].x == 2);
  CHECK(p.curves[0].points[0].p50_ms == 20.0);
  CHECK(p.curves[0].points[0].p99_ms == 60.0);
  CHECK(p.curves[0].points[0].runs == 3);
  CHECK(p.curves[0].points[1].x == 8);
  CHECK(p.curves[0].points[1].p50_ms == 5.0);
  CHECK(p.curves[0].points[1].runs == 1);
  CHECK(p.curves[1].label == "gossip");
  CHECK(p.curves[1].points.size() == 1);
}

TEST_CASE("plots: a grid sweep gives one plot per parameter, non-numeric values as categories", "[results][plots]") {
  const std::vector<StoredRun> runs = {
      stored(1, "flooding", R"({"loss":0.1,"latency":"fast"})", 1'000'000, 2'000'000),
      stored(2, "flooding", R"({"loss":0.2,"latency":"fast"})", 3'000'000, 4'000'000),
      stored(3, "flooding", R"({"loss":0.1,"latency":"slow"})", 5'000'000, 6'000'000, "other"),
      stored(4, "flooding", R"({"loss":0.2,"latency":"slow"})", 7'000'000, 8'000'000, "other"),
  };
  const auto plots = sweep_plots(runs);
  REQUIRE(plots.size() == 2);
  CHECK(plots[0].param == "latency");
  CHECK(plots[0].categories == std::vector<std::string>{"fast", "slow"});
  CHECK(plots[1].param == "loss");
  REQUIRE(plots[1].curves.size() == 2);
  // Two scenarios and another swept parameter: both go into the label.
  CHECK(plots[1].curves[0].label == "flooding, other, latency=slow");
  CHECK(plots[1].curves[1].label == "flooding, s, latency=fast");
  CHECK(plots[1].curves[1].points[1].x == 0.2);
  CHECK(plots[1].curves[1].points[1].p99_ms == 4.0);
}

TEST_CASE("plots: a swept strategy parameter is one line per strategy, not one dot per value", "[results][plots]") {
  // Issue 12: the label used to keep "fanout=N", so each value was its own curve.
  const std::vector<StoredRun> runs = {
      stored(1, "gossip(fanout=2)", R"({"strategy.fanout":2})", 10'000'000, 40'000'000),
      stored(2, "gossip(fanout=3)", R"({"strategy.fanout":3})", 5'000'000, 20'000'000),
      stored(3, "gossip(fanout=5)+anti_entropy(interval=1s)", R"({"strategy.fanout":5})", 2'000'000, 3'000'000),
      stored(4, "gossip(fanout=2)+anti_entropy(interval=1s)", R"({"strategy.fanout":2})", 9'000'000, 30'000'000),
  };
  const auto plots = sweep_plots(runs);
  REQUIRE(plots.size() == 1);
  CHECK(plots[0].integer);
  REQUIRE(plots[0].curves.size() == 2);
  CHECK(plots[0].curves[0].label == "gossip");
  CHECK(plots[0].curves[0].points.size() == 2);
  CHECK(plots[0].curves[1].label == "gossip+anti_entropy(interval=1s)");
  CHECK(plots[0].curves[1].points.size() == 2);
  // Another strategy parameter swept: only that one goes.
  const auto by_interval = sweep_plots({
      stored(5, "gossip(fanout=2)+anti_entropy(interval=1s)", R"({"strategy.anti_entropy.interval":"1s"})", 1, 1),
      stored(6, "gossip(fanout=2)+anti_entropy(interval=2s)", R"({"strategy.anti_entropy.interval":"2s"})", 1, 1),
  });
  REQUIRE(by_interval.size() == 1);
  CHECK_FALSE(by_interval[0].integer);
  REQUIRE(by_interval[0].curves.size() == 1);
  CHECK(by_interval[0].curves[0].label == "gossip(fanout=2)+anti_entropy");
  // Fractional values: no whole-number ticks.
  CHECK_FALSE(sweep_plots({stored(7, "flooding", R"({"loss":0})", 1, 1), stored(8, "flooding", R"({"loss":0.5})", 1, 1)})
                  .front()
                  .integer);
}

TEST_CASE("plots: a strategy comparison is one point per strategy, messages per update against p99", "[results][plots]") {
  auto with_messages = [](StoredRun r, double m) {
    r.summary.messages_per_update = m;
    return r;
  };
  const std::vector<StoredRun> runs = {
      with_messages(stored(1, "flooding", R"({"strategy":"flooding"})", 10'000'000, 40'000'000), 600),
      with_messages(stored(2, "flooding", R"({"strategy":"flooding"})", 20'000'000, 60'000'000), 500),
      with_messages(stored(3, "plumtree(graft_timeout=100ms)", R"({"strategy":"plumtree"})", 30'000'000, 90'000'000), 99),
      with_messages(stored(4, "gossip(fanout=3)", R"({"strategy":{"name":"gossip","fanout":3}})", std::nullopt,
                           std::nullopt), 300),  // never converged: no point
  };
  const auto points = strategy_points(runs);
  REQUIRE(points.size() == 2);
  CHECK(points[0].label == "flooding");
  CHECK(points[0].messages_per_update == 550);
  CHECK(points[0].p99_ms == 50);
  CHECK(points[0].p50_ms == 15);
  CHECK(points[0].runs == 2);
  CHECK(points[1].label == "plumtree(graft_timeout=100ms)");
  CHECK(points[1].messages_per_update == 99);
  // The whole-strategy sweep draws no category plot of its own.
  CHECK(sweep_plots(runs).empty());
  // One strategy alone is no comparison.
  CHECK(strategy_points({runs[0], runs[1]}).empty());
}

TEST_CASE("plots: plot_all draws strategies.png when runs differ in strategy", "[results][plots]") {
  TempDir dir;
  const std::string db = dir.file("strategies.db");
  write_run(db, partition_run("flooding", R"({"strategy":"flooding"})", 1, 50));
  write_run(db, partition_run("plumtree(graft_timeout=100ms)", R"({"strategy":"plumtree"})", 1, 50));
  const auto written = plot_all(db, dir.file("p"));
  CHECK(std::find(written.begin(), written.end(), dir.file("p/strategies.png")) != written.end());
  CHECK(std::none_of(written.begin(), written.end(), [](const std::string& f) { return f.find("sweep_") != std::string::npos; }));
  CHECK(is_png(dir.file("p/strategies.png")));
}

TEST_CASE("plots: a malformed sweep point is reported with its run id", "[results][plots]") {
  CHECK_THROWS_WITH(sweep_plots({stored(9, "flooding", "[1,2]", 1, 1)}),
                    Contains("run 9") && Contains("not a JSON object"));
}

TEST_CASE("plots: run labels and file-safe names", "[results][plots]") {
  CHECK(run_label(stored(3, "flooding", R"({"fanout":3})", 1, 1)) == "run 3: flooding, seed 0, fanout=3");
  // A swept strategy is in the label once, as runs.strategy spells it.
  CHECK(run_label(stored(5, "gossip(fanout=3)", R"({"strategy":{"name":"gossip","fanout":3},"strategy.x":1,"loss":0.1})", 1, 1)) ==
        "run 5: gossip(fanout=3), seed 0, loss=0.1");
  StoredRun live = stored(4, "flooding", "{}", 1, 1);
  live.info.mode = "live";
  CHECK(run_label(live) == "run 4: flooding, seed 0, live");
  CHECK(file_safe("strategy.fanout") == "strategy.fanout");
  CHECK(file_safe("a b/c'd") == "a_b_c_d");
}

TEST_CASE("plots: plot_all writes CDF, coverage and sweep PNGs from a results file", "[results][plots]") {
  TempDir dir;
  const std::string db = dir.file("sweep.db");
  write_run(db, partition_run("flooding", R"({"fanout":2})", 1, 50));
  write_run(db, partition_run("flooding", R"({"fanout":4})", 2, 50));
  write_run(db, partition_run("flooding", R"({"fanout":8})", 3, 50));
  const std::string out = dir.file("plots/nested");
  const auto written = plot_all(db, out);
  REQUIRE(written == std::vector<std::string>{out + "/convergence_cdf.png", out + "/exact_convergence_cdf.png",
                                              out + "/coverage.png",
                                              out + "/reach.png", out + "/consistency.png",
                                              out + "/sweep_fanout.png"});
  for (const auto& f : written) CHECK(is_png(f));

  // Deterministic names: a second call overwrites the same files.
  CHECK(plot_all(db, out) == written);
  CHECK(std::distance(std::filesystem::directory_iterator(out), std::filesystem::directory_iterator()) == 6);
}

TEST_CASE("plots: one run with a partition gives CDF, coverage, reach and consistency plots but no sweep", "[results][plots]") {
  TempDir dir;
  const std::string db = dir.file("one.db");
  write_run(db, partition_run("flooding", "{}", 1, 20));
  const auto written = plot_all(db, dir.path().string());
  REQUIRE(written.size() == 5);  // both CDFs, coverage, reach, consistency
  for (const auto& f : written) CHECK(is_png(f));
  CHECK_FALSE(std::filesystem::exists(dir.file("sweep_fanout.png")));
}

TEST_CASE("plots: more runs than curves are pooled per strategy and still plotted", "[results][plots]") {
  TempDir dir;
  const std::string db = dir.file("many.db");
  for (std::uint64_t seed = 1; seed <= kMaxCurves + 2; ++seed)
    write_run(db, partition_run(seed % 2 ? "flooding" : "gossip", R"({"fanout":)" + std::to_string(seed % 3) + "}",
                                seed, 10));
  const auto written = plot_all(db, dir.path().string());
  REQUIRE(written.size() == 7);  // both CDFs, coverage, reach, consistency, the fanout sweep, strategies
  CHECK(written.back() == dir.file("strategies.png"));
  for (const auto& f : written) CHECK(is_png(f));
}

TEST_CASE("plots: runs without convergence or coverage data give no plots", "[results][plots]") {
  TempDir dir;
  const std::string db = dir.file("empty-run.db");
  RunRecord r = synthetic_record();
  r.updates.clear();
  r.deliveries.clear();
  r.coverage.clear();
  r.summary.updates = 0;
  write_run(db, r);
  CHECK(plot_all(db, dir.file("out")).empty());
}

TEST_CASE("plots: plot_all names a missing results file and an output path that is a file", "[results][plots]") {
  TempDir dir;
  CHECK_THROWS_WITH(plot_all(dir.file("absent.db"), dir.file("out")), Contains("absent.db") && Contains("no such file"));
  const std::string db = dir.file("ok.db");
  write_run(db, partition_run("flooding", "{}", 1, 5));
  CHECK_THROWS_WITH(plot_all(db, db), Contains(db) && Contains("plot directory"));
}

TEST_CASE("plots: a gnuplot error is reported with the output file and gnuplot's message", "[results][plots]") {
  TempDir dir;
  PlotSpec spec;
  spec.output = dir.file("broken.png");
  spec.title = "it's quoted";
  spec.series.push_back({"bad", "no_such_plot_style", {{0, 0}, {1, 1}}});
  CHECK_THROWS_WITH(render_png(spec),
                    Contains(spec.output) && Contains("gnuplot wrote no image") && Contains("no_such_plot_style"));
  CHECK_FALSE(std::filesystem::exists(spec.output));

  spec.series[0].style = "lines";
  render_png(spec);
  CHECK(is_png(spec.output));
}

TEST_CASE("plots: without gnuplot on PATH the error says so and the process survives the broken pipe",
          "[results][plots]") {
  TempDir dir;
  PlotSpec spec;
  spec.output = dir.file("nognuplot.png");
  std::vector<std::pair<double, double>> many;
  for (int i = 0; i < 50'000; ++i) many.emplace_back(i, i);  // far more than a pipe buffer
  spec.series.push_back({"data", "lines", many});
  const char* old = std::getenv("PATH");
  const std::string saved = old ? old : "";
  ::setenv("PATH", dir.path().c_str(), 1);
  CHECK_THROWS_WITH(render_png(spec), Contains(spec.output) && Contains("gnuplot") && Contains("not found"));
  ::setenv("PATH", saved.c_str(), 1);
  CHECK_FALSE(std::filesystem::exists(spec.output));
}

TEST_CASE("plots: long series are thinned keeping the first and last points", "[results][plots]") {
  std::vector<std::pair<double, double>> pts;
  for (int i = 0; i < 10'001; ++i) pts.emplace_back(i, i % 7);
  const auto t = thin(pts, 101);
  CHECK(t.size() <= 101);
  CHECK(t.size() >= 90);
  CHECK(t.front() == pts.front());
  CHECK(t.back() == pts.back());
  CHECK(thin({{1, 1}, {2, 2}}, 101).size() == 2);
}
