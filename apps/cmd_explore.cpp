// `herd explore`: seeded random scenarios checked against invariants
// (explore/invariants.h, docs/explore.md); a violation is shrunk to a small
// scenario file that `herd sim FILE` runs and `herd explore --check FILE`
// checks again.
//
// Exit codes: 0 no violation; 1 a violation (its seed, invariant, detail
// and the minimal scenario's path printed); 2 bad usage or an invalid
// --check file or --strategy.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "apps/commands.h"
#include "apps/parse_args.h"
#include "config/duration.h"
#include "config/strict_json.h"
#include "explore/invariants.h"
#include "explore/scenario_draw.h"
#include "explore/shrink.h"
#include "sim/scenario_error.h"

namespace po = boost::program_options;

namespace herd::apps {

namespace {

const CommandHelp kHelp{
    "explore",
    "usage: herd explore [--seeds N] [--from S] [--time LIMIT] [--strategy SPEC] [--max-servers K]\n"
    "                    [--out-dir DIR] [--print] [--quiet]\n"
    "       herd explore --check FILE\n\n"
    "Draws a random scenario per seed (topology, latency, loss, clock skew, workload, and a\n"
    "timeline of cuts, partitions, crashes and restarts), runs it on the simulator and checks:\n"
    "  completes       the run finishes without an error\n"
    "  determinism     the same seed twice gives identical results (every deterministic table)\n"
    "  shortest-paths  constant latency, no loss, no faults, flooding: each server first stores\n"
    "                  an update at latency x its BFS distance, with that many hops\n"
    "  newest-wins     no server replaces a report with an older one\n"
    "  causality       no server stores an update before issue + distance x the least latency\n"
    "  metrics-agree   per update: exact_reached <= reached <= reachable, and exact\n"
    "                  convergence (this very update) never before convergence (it or newer)\n"
    "  flooding-bound  plain flooding without restarts sends <= 2|E| - (|V| - 1) per update\n"
    "  convergence     with anti-entropy, after the last fault and a settle time, every server\n"
    "                  holds every client's newest report any server holds\n"
    "On a violation it prints the seed, shrinks the scenario (fewer faults, clients, servers,\n"
    "a shorter run) while the violation persists, writes it to DIR/explore-<seed>.json\n"
    "(`herd sim FILE` runs it; `herd explore --check FILE` checks it again) and exits 1.\n"
    "SPEC is a scenario's \"strategy\" value, e.g. flooding or\n"
    "'{\"name\": \"flooding\", \"anti_entropy\": {\"interval\": \"250ms\"}}'; default: drawn per seed.\n"
    "Details: docs/explore.md.\n\n"
    "exit codes: 0 no violation; 1 a violation; 2 bad usage, an invalid FILE or SPEC\n"};

std::string plural(std::uint64_t n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); }

int check_file(const std::string& path) {
  nlohmann::json scenario;
  try {
    std::ifstream in(path);
    if (!in) throw sim::ScenarioError(path, "", "cannot open the file");
    scenario = nlohmann::json::parse(in);
    const auto v = explore::check_scenario(scenario);
    if (!v) {
      std::cout << path << ": every invariant holds\n";
      return 0;
    }
    std::cout << path << ": VIOLATION " << v->invariant << ": " << v->detail << "\n";
    return 1;
  } catch (const sim::ScenarioError& e) {
    std::cerr << "herd explore: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "herd explore: " << path << ": " << e.what() << "\n";
    return 2;
  }
}

}  // namespace

int cmd_explore(int argc, char** argv) {
  po::options_description opts("options");
  std::string seeds_text = "100", from_text = "1", time_text, strategy_text, max_servers_text = "10", out_dir = ".",
              check;
  opts.add_options()("help,h", "show this help")("seeds", po::value(&seeds_text), "how many seeds (default 100)")(
      "from", po::value(&from_text), "the first seed (default 1)")(
      "time", po::value(&time_text), "stop drawing new seeds after this long, e.g. 2m")(
      "strategy", po::value(&strategy_text), "every scenario's strategy (default: drawn per seed)")(
      "max-servers", po::value(&max_servers_text), "servers per scenario: 2 to K (default 10)")(
      "out-dir", po::value(&out_dir), "where a violation's minimal scenario is written (default .)")(
      "check", po::value(&check), "check this scenario file's invariants instead")(
      "print", "print each seed's scenario (JSON, one per line) instead of running it")("quiet,q", "no per-seed progress");
  po::variables_map vm;
  std::vector<std::string> positional;
  if (auto code = parse_args(kHelp, argc, argv, opts, {{}, 0}, positional, vm)) return *code;
  if (!check.empty()) return check_file(check);

  const auto seeds = parse_seed(seeds_text), from = parse_seed(from_text), max_servers = parse_seed(max_servers_text);
  if (!seeds || *seeds == 0) return usage_error(kHelp, opts, "--seeds '" + seeds_text + "': expected a whole number >= 1");
  if (!from) return usage_error(kHelp, opts, bad_seed_message(from_text));
  if (!max_servers || *max_servers < 2 || *max_servers > 200)
    return usage_error(kHelp, opts, "--max-servers '" + max_servers_text + "': expected a whole number from 2 to 200");
  std::optional<Nanos> time_limit;
  if (!time_text.empty()) {
    time_limit = parse_duration(time_text);
    if (!time_limit || *time_limit <= 0)
      return usage_error(kHelp, opts, "--time '" + time_text + "': expected a duration such as 90s or 5m");
  }
  explore::DrawOptions draw;
  draw.max_servers = static_cast<std::uint32_t>(*max_servers);
  if (!strategy_text.empty()) {
    const auto j = nlohmann::json::parse(strategy_text, nullptr, false);
    draw.strategy = j.is_discarded() ? nlohmann::json(strategy_text) : j;
  }

  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  std::uint64_t done = 0;
  const bool progress = !vm.count("quiet") && isatty(STDERR_FILENO);
  for (std::uint64_t seed = *from; done < *seeds; ++seed) {
    if (time_limit && elapsed() * 1e9 >= static_cast<double>(*time_limit)) break;
    const nlohmann::json scenario = explore::draw_scenario(seed, draw);
    if (vm.count("print")) {
      std::cout << scenario.dump() << "\n";
      ++done;
      continue;
    }
    std::optional<explore::Violation> v;
    try {
      v = explore::check_scenario(scenario);
    } catch (const sim::ScenarioError& e) {
      // Only --strategy can make a drawn scenario invalid.
      std::cerr << "herd explore: seed " << seed << ": " << e.what() << "\n";
      return 2;
    }
    ++done;
    if (progress) std::fprintf(stderr, "\r  seed %llu (%llu done)", static_cast<unsigned long long>(seed),
                               static_cast<unsigned long long>(done));
    if (!v) continue;
    if (progress) std::fprintf(stderr, "\n");
    std::cout << "seed " << seed << ": VIOLATION " << v->invariant << ": " << v->detail << "\n  shrinking..."
              << std::endl;
    const std::string invariant = v->invariant;
    const auto small = explore::shrink(scenario, [&](const nlohmann::json& c) {
      try {
        const auto again = explore::check_scenario(c);
        return again && again->invariant == invariant;
      } catch (const std::exception&) {
        return false;  // an invalid variant does not reproduce it
      }
    });
    const std::string path = out_dir + "/explore-" + std::to_string(seed) + ".json";
    std::ofstream(path) << small.scenario.dump(2) << "\n";
    const auto last = explore::check_scenario(small.scenario);
    std::cout << "  shrunk in " << plural(small.steps, "step") << " (" << plural(small.runs, "run")
              << "): " << path << "\n"
              << "  " << (last ? last->detail : std::string("(no longer reproduces)")) << "\n"
              << "  reproduce: herd sim " << path << "    check: herd explore --check " << path << "\n";
    return 1;
  }
  if (progress) std::fprintf(stderr, "\r%60s\r", "");
  const double secs = elapsed();
  std::printf("explore: %s from seed %llu, no violation, %.1f s (%.0f seeds/min)\n", plural(done, "seed").c_str(),
              static_cast<unsigned long long>(*from), secs, secs > 0 ? static_cast<double>(done) * 60 / secs : 0.0);
  return 0;
}

}  // namespace herd::apps
