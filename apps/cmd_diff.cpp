// `herd diff A.sqlite B.sqlite [--run N] [--run M]`: two runs side by side
// (results::diff_table) — a sim run against a live run of the same
// scenario, or two strategies.
#include <algorithm>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "apps/commands.h"
#include "apps/parse_args.h"
#include "results/diff.h"

namespace po = boost::program_options;

namespace herd::apps {

namespace {

constexpr CommandHelp kHelp{
    "diff",
    "usage: herd diff A.sqlite B.sqlite [--run N] [--run M]\n\n"
    "Shows one run of results file A and one of B side by side: every summary figure\n"
    "and every message kind's count, with the ratio B/A (\"-\" where undefined). The\n"
    "first --run picks A's run, the second B's; a file with a single run needs none,\n"
    "a file with several needs one (the message lists its run ids; `herd report`\n"
    "shows them). A and B may be the same file: herd diff r.sqlite r.sqlite --run 1 --run 2.\n"
    "It shows differences; it does not judge them (see herd sim --golden for that).\n\n"
    "exit codes: 0 shown; 2 bad usage or input (a missing or not-a-results file, another\n"
    "            schema version, a run id the file does not have, no --run for a file of several runs)\n"};

std::string ids_of(const std::vector<results::StoredRun>& runs) {
  std::string out;
  for (const auto& r : runs) out += (out.empty() ? "" : ", ") + std::to_string(r.id);
  return out.empty() ? "none" : out;
}

// Throws std::invalid_argument naming the file when the run is not there or
// not determined.
results::DiffSide load_side(const std::string& file, std::optional<std::int64_t> id) {
  results::Reader reader(file);
  auto runs = reader.runs();
  const std::string name = "results file '" + file + "'";
  results::DiffSide side{file, {}, {}};
  if (!id) {
    if (runs.size() != 1)
      throw std::invalid_argument(name + " holds " + std::to_string(runs.size()) +
                                  " runs: pick one with --run (its runs: " + ids_of(runs) + ")");
    side.run = runs.front();
  } else {
    const auto it = std::find_if(runs.begin(), runs.end(), [&](const auto& r) { return r.id == *id; });
    if (it == runs.end())
      throw std::invalid_argument(name + ": no run with id " + std::to_string(*id) + " (its runs: " + ids_of(runs) + ")");
    side.run = *it;
  }
  side.messages = reader.messages(side.run.id);
  return side;
}

}  // namespace

int cmd_diff(int argc, char** argv) {
  std::vector<std::string> files, run_texts;
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")(
      "run", po::value(&run_texts), "run id: the first --run is A's, the second B's");
  po::variables_map vm;
  if (auto code = parse_args(kHelp, argc, argv, opts, {{"results file A", "results file B"}, 2}, files, vm))
    return *code;
  if (run_texts.size() > 2) return usage_error(kHelp, opts, "at most two --run (A's, then B's)");
  std::optional<std::int64_t> ids[2];
  for (std::size_t i = 0; i < run_texts.size(); ++i) {
    ids[i] = parse_run_id(run_texts[i]);
    if (!ids[i]) return usage_error(kHelp, opts, "--run '" + run_texts[i] + "': expected a run id (a whole number from 1)");
  }
  try {
    const results::DiffSide a = load_side(files[0], ids[0]);
    const results::DiffSide b = load_side(files[1], ids[1]);
    std::cout << results::diff_table(a, b);
  } catch (const std::exception& e) {
    // A missing run or a bad file are both bad input.
    std::cerr << "herd diff: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

}  // namespace herd::apps
