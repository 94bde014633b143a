// Simulator throughput: runs one scenario several times in this process and
// prints, per run and as medians, the peer-message events processed per
// second of event-loop time, all events per second, the run's wall time and
// the process's peak resident memory. Rates are given per CPU second of the
// loop's thread (what one core does, even on a busy machine) and per
// wall-clock second.
//
//   build/bin/herd_sim_bench scenarios/scale_free_10k.json --runs 5
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "sim/peak_rss.h"
#include "sim/run.h"
#include "sim/scenario_loader.h"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0) {
    std::fprintf(stderr, "usage: herd_sim_bench SCENARIO [--runs K] [--seed N]\n");
    return argc < 2 ? 2 : 0;
  }
  int runs = 5;
  std::optional<std::uint64_t> seed;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::max(1, std::atoi(argv[i + 1]));
    else if (std::strcmp(argv[i], "--seed") == 0) seed = std::strtoull(argv[i + 1], nullptr, 10);
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
  std::vector<double> msg_rate, msg_wall_rate, ev_rate, wall;
  std::printf("%s (seed %llu), %d runs\n", argv[1], static_cast<unsigned long long>(s), runs);
  std::printf("%4s %12s %16s %16s %14s %10s %10s %8s\n", "run", "msg events", "msg ev/s (cpu)", "msg ev/s (wall)",
              "ev/s (cpu)", "loop cpu s", "loop s", "wall s");
  for (int r = 0; r < runs; ++r) {
    const auto out = herd::sim::run_scenario(sc, s);
    const double m = static_cast<double>(out.counters.message_events) / out.loop_cpu_seconds;
    const double mw = static_cast<double>(out.counters.message_events) / out.loop_seconds;
    const double e = static_cast<double>(out.counters.events) / out.loop_cpu_seconds;
    msg_rate.push_back(m);
    msg_wall_rate.push_back(mw);
    ev_rate.push_back(e);
    wall.push_back(out.record.summary.wall_seconds);
    std::printf("%4d %12llu %16.0f %16.0f %14.0f %10.2f %10.2f %8.2f\n", r + 1,
                static_cast<unsigned long long>(out.counters.message_events), m, mw, e, out.loop_cpu_seconds,
                out.loop_seconds, out.record.summary.wall_seconds);
    std::fflush(stdout);
  }
  std::printf("median: %.2f M message events/s per CPU second (%.2f M per wall second), %.2f M events/s, "
              "wall %.2f s; peak RSS %.1f MiB\n",
              median(msg_rate) / 1e6, median(msg_wall_rate) / 1e6, median(ev_rate) / 1e6, median(wall),
              static_cast<double>(herd::sim::peak_rss_bytes()) / (1024.0 * 1024.0));
  return 0;
}
