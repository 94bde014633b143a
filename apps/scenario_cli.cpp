#include "apps/scenario_cli.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <iostream>
#include <mutex>
#include <thread>

#include "apps/parse_args.h"
#include "results/store.h"
#include "sim/scenario_error.h"
#include "sim/summary_table.h"

namespace po = boost::program_options;

namespace herd::apps {

namespace {

// A one-line progress bar on stderr:
//   "  run 2/8 [########......................]  27%  1.3e+03x real time  ETA 0:41"
// redrawn when the percentage moves or every half second. The rate is
// simulated seconds per wall-clock second over all runs so far; the ETA
// assumes the runs left go at the pace of those done.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}
  // `fraction`: of all runs (0..1); `simulated_s`: scenario time done so far.
  void update(const std::string& label, double fraction, double simulated_s) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const int pct = static_cast<int>(fraction * 100);
    if (pct == last_pct_ && label == last_label_ && now - last_draw_ < std::chrono::milliseconds(500)) return;
    last_pct_ = pct;
    last_label_ = label;
    last_draw_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    constexpr int kWidth = 30;
    const int filled = std::clamp(pct, 0, 100) * kWidth / 100;
    std::string line = "\r  " + label + " [" + std::string(static_cast<std::size_t>(filled), '#') +
                       std::string(static_cast<std::size_t>(kWidth - filled), '.') + "] ";
    char buf[96];
    std::snprintf(buf, sizeof buf, "%3d%%", pct);
    line += buf;
    if (elapsed > 0.5 && simulated_s > 0) {
      std::snprintf(buf, sizeof buf, "  %.3gx real time", simulated_s / elapsed);
      line += buf;
    }
    if (elapsed > 1 && fraction > 0.01) {
      const auto left = static_cast<long long>(elapsed * (1 - fraction) / fraction + 0.5);
      std::snprintf(buf, sizeof buf, "  ETA %lld:%02lld", left / 60, left % 60);
      line += buf;
    }
    // Pad over what a longer previous line left on screen.
    const std::size_t width = line.size();
    if (width < last_width_) line += std::string(last_width_ - width, ' ');
    last_width_ = width;
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    drawn_ = true;
  }
  void clear() {
    if (!drawn_) return;
    std::fprintf(stderr, "\r%*s\r", static_cast<int>(last_width_), "");
    std::fflush(stderr);
    drawn_ = false;
    last_width_ = 0;
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  int last_pct_ = -1;
  std::string last_label_;
  std::size_t last_width_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// Thrown from a worker's progress callback once the command is stopping
// (an earlier run failed): the run unwinds and its result is never used.
struct Cancelled {};

// One run of the sweep, as a worker leaves it for the main thread.
struct Slot {
  const sim::Scenario* point = nullptr;
  std::uint64_t seed = 0;
  std::atomic<double> fraction{0};  // of this run, written by its worker
  bool finished = false;            // under the mutex
  OneRun outcome;
  std::exception_ptr error;
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
               std::optional<std::uint64_t> seed, const RunPointsOptions& options, const std::string& scenario_path,
               const std::string& out, const RunFunction& run_one, std::vector<results::RunRecord>& done) {
  std::vector<Slot> slots;
  std::size_t count = 0;
  for (const auto& p : points) count += seed ? 1 : p.seeds.size();
  slots = std::vector<Slot>(count);
  {
    std::size_t i = 0;
    for (const auto& point : points) {
      for (const std::uint64_t s : seed ? std::vector<std::uint64_t>{*seed} : point.seeds) {
        slots[i].point = &point;
        slots[i++].seed = s;
      }
    }
  }
  ProgressBar bar(options.progress && isatty(STDERR_FILENO));
  const auto draw = [&](const std::string& label) {
    double runs_done = 0, simulated = 0;
    for (const auto& s : slots) {
      const double f = s.fraction.load(std::memory_order_relaxed);
      runs_done += f;
      simulated += f * static_cast<double>(s.point->duration) / kNanosPerSecond;
    }
    bar.update(label, runs_done / static_cast<double>(count), simulated);
  };

  // The main thread's part, in run order: report the run's failure or
  // warning, write it, let `inspect` see it, keep its summary.
  const auto consume = [&](std::size_t i) -> int {
    Slot& slot = slots[i];
    const std::string run = std::to_string(i + 1);
    if (slot.error) {
      bar.clear();
      try {
        std::rethrow_exception(slot.error);
      } catch (const sim::ScenarioError& e) {
        std::cerr << "herd " << cmd.name << ": " << e.what() << "\n";
        return 2;
      } catch (const std::exception& e) {
        std::cerr << "herd " << cmd.name << ": run " << run << " (seed " << slot.seed << ") failed: " << e.what()
                  << "\n";
        return 1;
      } catch (...) {
        std::cerr << "herd " << cmd.name << ": run " << run << " (seed " << slot.seed << ") failed\n";
        return 1;
      }
    }
    OneRun& outcome = slot.outcome;
    if (!outcome.warning.empty()) {
      bar.clear();
      std::cerr << "herd " << cmd.name << ": warning: run " << run << " (seed " << slot.seed << "): " << outcome.warning
                << "\n";
    }
    outcome.record.info.scenario_path = scenario_path;
    if (options.inspect) options.inspect(outcome.record);
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
    outcome = OneRun{};  // a whole record can be large; keep only the summary
    return 0;
  };

  const unsigned jobs = static_cast<unsigned>(std::min<std::size_t>(std::max(1u, options.jobs), count));
  if (jobs <= 1) {
    for (std::size_t i = 0; i < count; ++i) {
      Slot& slot = slots[i];
      const std::string label = "run " + std::to_string(i + 1) + "/" + std::to_string(count);
      try {
        slot.outcome = run_one(*slot.point, slot.seed, [&](double f) {
          slot.fraction.store(f, std::memory_order_relaxed);
          draw(label);
        });
      } catch (...) {
        slot.error = std::current_exception();
      }
      slot.fraction = 1;
      if (const int code = consume(i)) return code;
    }
    bar.clear();
    return 0;
  }

  // Workers take runs in order; none runs more than 2 x jobs ahead of the
  // run the main thread waits for, so finished records waiting their turn
  // stay few whatever the sweep's size.
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t next = 0, consumed = 0;
  std::atomic<bool> stopping{false};
  const auto worker = [&] {
    for (;;) {
      std::size_t i;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stopping || next >= count || next < consumed + 2 * jobs; });
        if (stopping || next >= count) return;
        i = next++;
      }
      Slot& slot = slots[i];
      try {
        slot.outcome = run_one(*slot.point, slot.seed, [&](double f) {
          if (stopping.load(std::memory_order_relaxed)) throw Cancelled{};
          slot.fraction.store(f, std::memory_order_relaxed);
        });
      } catch (...) {
        slot.error = std::current_exception();
      }
      slot.fraction = 1;
      std::lock_guard lock(mutex);
      slot.finished = true;
      changed.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(worker);
  int code = 0;
  while (consumed < count) {
    bool ready;
    {
      std::unique_lock lock(mutex);
      ready = changed.wait_for(lock, std::chrono::milliseconds(200), [&] { return slots[consumed].finished; });
    }
    if (!ready) {
      draw("runs " + std::to_string(consumed) + "/" + std::to_string(count) + " done, " + std::to_string(jobs) +
           " jobs");
      continue;
    }
    code = consume(consumed);
    std::lock_guard lock(mutex);
    if (code != 0) {
      stopping = true;
      changed.notify_all();
      break;
    }
    ++consumed;
    changed.notify_all();
  }
  for (auto& t : threads) t.join();
  bar.clear();
  return code;
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
