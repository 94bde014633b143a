#pragma once
// What `herd sim` and `herd live` share: the command line (one SCENARIO,
// --help, --seed, --out, --plot), running every sweep point x seed with a
// progress bar and appending each run to the results file, and the summary
// table, results line and plots at the end. Exit codes: 0 success; 1 a run,
// the results file or the plots failed; 2 bad usage or a bad scenario.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "results/run_record.h"
#include "sim/scenario.h"

namespace herd::apps {

struct ScenarioCommand {
  const char* name;        // "sim": messages start "herd sim: "
  const char* usage;       // printed above the options
  const char* exit_codes;  // printed below them
};

// Parses argv with `opts` plus a positional SCENARIO into `vm`,
// `scenario_path` and `seed` (set when --seed was given: a whole number
// 0..2^64-1 in plain decimal, as a scenario's seeds are; anything else, a
// negative number too, is a usage error), and checks that an --out file
// can take the runs (results::check_appendable; exit 2 if not). Returns the exit code to stop
// with (0 after --help, 2 after a usage error, its message printed), or
// nullopt to go on. `opts` must have "help", "out", "plot", and "seed" with
// a std::string value.
std::optional<int> parse_scenario_args(const ScenarioCommand& cmd, int argc, char** argv,
                                       const boost::program_options::options_description& opts,
                                       boost::program_options::variables_map& vm, std::string& scenario_path,
                                       std::optional<std::uint64_t>& seed);

// --check: prints "<path>: ok: scenario '<name>', N sweep point(s), M
// run(s)" (M counts `seed` as one run per point) and returns 0.
int report_check(const std::string& scenario_path, const std::vector<sim::Scenario>& points,
                 std::optional<std::uint64_t> seed);

struct OneRun {
  results::RunRecord record;
  std::string warning;  // printed on stderr after the run when not empty
};
// Runs one sweep point with one seed, reporting progress (0..1). Throws
// sim::ScenarioError (exit 2) or another std::exception (exit 1).
using RunFunction = std::function<OneRun(const sim::Scenario&, std::uint64_t, const std::function<void(double)>&)>;

// How run_points runs: `jobs` runs at once (each on its own thread; 1 runs
// them one after another on this one), and `inspect`, when set, sees each
// whole record on this thread, in run order, before it is written and
// slimmed to its summary (herd sim's golden check).
struct RunPointsOptions {
  bool progress = true;
  unsigned jobs = 1;
  std::function<void(const results::RunRecord&)> inspect;
};

// Runs every point x seed (or only `seed`), appends each record to `out` (if
// not empty) with scenario_path set, and keeps each run's info and summary
// in `done`. Whatever `jobs` is, runs are written, inspected and reported in
// the same order, so the results file holds the same runs under the same ids
// as a one-job run. Returns 0, or the exit code after printing why it
// stopped (the first failing run in order; runs after it are cancelled).
int run_points(const ScenarioCommand& cmd, const std::vector<sim::Scenario>& points,
               std::optional<std::uint64_t> seed, const RunPointsOptions& options, const std::string& scenario_path,
               const std::string& out, const RunFunction& run, std::vector<results::RunRecord>& done);

// Prints `header`, the summary table, the results line and, with
// `plot_dir`, draws the plots. Returns the exit code.
int report_runs(const ScenarioCommand& cmd, const std::string& header, const std::vector<results::RunRecord>& done,
                const std::string& out, const std::string& plot_dir);

}  // namespace herd::apps
