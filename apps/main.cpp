// `herd`: the command-line front end. A thin dispatcher; every subcommand
// lives in its own file.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "apps/commands.h"
#include "sim/code_version.h"

namespace {

struct Command {
  const char* name;
  int (*run)(int, char**);
  const char* summary;
};

constexpr Command kCommands[] = {
    {"demo", herd::apps::cmd_demo, "flood one report through a five-server preset in memory"},
    {"plot", herd::apps::cmd_plot, "draw convergence, coverage, reach and consistency plots (PNG) from a results file"},
    {"diff", herd::apps::cmd_diff, "show two runs side by side (summary figures, message counts) with ratios"},
    {"export", herd::apps::cmd_export, "write one table of a results file as CSV or JSON (for pandas, R, spreadsheets)"},
    {"report", herd::apps::cmd_report, "list the runs in a results file with their summaries (table or JSON)"},
    {"sim", herd::apps::cmd_sim, "run a scenario file on the deterministic simulator"},
    {"explore", herd::apps::cmd_explore, "check invariants on seeded random scenarios, shrinking any violation"},
    {"live", herd::apps::cmd_live, "run a scenario's topology and workload on real servers on loopback"},
    {"serve", herd::apps::cmd_serve, "run one server of a live herd (herd serve --config FILE --name NAME)"},
    {"up", herd::apps::cmd_up, "start every server of a live herd as processes (herd up --config FILE)"},
};

void usage(std::FILE* out) {
  std::fprintf(out, "usage: herd <command> [options]   (herd <command> --help for details)\n\ncommands:\n");
  for (const auto& c : kCommands) std::fprintf(out, "  %-8s %s\n", c.name, c.summary);
  std::fprintf(out, "  %-8s %s\n", "--version", "print the code version (as results files record it in runs.code_version)");
  std::fprintf(out, "\nexit codes: 0 success, 1 failure, 2 bad usage or input\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    usage(stdout);
    return 0;
  }
  if (name == "--version" || name == "version") {
    std::printf("herd %s\n", herd::sim::code_version());
    return 0;
  }
  for (const auto& c : kCommands) {
    if (name == c.name) return c.run(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "herd: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
