// Durable table throughput (issue 9): for Batch and Fsync with 1,000 and
// 100,000 clients, puts AT lines (clients in turn, each line newer than the
// last) for a fixed time on this thread and prints, per run and as medians of
// the runs, puts per second on the caller's thread, commits per second and
// rows per commit, the process's CPU time (every thread: the caller, the
// commit and checkpoint threads) per put, checkpoints per second, then the
// time sync() took to drain what was pending.
//
//   build/bin/herd_durable_bench [--dir DIR] [--runs 3] [--seconds 2]
//                                [--mode Batch|Fsync] [--clients 1000|100000]
//
// DIR (default: a fresh directory under the system temp dir) decides which
// disk the fsyncs hit; each run uses a new file, removed afterwards.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include "engine/durable/durable_table.h"

namespace {

namespace fs = std::filesystem;
using herd::durable::DurableTable;
using herd::durable::Durability;
using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Result {
  double puts_per_s = 0, commits_per_s = 0, rows_per_commit = 0, drain_ms = 0, cpu_ns_per_put = 0, ckpts_per_s = 0;
};

double process_cpu_s() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

Result run_once(const fs::path& dir, Durability mode, int clients, double seconds, int run) {
  const fs::path file = dir / ("bench-" + std::to_string(run) + ".db");
  // Lines are made beforehand (a server already holds its report's line):
  // two per client, used in turn, so what is timed is put() alone.
  std::vector<std::string> names, lines;
  names.reserve(clients);
  lines.reserve(2 * static_cast<std::size_t>(clients));
  for (int c = 0; c < clients; ++c) names.push_back("client-" + std::to_string(c));
  for (int v = 0; v < 2; ++v)
    for (int c = 0; c < clients; ++c)
      lines.push_back("AT Clark +0.263873386 " + names[c] + " +34.068930-118.445127 " + std::to_string(1621464827 + v) +
                      ".959498503");
  Result r;
  {
    DurableTable t(file.string(), "Clark", mode);
    std::uint64_t puts = 0;
    const double cpu_start = process_cpu_s();
    const auto start = Clock::now();
    const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    std::size_t i = 0;
    const int chunk = mode == Durability::Batch ? 256 : 1;
    for (;;) {
      // Check the clock every 256 puts (Batch) so reading it costs little.
      for (int k = 0; k < chunk; ++k) {
        t.put(names[i % names.size()], lines[i]);
        if (++i == lines.size()) i = 0;
        ++puts;
      }
      if (Clock::now() >= end) break;
    }
    const double put_s = std::chrono::duration<double>(Clock::now() - start).count();
    const double cpu_s = process_cpu_s() - cpu_start;
    const auto s = t.stats();
    const auto sync_start = Clock::now();
    t.sync();
    r.drain_ms = std::chrono::duration<double, std::milli>(Clock::now() - sync_start).count();
    r.puts_per_s = static_cast<double>(puts) / put_s;
    r.commits_per_s = static_cast<double>(s.commits) / put_s;
    r.rows_per_commit = s.commits ? static_cast<double>(s.rows_written) / static_cast<double>(s.commits) : 0;
    r.cpu_ns_per_put = cpu_s * 1e9 / static_cast<double>(puts);
    r.ckpts_per_s = static_cast<double>(s.checkpoints) / put_s;
  }
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-log"}) fs::remove(file.string() + suffix, ec);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir;
  int runs = 3;
  double seconds = 2;
  std::string only_mode;  // "Batch" or "Fsync": only that mode
  int only_clients = 0;   // only this many clients
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (a == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--mode" && i + 1 < argc) {
      only_mode = argv[++i];
    } else if (a == "--clients" && i + 1 < argc) {
      only_clients = std::atoi(argv[++i]);
    } else if (a == "--seconds" && i + 1 < argc) {
      seconds = std::max(0.1, std::atof(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: herd_durable_bench [--dir DIR] [--runs N] [--seconds S] [--mode Batch|Fsync] [--clients 1000|100000]\n");
      return 2;
    }
  }
  bool own_dir = false;
  if (dir.empty()) {
    dir = fs::temp_directory_path() / ("herd-durable-bench-" + std::to_string(::getpid()));
    own_dir = true;
  }
  fs::create_directories(dir);
  std::printf("%-6s %8s %5s %14s %12s %14s %12s %10s %10s\n", "mode", "clients", "run", "puts/s", "commits/s",
              "rows/commit", "cpu ns/put", "ckpts/s", "drain ms");
  for (const Durability mode : {Durability::Batch, Durability::Fsync}) {
    const char* name = mode == Durability::Batch ? "Batch" : "Fsync";
    if (!only_mode.empty() && only_mode != name) continue;
    for (const int clients : {1000, 100000}) {
      if (only_clients && clients != only_clients) continue;
      std::vector<double> puts, commits, rows, drain, cpu, ckpts;
      for (int run = 0; run < runs; ++run) {
        const Result r = run_once(dir, mode, clients, seconds, run);
        std::printf("%-6s %8d %5d %14.0f %12.1f %14.1f %12.0f %10.2f %10.1f\n", name, clients, run + 1, r.puts_per_s,
                    r.commits_per_s, r.rows_per_commit, r.cpu_ns_per_put, r.ckpts_per_s, r.drain_ms);
        std::fflush(stdout);
        puts.push_back(r.puts_per_s);
        commits.push_back(r.commits_per_s);
        rows.push_back(r.rows_per_commit);
        drain.push_back(r.drain_ms);
        cpu.push_back(r.cpu_ns_per_put);
        ckpts.push_back(r.ckpts_per_s);
      }
      std::printf("%-6s %8d %5s %14.0f %12.1f %14.1f %12.0f %10.2f %10.1f\n", name, clients, "med", median(puts),
                  median(commits), median(rows), median(cpu), median(ckpts), median(drain));
    }
  }
  if (own_dir) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  return 0;
}
