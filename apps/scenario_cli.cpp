#include "apps/scenario_cli.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "apps/parse_args.h"
#include "results/store.h"
#include "sim/scenario_error.h"
#include "sim/summary_table.h"

namespace po = boost::program_options;

namespace herd::apps {

namespace {

// A one-line progress bar on stderr ("  run 1/3 [#####.....]  50%"), redrawn
// only when the percentage moves.
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

std::optional<int> parse_scenario_args(const ScenarioCommand& cmd, int argc, char** argv,
                                       const po::options_description& opts, po::variables_map& vm,
                                       std::string& scenario_path, std::optional<std::uint64_t>& seed) {
  po::options_description hidden;
  hidden.add_options()("scenario", po::value(&scenario_path));
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("scenario", 1);
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "herd " << cmd.name << ": " << e.what() << "\n\n" << cmd.usage << opts << cmd.exit_codes;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << cmd.usage << "\n" << opts << cmd.exit_codes;
    return 0;
  }
  if (scenario_path.empty()) {
    std::cerr << "herd " << cmd.name << ": no scenario file given\n\n" << cmd.usage << opts << cmd.exit_codes;
    return 2;
  }
  if (vm.count("plot") && !vm.count("out")) {
    std::cerr << "herd " << cmd.name << ": --plot draws from the results file: give --out DB too\n";
    return 2;
  }
  seed.reset();
  if (vm.count("seed")) {
    const auto& text = vm["seed"].as<std::string>();
    seed = parse_seed(text);
    if (!seed) {
      std::cerr << "herd " << cmd.name << ": " << bad_seed_message(text) << "\n";
      return 2;
    }
  }
  if (vm.count("out")) {
    // A results file of another schema version (or not one at all) is bad
    // input: say so now rather than after the runs, which it could not keep.
    try {
      results::check_appendable(vm["out"].as<std::string>());
    } catch (const std::exception& e) {
      std::cerr << "herd " << cmd.name << ": --out: " << e.what() << "\n";
      return 2;
    }
  }
  return std::nullopt;
}

int report_check(const std::string& scenario_path, const std::vector<sim::Scenario>& points,
                 std::optional<std::uint64_t> seed) {
  std::size_t runs = 0;
  for (const auto& p : points) runs += seed ? 1 : p.seeds.size();
  std::cout << scenario_path << ": ok: scenario '" << points.front().name << "', " << points.size()
            << " sweep point(s), " << runs << " run(s)\n";
  return 0;
}

int run_points(const ScenarioCommand& cmd, const std::vector<sim::Scenario>& points,
               std::optional<std::uint64_t> seed, bool progress, const std::string& scenario_path,
               const std::string& out, const RunFunction& run_one, std::vector<results::RunRecord>& done) {
  std::size_t runs = 0;
  for (const auto& p : points) runs += seed ? 1 : p.seeds.size();
  ProgressBar bar(progress && isatty(STDERR_FILENO));
  std::size_t run = 0;
  for (const auto& point : points) {
    const std::vector<std::uint64_t> seeds = seed ? std::vector<std::uint64_t>{*seed} : point.seeds;
    for (const std::uint64_t s : seeds) {
      ++run;
      OneRun outcome;
      try {
        outcome = run_one(point, s, [&](double f) { bar.update(run, runs, f); });
      } catch (const sim::ScenarioError& e) {
        bar.clear();
        std::cerr << "herd " << cmd.name << ": " << e.what() << "\n";
        return 2;
      } catch (const std::exception& e) {
        bar.clear();
        std::cerr << "herd " << cmd.name << ": run " << run << " (seed " << s << ") failed: " << e.what() << "\n";
        return 1;
      }
      if (!outcome.warning.empty()) {
        bar.clear();
        std::cerr << "herd " << cmd.name << ": warning: run " << run << " (seed " << s << "): " << outcome.warning
                  << "\n";
      }
      outcome.record.info.scenario_path = scenario_path;
      if (!out.empty()) {
        try {
          results::write_run(out, outcome.record);
        } catch (const std::exception& e) {
          bar.clear();
          std::cerr << "herd " << cmd.name << ": " << e.what() << "\n";
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
  return 0;
}

int report_runs(const ScenarioCommand& cmd, const std::string& header, const std::vector<results::RunRecord>& done,
                const std::string& out, const std::string& plot_dir) {
  std::cout << header << "\n" << sim::summary_table(done);
  if (!out.empty()) std::cout << "results: " << out << " (" << done.size() << " run(s) appended)\n";
  if (!plot_dir.empty()) {
    try {
      for (const auto& path : results::plot_all(out, plot_dir)) std::cout << "plot: " << path << "\n";
    } catch (const std::exception& e) {
      std::cerr << "herd " << cmd.name << ": plots failed: " << e.what() << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace herd::apps
