// `herd live`: runs a scenario's topology and client workload on real
// servers on loopback (in this process, one thread per server), in real
// time, prints the same summary table as `herd sim`, and optionally appends
// every run to an SQLite results file (mode "live") and draws plots.
//
// Exit codes: 0 success; 1 a run, the results file or the plots failed;
// 2 bad usage or a scenario that is invalid or cannot run live.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "apps/commands.h"
#include "apps/scenario_cli.h"
#include "config/duration.h"
#include "harness/live_run.h"
#include "sim/scenario_error.h"
#include "sim/scenario_loader.h"

namespace po = boost::program_options;

namespace herd::apps {

namespace {

constexpr ScenarioCommand kCommand{
    "live",
    "usage: herd live SCENARIO [--seed N] [--out DB] [--plot DIR] [--speed X] [--duration D]\n"
    "                          [--ignore-faults] [--log-dir DIR] [--check] [--quiet]\n\n"
    "Runs every sweep point x seed of the scenario (format: docs/scenarios.md) on real\n"
    "servers on loopback, in real time: the same topology and the same client commands\n"
    "to the same servers as herd sim, over TCP. Link latency, loss and clock skew are\n"
    "not applied. Faults happen for real: a crash stops a server, a restart starts\n"
    "it empty on the same ports, a cut or partition closes links at both ends until\n"
    "restored or healed. Times are recorded in scenario time (wall time x speed), so\n"
    "the results compare row by row with herd sim's. At most 64 servers. See docs/live.md.\n",
    "\nexit codes: 0 success; 1 a run, the results file or the plots failed;\n"
    "            2 bad usage, or a scenario that is invalid or cannot run live\n"};

}  // namespace

int cmd_live(int argc, char** argv) {
  po::options_description opts("options");
  std::string out, plot_dir, duration_text, log_dir;
  std::string seed_text;
  double speed = 1;
  opts.add_options()("help,h", "show this help")(
      "seed", po::value(&seed_text), "run only this seed (instead of the scenario's seed or seeds)")(
      "out", po::value(&out), "append every run to this SQLite results file (created if needed)")(
      "plot", po::value(&plot_dir), "after the runs, draw plots from the results file into DIR (needs --out)")(
      "speed", po::value(&speed)->default_value(1), "run the schedule X times faster than real time (0 < X <= 1000)")(
      "duration", po::value(&duration_text), "run for D (e.g. 5s) instead of the scenario's duration")(
      "ignore-faults", "run a scenario that has faults without them (with a warning)")(
      "check", "only validate the scenario (and that it can run live); start nothing")(
      "log-dir", po::value(&log_dir), "write each server's log (every line) to DIR/<server>.log; default: no logs")(
      "quiet,q", "no progress bar");
  po::variables_map vm;
  std::string scenario_path;
  std::optional<std::uint64_t> only_seed;
  if (auto code = parse_scenario_args(kCommand, argc, argv, opts, vm, scenario_path, only_seed)) return *code;
  if (!(speed > 0 && speed <= 1000) || !std::isfinite(speed)) {
    std::cerr << "herd live: --speed: must be greater than 0 and at most 1000\n";
    return 2;
  }
  std::optional<Nanos> duration;
  if (vm.count("duration")) {
    duration = parse_duration(duration_text);
    if (!duration || *duration <= 0) {
      std::cerr << "herd live: --duration: expected a positive duration such as \"5s\" or \"500ms\", got '"
                << duration_text << "'\n";
      return 2;
    }
  }
  const bool ignore_faults = vm.count("ignore-faults") > 0;

  // Everything is checked before the first run starts.
  std::vector<sim::Scenario> points;
  try {
    for (auto& p : sim::load_scenario_file(scenario_path)) {
      points.push_back(duration ? harness::with_duration(std::move(p), *duration) : std::move(p));
      harness::check_live_scenario(points.back());
    }
  } catch (const sim::ScenarioError& e) {
    std::cerr << "herd live: " << e.what() << "\n";
    return 2;
  }
  const sim::Scenario& first = points.front();
  if (ignore_faults && !first.faults.empty())
    std::cerr << "herd live: warning: " << scenario_path << ": ignoring " << first.faults.size()
              << " fault(s); the runs have none\n";
  std::vector<std::string> notes;  // once each, over every sweep point
  for (const auto& p : points) {
    for (auto& note : harness::live_notes(p)) {
      if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(std::move(note));
    }
  }
  for (const auto& note : notes) std::cerr << "herd live: note: " << note << "\n";
  if (vm.count("check")) return report_check(scenario_path, points, only_seed);

  std::vector<results::RunRecord> done;
  RunPointsOptions options;
  options.progress = !vm.count("quiet");  // one run at a time: runs share the machine's ports and clock
  const int code = run_points(
      kCommand, points, only_seed, options, scenario_path, out,
      [&](const sim::Scenario& point, std::uint64_t s, const std::function<void(double)>& progress) {
        harness::LiveRunOptions ro;
        ro.speed = speed;
        ro.log_dir = log_dir;
        ro.ignore_faults = ignore_faults;
        ro.progress = progress;
        harness::LiveRunOutcome outcome = harness::run_scenario_live(point, s, ro);
        return OneRun{std::move(outcome.record),
                      outcome.settled ? "" : "replies or update messages were still missing when the run ended"};
      },
      done);
  if (code != 0) return code;
  std::ostringstream header;
  header << "scenario '" << first.name << "' (" << scenario_path << "): " << done.front().info.topology << ", "
         << done.front().info.strategy << ", live on loopback (speed " << speed << ")";
  return report_runs(kCommand, header.str(), done, out, plot_dir);
}

}  // namespace herd::apps
