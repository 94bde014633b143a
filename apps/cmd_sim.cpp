// `herd sim`: runs a scenario file on the deterministic simulator, prints a
// summary table, and optionally appends every run to an SQLite results file
// and draws plots from it.
//
// Exit codes: 0 success; 1 a run, the results file or the plots failed, or
// (--golden) a run differs from its golden run; 2 bad usage, an invalid
// scenario (the message names file, field, reason), or a golden file that is
// unreadable or holds no matching run.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>
#include <optional>
#include <system_error>
#include <string>
#include <thread>
#include <vector>

#include "apps/commands.h"
#include "apps/scenario_cli.h"
#include "harness/sim_run.h"
#include "results/golden.h"
#include "sim/scenario_error.h"
#include "sim/scenario_loader.h"

namespace po = boost::program_options;

namespace herd::apps {

namespace {

constexpr ScenarioCommand kCommand{
    "sim",
    "usage: herd sim SCENARIO [--seed N] [--jobs N] [--out DB] [--plot DIR] [--check] [--quiet]\n"
    "                         [--golden GOLDEN.sqlite [--golden-tolerance T]]\n\n"
    "Runs every sweep point x seed of the scenario (format: docs/scenarios.md) on the\n"
    "deterministic simulator and prints one summary row per run. SCENARIO '-' reads\n"
    "the scenario from standard input.\n"
    "With --jobs N, N runs at once (one thread each); the results file gets the same\n"
    "runs, in the same order and under the same ids, as with one job.\n"
    "With --golden, compares each run with the run of the same scenario, seed and sweep\n"
    "point in GOLDEN: every table exactly, wall-clock columns never (runs.id, created_at,\n"
    "code_version, scenario_path, summary.wall_seconds, peak_rss_bytes); with\n"
    "--golden-tolerance T, only the summary figures, each within T x |golden|\n"
    "(docs/results-commands.md).\n",
    "\nexit codes: 0 success (with --golden: every run equal to its golden run);\n"
    "            1 a run, the results file or the plots failed, or a run differs from golden;\n"
    "            2 bad usage, an invalid scenario, or GOLDEN unreadable or without a matching run\n"};

// Prints each run's golden verdict; returns 0 (all equal), 1 (one differs)
// or 2 (one has no matching golden run).
// `same` says what equal means: "equal to", or "within tolerance T of".
int report_golden(const std::string& golden, const std::string& same, const std::vector<results::GoldenCheck>& checks,
                  const std::vector<results::RunRecord>& done) {
  int code = 0;
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const auto& c = checks[i];
    const auto& info = done[i].info;
    const std::string run = "run " + std::to_string(i + 1) + " (seed " + std::to_string(info.seed) +
                            (info.sweep_point_json == "{}" ? "" : ", sweep point " + info.sweep_point_json) + ")";
    switch (c.result) {
      case results::GoldenCheck::Result::equal:
        std::cout << "golden: " << run << ": " << same << " run " << c.golden_run << " of " << golden << "\n";
        break;
      case results::GoldenCheck::Result::different:
        std::cout << "golden: " << run << ": DIFFERS from run " << c.golden_run << " of " << golden << ":\n" << c.text;
        code = std::max(code, 1);
        break;
      case results::GoldenCheck::Result::no_match:
        std::cerr << "herd sim: " << run << ": " << c.text << "\n";
        code = 2;
        break;
    }
  }
  return code;
}

}  // namespace

int cmd_sim(int argc, char** argv) {
  po::options_description opts("options");
  std::string out, plot_dir;
  std::string seed_text;
  opts.add_options()("help,h", "show this help")(
      "seed", po::value(&seed_text), "run only this seed (instead of the scenario's seed or seeds)")(
      "out", po::value(&out), "append every run to this SQLite results file (created if needed)")(
      "plot", po::value(&plot_dir), "after the runs, draw plots from the results file into DIR (needs --out)")(
      "check", "only validate the scenario file; run nothing")(
      "golden", po::value<std::string>(), "compare every run with its run in this results file (exit 1 if one differs)")(
      "golden-tolerance", po::value<std::string>(),
      "with --golden: compare only summary figures, each within this fraction of golden's (e.g. 0.05)")(
      "jobs,j", po::value<std::string>(), "runs at once (default 1; 0: one per core)")(
      "quiet,q", "no progress bar");
  po::variables_map vm;
  std::string scenario_path;
  std::optional<std::uint64_t> only_seed;
  if (auto code = parse_scenario_args(kCommand, argc, argv, opts, vm, scenario_path, only_seed)) return *code;

  std::optional<results::GoldenFile> golden;
  std::optional<double> tolerance;
  if (vm.count("golden-tolerance")) {
    if (!vm.count("golden")) {
      std::cerr << "herd sim: --golden-tolerance compares with a golden file: give --golden GOLDEN too\n";
      return 2;
    }
    const auto& text = vm["golden-tolerance"].as<std::string>();
    double t = -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), t);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(t) || t < 0) {
      std::cerr << "herd sim: --golden-tolerance '" << text << "': expected a fraction >= 0, e.g. 0.05\n";
      return 2;
    }
    tolerance = t;
  }
  if (vm.count("golden")) {
    try {
      golden.emplace(vm["golden"].as<std::string>());
    } catch (const std::exception& e) {
      std::cerr << "herd sim: --golden: " << e.what() << "\n";
      return 2;
    }
  }

  unsigned jobs = 1;
  if (vm.count("jobs")) {
    const auto& text = vm["jobs"].as<std::string>();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), jobs);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || jobs > 1024) {
      std::cerr << "herd sim: --jobs '" << text << "': expected a whole number from 0 to 1024\n";
      return 2;
    }
    if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  }

  std::vector<sim::Scenario> points;
  try {
    points = sim::load_scenario_file(scenario_path);
  } catch (const sim::ScenarioError& e) {
    std::cerr << "herd sim: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    // The loader turns every library error into a ScenarioError; should one
    // slip through, it is still a bad input file, not a failed run.
    std::cerr << "herd sim: " << scenario_path << ": " << e.what() << "\n";
    return 2;
  }
  if (vm.count("check")) return report_check(scenario_path, points, only_seed);

  std::vector<results::RunRecord> done;
  std::vector<results::GoldenCheck> checks;
  RunPointsOptions options;
  options.progress = !vm.count("quiet");
  options.jobs = jobs;
  // Checked as each run is consumed, while the whole record is at hand
  // (run_points keeps only summaries).
  if (golden) options.inspect = [&](const results::RunRecord& r) { checks.push_back(golden->check(r, tolerance)); };
  const int code = run_points(
      kCommand, points, only_seed, options, scenario_path, out,
      [](const sim::Scenario& point, std::uint64_t s, const std::function<void(double)>& progress) {
        harness::RunOptions ro;
        ro.progress = progress;
        return OneRun{harness::run_scenario(point, s, ro).record, {}};
      },
      done);
  if (code != 0) return code;
  const int reported = report_runs(kCommand,
                                   "scenario '" + points.front().name + "' (" + scenario_path +
                                       "): " + done.front().info.topology + ", " + done.front().info.strategy,
                                   done, out, plot_dir);
  if (!golden) return reported;
  const int compared = report_golden(
      golden->path(),
      tolerance ? "within tolerance " + vm["golden-tolerance"].as<std::string>() + " of" : std::string("equal to"), checks,
      done);
  return compared != 0 ? compared : reported;
}

}  // namespace herd::apps
