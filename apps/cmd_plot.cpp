// `herd plot DB [--out DIR]`: draws every plot a results file supports
// (results::plot_all) and lists the PNG files written.
#include <iostream>
#include <string>

#include "apps/commands.h"
#include "apps/parse_args.h"
#include "results/reader.h"
#include "results/store.h"

namespace po = boost::program_options;

namespace herd::apps {

namespace {

// out/hill.db -> out/hill-plots
std::string default_out_dir(const std::string& db) {
  const auto slash = db.find_last_of('/');
  const auto dot = db.find_last_of('.');
  const bool has_ext = dot != std::string::npos && (slash == std::string::npos || dot > slash + 1);
  return (has_ext ? db.substr(0, dot) : db) + "-plots";
}

constexpr CommandHelp kHelp{
    "plot",
    "usage: herd plot DB [--out DIR]\n\n"
    "Draws PNG plots from a results file written by `herd sim` or `herd live`:\n"
    "  convergence_cdf.png   convergence-time CDF, one curve per run (per strategy beyond 10 runs)\n"
    "  coverage.png          coverage over time, with the fault timeline (partition, heal, ...)\n"
    "  reach.png             fraction of all servers reached by updates, by issue time (partition plateau)\n"
    "  consistency.png       (server, client) pairs holding the client's newest report, over time\n"
    "  sweep_<param>.png     convergence p50/p99 against each swept parameter (when runs differ in it)\n"
    "Existing files of those names in DIR are overwritten. Needs gnuplot; no display.\n\n"
    "Exit codes: 0 plots written, 1 failure (gnuplot, output directory, or no run with data to plot),\n"
    "            2 bad usage or input (missing, unreadable or not a herd results file)\n"};

}  // namespace

int cmd_plot(int argc, char** argv) {
  std::string out;
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")(
      "out,o", po::value(&out), "output directory (default: DB without extension + \"-plots\")");
  std::vector<std::string> args;
  po::variables_map vm;
  if (auto code = parse_args(kHelp, argc, argv, opts, {{"results file DB"}, 1}, args, vm)) return *code;
  const std::string& db = args[0];
  if (out.empty()) out = default_out_dir(db);
  try {
    results::Reader check(db);  // bad input (exit 2) is told apart from plotting failures (exit 1)
  } catch (const std::exception& e) {
    std::cerr << "herd plot: " << e.what() << "\n";
    return 2;
  }
  try {
    const auto written = results::plot_all(db, out);
    if (written.empty()) {
      std::cerr << "herd plot: results file '" << db << "': no run has convergence or coverage data to plot\n";
      return 1;
    }
    for (const auto& path : written) std::cout << path << "\n";
  } catch (const std::exception& e) {
    std::cerr << "herd plot: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace herd::apps
