#pragma once
// The numbers behind each plot, computed from stored runs without gnuplot, so
// tests can check them exactly.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "results/reader.h"

namespace herd::results {

// At most this many curves share one plot; more would make the legend
// unreadable (see plots.cpp for how runs are grouped or chosen beyond it).
inline constexpr std::size_t kMaxCurves = 10;
// A CDF is drawn through at most this many points (evenly spaced ranks); the
// shape is unchanged and a million-update run still plots quickly.
inline constexpr std::size_t kMaxCdfPoints = 2000;

// Step points (convergence ms, fraction of ALL `total_updates` converged by
// then) for ascending `sorted` convergence times. The curve ends below 1 when
// some updates never converged. Starts with (first, 0).
std::vector<std::pair<double, double>> convergence_cdf(const std::vector<Nanos>& sorted, std::uint64_t total_updates,
                                                       std::size_t max_points = kMaxCdfPoints);

// At most this many points per time series (coverage): gnuplot takes seconds
// per 100,000 points, and a plot is 1,000 pixels wide anyway.
inline constexpr std::size_t kMaxSeriesPoints = 5000;

// Every k-th point (k chosen so at most `max_points` remain), always keeping
// the last one.
std::vector<std::pair<double, double>> thin(std::vector<std::pair<double, double>> points,
                                            std::size_t max_points = kMaxSeriesPoints);

// At most this many time buckets in a reach series.
inline constexpr std::size_t kMaxReachBuckets = 200;

// Reach over issue time: `updates` are (issued_at, reached) in issue order;
// the run's time [0, duration] is cut into equal buckets (at most
// kMaxReachBuckets, and about 5 updates per bucket on average so a bucket is
// not a single update), and each non-empty bucket gives (its middle in
// seconds, mean of reached / servers). Empty if there are no updates or
// servers.
std::vector<std::pair<double, double>> reach_series(const std::vector<std::pair<Nanos, std::uint32_t>>& updates,
                                                    std::uint32_t servers, Nanos duration,
                                                    std::size_t max_buckets = kMaxReachBuckets);

// Median of the values (mean of the middle two for an even count); requires
// a non-empty vector.
double median(std::vector<double> v);

struct SweepPoint {
  double x = 0;
  double p50_ms = 0;  // median over the runs (seeds) at this point
  double p99_ms = 0;
  std::size_t runs = 0;
};

struct SweepCurve {
  std::string label;  // strategy, plus scenario and the other sweep parameters when they vary
  std::vector<SweepPoint> points;  // ascending x
};

struct SweepPlot {
  std::string param;
  // Non-empty when the parameter's values are not all numbers: x is then the
  // index into this (sorted) list of the values' JSON text.
  std::vector<std::string> categories;
  bool integer = false;  // every value a whole number: ticks at whole numbers only
  std::vector<SweepCurve> curves;
};

// One plot per sweep parameter that takes at least two values across the runs
// (from runs.sweep_point_json), ordered by parameter name; a sweep of the
// whole "strategy" gets none (its values are strategies: strategy_points
// draws them). Runs without a
// converged update (NULL p50/p99) are left out of the medians.
// Throws std::runtime_error if a run's sweep_point_json is not a JSON object.
std::vector<SweepPlot> sweep_plots(const std::vector<StoredRun>& runs);

// One strategy of a comparison: its runs' medians (over seeds and sweep
// points) of update messages per update and of p99 convergence.
struct StrategyPoint {
  std::string label;  // runs.strategy, plus the scenario when several are mixed
  double messages_per_update = 0;
  double p99_ms = 0;
  double p50_ms = 0;
  std::size_t runs = 0;
};

// One point per distinct strategy (and scenario) among `runs`, in label
// order, when at least two strategies appear; empty otherwise. Runs without
// a converged update are left out (a strategy with none has no point).
std::vector<StrategyPoint> strategy_points(const std::vector<StoredRun>& runs);

// A parameter name made safe for a file name: [A-Za-z0-9._-] kept, others '_'.
std::string file_safe(const std::string& name);

// "run 3: flooding, seed 7, fanout=3": the legend entry for one run (", live"
// after the seed for a live run).
std::string run_label(const StoredRun& run);

}  // namespace herd::results
