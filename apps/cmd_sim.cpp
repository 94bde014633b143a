// `herd sim`: runs a scenario file on the deterministic simulator, prints a
// summary table, and optionally appends every run to an SQLite results file
// and draws plots from it.
//
// Exit codes: 0 success; 1 a run, the results file or the plots failed;
// 2 bad usage or an invalid scenario (the message names file, field, reason).
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "apps/commands.h"
#include "apps/scenario_cli.h"
#include "harness/sim_run.h"
#include "sim/scenario_error.h"
#include "sim/scenario_loader.h"

namespace po = boost::program_options;

namespace herd::apps {

namespace {

constexpr ScenarioCommand kCommand{
    "sim",
    "usage: herd sim SCENARIO [--seed N] [--out DB] [--plot DIR] [--check] [--quiet]\n\n"
    "Runs every sweep point x seed of the scenario (format: docs/scenarios.md) on the\n"
    "deterministic simulator and prints one summary row per run.\n",
    "\nexit codes: 0 success; 1 a run, the results file or the plots failed;\n"
    "            2 bad usage or an invalid scenario\n"};

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
      "quiet,q", "no progress bar");
  po::variables_map vm;
  std::string scenario_path;
  std::optional<std::uint64_t> only_seed;
  if (auto code = parse_scenario_args(kCommand, argc, argv, opts, vm, scenario_path, only_seed)) return *code;

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
  const int code = run_points(
      kCommand, points, only_seed, !vm.count("quiet"), scenario_path, out,
      [](const sim::Scenario& point, std::uint64_t s, const std::function<void(double)>& progress) {
        harness::RunOptions ro;
        ro.progress = progress;
        return OneRun{harness::run_scenario(point, s, ro).record, {}};
      },
      done);
  if (code != 0) return code;
  return report_runs(kCommand,
                     "scenario '" + points.front().name + "' (" + scenario_path + "): " + done.front().info.topology +
                         ", " + done.front().info.strategy,
                     done, out, plot_dir);
}

}  // namespace herd::apps
