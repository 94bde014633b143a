// `herd report DB [--json] [--scenario S] [--seed N] [--strategy X]`: the
// runs in a results file with their summaries (results::report_table,
// results::report_json).
#include <iostream>
#include <string>

#include "apps/commands.h"
#include "apps/parse_args.h"
#include "results/report.h"

namespace po = boost::program_options;

namespace herd::apps {

namespace {

constexpr CommandHelp kHelp{
    "report",
    "usage: herd report DB [--json] [--scenario S] [--seed N] [--strategy X]\n\n"
    "Lists the runs in a results file, in id order, with their summaries: id, mode,\n"
    "scenario, strategy, seed, sweep point, then every summary figure (convergence\n"
    "percentiles in ms, coverage, messages per update, ...; docs/results-schema.md).\n"
    "The filters combine; --strategy matches the stored strategy (gossip(fanout=3))\n"
    "or its name alone (gossip). --json writes a JSON array instead, one object per\n"
    "run with every column unformatted.\n\n"
    "exit codes: 0 runs listed; 1 no run matches (an empty table, or [] with --json);\n"
    "            2 bad usage or input (a missing or not-a-results file, another schema version)\n"};

}  // namespace

int cmd_report(int argc, char** argv) {
  std::string seed_text;
  results::RunFilter filter;
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")("json", "write JSON instead of a table")(
      "scenario", po::value<std::string>(), "only runs of this scenario (its \"name\")")(
      "seed", po::value(&seed_text), "only runs with this seed")(
      "strategy", po::value<std::string>(), "only runs of this strategy");
  std::vector<std::string> args;
  po::variables_map vm;
  if (auto code = parse_args(kHelp, argc, argv, opts, {{"results file DB"}, 1}, args, vm)) return *code;
  const std::string& db = args[0];
  if (vm.count("seed")) {
    filter.seed = parse_seed(seed_text);
    if (!filter.seed) return usage_error(kHelp, opts, bad_seed_message(seed_text));
  }
  if (vm.count("scenario")) filter.scenario = vm["scenario"].as<std::string>();
  if (vm.count("strategy")) filter.strategy = vm["strategy"].as<std::string>();

  std::vector<results::StoredRun> runs;
  try {
    results::Reader reader(db);
    for (auto& r : reader.runs())
      if (filter.matches(r)) runs.push_back(std::move(r));
  } catch (const std::exception& e) {
    std::cerr << "herd report: " << e.what() << "\n";
    return 2;
  }
  std::cout << (vm.count("json") ? results::report_json(runs) : results::report_table(runs));
  if (runs.empty()) {
    std::cerr << "herd report: results file '" << db << "': no run matches\n";
    return 1;
  }
  return 0;
}

}  // namespace herd::apps
