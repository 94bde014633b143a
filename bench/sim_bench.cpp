// Simulator throughput: runs one scenario several times in this process and
// prints, per run and as medians, the peer-message events processed per
// second of event-loop time, all events per second, the run's wall time and
// the process's peak resident memory. Rates are given per CPU second of the
// loop's thread (what one core does, even on a busy machine) and per
// wall-clock second.
//
//   build/bin/herd_sim_bench scenarios/scale_free_10k.json --runs 5
//
// With --memory C1,C2,..., it instead measures how memory grows with
// servers x clients: for each client count C it runs the scenario in a
// fresh process (peak RSS is a process-wide high-water mark), every client
// reporting exactly once so that flooding puts every client in every
// server's table, and fits bytes per (server, client) entry by least squares.
//
//   build/bin/herd_sim_bench scenarios/scale_free_10k.json --memory 200,400,800
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "sim/peak_rss.h"
#include "harness/sim_run.h"
#include "sim/scenario_loader.h"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The scenario reshaped for a memory measurement: `clients` clients, each
// reporting once, spread over clients x 400 ms so that only a flood or two is
// in flight at a time (the pending-event peak stays the same for every
// count and only the tables grow), no reads, then time to finish flooding.
herd::sim::Scenario memory_variant(herd::sim::Scenario sc, std::uint32_t clients) {
  sc.clients.count = clients;
  sc.clients.poisson = false;
  sc.clients.start = 0;
  sc.clients.report_interval = static_cast<herd::Nanos>(clients) * 400'000'000;
  sc.clients.stop = sc.clients.report_interval;
  sc.clients.reads_per_report = 0;
  sc.duration = sc.clients.report_interval + 5 * herd::kNanosPerSecond;
  // Sampled updates keep a delivery row per server (24 bytes x servers each):
  // that is the metrics' cost, not the tables', so none are sampled here.
  sc.metrics.sample_first = 0;
  sc.metrics.sample_every = 0;
  return sc;
}

// Child: one run with `clients` clients; prints "<entries> <peak RSS bytes>".
int memory_child(const herd::sim::Scenario& base, std::uint64_t seed, std::uint32_t clients) {
  const auto out = herd::harness::run_scenario(memory_variant(base, clients), seed);
  const std::uint64_t entries = static_cast<std::uint64_t>(out.record.nodes.size()) * clients;
  std::printf("%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", entries, herd::sim::peak_rss_bytes(),
              static_cast<std::uint64_t>(out.record.summary.updates));
  return 0;
}

int memory_parent(const char* self, const char* scenario, std::uint64_t seed, const std::string& counts) {
  std::vector<double> xs, ys;
  std::printf("%s (seed %" PRIu64 "): peak RSS against servers x clients\n", scenario, seed);
  std::printf("%8s %14s %10s %14s\n", "clients", "entries", "updates", "peak RSS MiB");
  std::size_t pos = 0;
  while (pos < counts.size()) {
    const std::size_t comma = counts.find(',', pos);
    const std::string c = counts.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? counts.size() : comma + 1;
    const std::string cmd = std::string("'") + self + "' '" + scenario + "' --seed " + std::to_string(seed) +
                            " --memory-child " + c;
    FILE* p = popen(cmd.c_str(), "r");
    unsigned long long entries = 0, rss = 0, updates = 0;
    const bool ok = p && std::fscanf(p, "%llu %llu %llu", &entries, &rss, &updates) == 3;
    if (p) pclose(p);
    if (!ok) {
      std::fprintf(stderr, "herd_sim_bench: the run with %s clients failed\n", c.c_str());
      return 1;
    }
    std::printf("%8s %14llu %10llu %14.1f\n", c.c_str(), entries, updates, static_cast<double>(rss) / 1048576.0);
    xs.push_back(static_cast<double>(entries));
    ys.push_back(static_cast<double>(rss));
  }
  if (xs.size() < 2) return 0;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) mx += xs[i], my += ys[i];
  mx /= static_cast<double>(xs.size());
  my /= static_cast<double>(xs.size());
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) * (xs[i] - mx);
    syy += (ys[i] - my) * (ys[i] - my);
  }
  const double slope = sxy / sxx;
  const double r2 = syy > 0 ? sxy * sxy / (sxx * syy) : 1;
  std::printf("fit: %.1f bytes per (server, client) entry, %.1f MiB fixed, r^2 = %.4f\n", slope,
              (my - slope * mx) / 1048576.0, r2);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0) {
    std::fprintf(stderr, "usage: herd_sim_bench SCENARIO [--runs K] [--seed N] [--memory C1,C2,...]\n");
    return argc < 2 ? 2 : 0;
  }
  int runs = 5;
  std::optional<std::uint64_t> seed;
  std::string memory;
  long memory_child_clients = -1;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::max(1, std::atoi(argv[i + 1]));
    else if (std::strcmp(argv[i], "--seed") == 0) seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (std::strcmp(argv[i], "--memory") == 0) memory = argv[i + 1];
    else if (std::strcmp(argv[i], "--memory-child") == 0) memory_child_clients = std::atol(argv[i + 1]);
  }
  std::vector<herd::sim::Scenario> points;
  try {
    points = herd::sim::load_scenario_file(argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "herd_sim_bench: %s\n", e.what());
    return 2;
  }
  const auto& sc = points.front();
  const std::uint64_t s = seed.value_or(sc.seeds.front());
  if (memory_child_clients > 0) return memory_child(sc, s, static_cast<std::uint32_t>(memory_child_clients));
  if (!memory.empty()) return memory_parent(argv[0], argv[1], s, memory);
  std::vector<double> msg_rate, msg_wall_rate, ev_rate, read_rate, wall;
  std::printf("%s (seed %llu), %d runs\n", argv[1], static_cast<unsigned long long>(s), runs);
  std::printf("%4s %12s %16s %16s %14s %14s %10s %10s %8s\n", "run", "msg events", "msg ev/s (cpu)",
              "msg ev/s (wall)", "ev/s (cpu)", "reads/s (cpu)", "loop cpu s", "loop s", "wall s");
  for (int r = 0; r < runs; ++r) {
    const auto out = herd::harness::run_scenario(sc, s);
    const double m = static_cast<double>(out.counters.message_events) / out.loop_cpu_seconds;
    const double mw = static_cast<double>(out.counters.message_events) / out.loop_seconds;
    const double e = static_cast<double>(out.counters.events) / out.loop_cpu_seconds;
    // WHATSATs answered per CPU second of the whole loop (floods, timers and
    // all): a read rate when the scenario is mostly reads.
    const double rd = static_cast<double>(out.record.summary.reads) / out.loop_cpu_seconds;
    msg_rate.push_back(m);
    read_rate.push_back(rd);
    msg_wall_rate.push_back(mw);
    ev_rate.push_back(e);
    wall.push_back(out.record.summary.wall_seconds);
    std::printf("%4d %12llu %16.0f %16.0f %14.0f %14.0f %10.2f %10.2f %8.2f\n", r + 1,
                static_cast<unsigned long long>(out.counters.message_events), m, mw, e, rd, out.loop_cpu_seconds,
                out.loop_seconds, out.record.summary.wall_seconds);
    std::fflush(stdout);
  }
  std::printf("median: %.2f M message events/s per CPU second (%.2f M per wall second), %.2f M events/s, "
              "%.0f k reads/s, wall %.2f s; peak RSS %.1f MiB\n",
              median(msg_rate) / 1e6, median(msg_wall_rate) / 1e6, median(ev_rate) / 1e6, median(read_rate) / 1e3,
              median(wall),
              static_cast<double>(herd::sim::peak_rss_bytes()) / (1024.0 * 1024.0));
  return 0;
}
