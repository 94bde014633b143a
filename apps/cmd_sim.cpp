// `herd sim`: runs a scenario file on the deterministic simulator, prints a
// summary table, and optionally appends every run to an SQLite results file
// and draws plots from it.
//
// Exit codes: 0 success; 1 a run, the results file or the plots failed;
// 2 bad usage or an invalid scenario (the message names file, field, reason).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "apps/commands.h"
#include "results/store.h"
#include "sim/run.h"
#include "sim/scenario_loader.h"
#include "sim/summary_table.h"

namespace po = boost::program_options;

namespace herd::apps {

namespace {

constexpr const char* kUsage =
    "usage: herd sim SCENARIO [--seed N] [--out DB] [--plot DIR] [--check] [--quiet]\n\n"
    "Runs every sweep point x seed of the scenario (format: docs/scenarios.md) on the\n"
    "deterministic simulator and prints one summary row per run.\n";

constexpr const char* kExitCodes =
    "\nexit codes: 0 success; 1 a run, the results file or the plots failed;\n"
    "            2 bad usage or an invalid scenario\n";

// A one-line progress bar on stderr, redrawn only when the percentage moves.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  void update(std::size_t run, std::size_t runs, double fraction) {
    if (!enabled_) return;
    const int pct = static_cast<int>(fraction * 100);
    if (pct == last_pct_ && run == last_run_) return;
    last_pct_ = pct;
    last_run_ = run;
    constexpr int kWidth = 30;
    const int filled = pct * kWidth / 100;
    std::fprintf(stderr, "\r  run %zu/%zu [%s%s] %3d%%", run, runs, std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(), pct);
    std::fflush(stderr);
    drawn_ = true;
  }
  void clear() {
    if (!drawn_) return;
    std::fprintf(stderr, "\r%60s\r", "");
    std::fflush(stderr);
    drawn_ = false;
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  int last_pct_ = -1;
  std::size_t last_run_ = 0;
};

}  // namespace

int cmd_sim(int argc, char** argv) {
  po::options_description opts("options");
  std::string out, plot_dir;
  std::uint64_t seed = 0;
  opts.add_options()("help,h", "show this help")(
      "seed", po::value(&seed), "run only this seed (instead of the scenario's seed or seeds)")(
      "out", po::value(&out), "append every run to this SQLite results file (created if needed)")(
      "plot", po::value(&plot_dir), "after the runs, draw plots from the results file into DIR (needs --out)")(
      "check", "only validate the scenario file; run nothing")(
      "quiet,q", "no progress bar");
  po::options_description hidden;
  std::string scenario_path;
  hidden.add_options()("scenario", po::value(&scenario_path));
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "herd sim: " << e.what() << "\n\n" << kUsage << opts << kExitCodes;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << kUsage << "\n" << opts << kExitCodes;
    return 0;
  }
  if (scenario_path.empty()) {
    std::cerr << "herd sim: no scenario file given\n\n" << kUsage << opts << kExitCodes;
    return 2;
  }
  if (vm.count("plot") && out.empty()) {
    std::cerr << "herd sim: --plot draws from the results file: give --out DB too\n";
    return 2;
  }

  std::vector<sim::Scenario> points;
  try {
    points = sim::load_scenario_file(scenario_path);
  } catch (const sim::ScenarioError& e) {
    std::cerr << "herd sim: " << e.what() << "\n";
    return 2;
  }
  std::size_t runs = 0;
  for (const auto& p : points) runs += vm.count("seed") ? 1 : p.seeds.size();
  if (vm.count("check")) {
    std::cout << scenario_path << ": ok: scenario '" << points.front().name << "', " << points.size()
              << " sweep point(s), " << runs << " run(s)\n";
    return 0;
  }

  ProgressBar bar(!vm.count("quiet") && isatty(STDERR_FILENO));
  std::vector<results::RunRecord> done;  // info and summary only, for the table
  std::size_t run = 0;
  for (const auto& point : points) {
    const std::vector<std::uint64_t> seeds = vm.count("seed") ? std::vector<std::uint64_t>{seed} : point.seeds;
    for (const std::uint64_t s : seeds) {
      ++run;
      sim::RunOptions ro;
      ro.progress = [&](double f) { bar.update(run, runs, f); };
      sim::RunOutcome outcome;
      try {
        outcome = sim::run_scenario(point, s, ro);
      } catch (const sim::ScenarioError& e) {
        bar.clear();
        std::cerr << "herd sim: " << e.what() << "\n";
        return 2;
      } catch (const std::exception& e) {
        bar.clear();
        std::cerr << "herd sim: run " << run << " (seed " << s << ") failed: " << e.what() << "\n";
        return 1;
      }
      outcome.record.info.scenario_path = scenario_path;
      if (!out.empty()) {
        try {
          results::write_run(out, outcome.record);
        } catch (const std::exception& e) {
          bar.clear();
          std::cerr << "herd sim: " << e.what() << "\n";
          return 1;
        }
      }
      results::RunRecord slim;
      slim.info = std::move(outcome.record.info);
      slim.summary = outcome.record.summary;
      done.push_back(std::move(slim));
    }
  }
  bar.clear();
  std::cout << "scenario '" << points.front().name << "' (" << scenario_path << "): " << done.front().info.topology
            << ", " << done.front().info.strategy << "\n";
  std::cout << sim::summary_table(done);
  if (!out.empty()) std::cout << "results: " << out << " (" << done.size() << " run(s) appended)\n";
  if (!plot_dir.empty()) {
    try {
      for (const auto& path : results::plot_all(out, plot_dir)) std::cout << "plot: " << path << "\n";
    } catch (const std::exception& e) {
      std::cerr << "herd sim: plots failed: " << e.what() << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace herd::apps
