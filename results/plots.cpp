// results::plot_all: reads a results file and draws every plot its runs
// support. File names are fixed (convergence_cdf.png, coverage.png,
// reach.png, sweep_<param>.png), so re-running overwrites the same files.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <cstdio>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "results/plot_data.h"
#include "results/plot_spec.h"
#include "results/reader.h"
#include "results/store.h"

namespace herd::results {

namespace {

namespace fs = std::filesystem;

std::string number(double v) {
  std::ostringstream ss;
  ss << v;
  return ss.str();
}

// Log scale when the positive values span at least `ratio` (hi / lo).
void maybe_log_x(PlotSpec& spec, double lo, double hi, double ratio) {
  if (lo > 0 && hi / lo >= ratio) spec.settings.push_back("set logscale x");
}

std::string out_path(const std::string& dir, const std::string& name) { return (fs::path(dir) / name).string(); }

// One curve per run while they fit; beyond kMaxCurves runs, one per strategy
// (pooling its runs' convergence times), so a big sweep still reads.
// `exact`: convergence of the very update (a newer report does not count).
bool plot_cdf(Reader& reader, const std::vector<StoredRun>& runs, const std::string& dir, bool exact,
              std::string& written) {
  PlotSpec spec;
  spec.output = out_path(dir, exact ? "exact_convergence_cdf.png" : "convergence_cdf.png");
  spec.title = std::string(exact ? "Exact convergence time CDF" : "Convergence time CDF") + " (" + reader.path() + ")";
  spec.xlabel = exact ? "exact convergence time (ms): until every server reachable from the origin stored this very update"
                      : "convergence time (ms): until every server reachable from the origin holds the update or a "
                        "newer report of its client";
  spec.ylabel = "fraction of updates converged";
  spec.settings.push_back("set yrange [0:1.05]");
  double lo = 0, hi = 0;
  bool any = false;
  // Curve k keeps colour k whether or not earlier ones are empty, so a run
  // has the same colour in both CDF plots.
  std::size_t slot = 0;
  std::vector<std::string> none;  // curves with no converged update
  auto add = [&](std::string title, const std::vector<Nanos>& times, std::uint64_t total) {
    auto pts = convergence_cdf(times, total);
    const std::string style = "steps lw 2 lt " + std::to_string(++slot);
    if (pts.empty()) {
      none.push_back(title);
      return;
    }
    const double first = pts.front().first, last = pts.back().first;
    lo = any ? std::min(lo, first) : first;
    hi = any ? std::max(hi, last) : last;
    any = true;
    spec.series.push_back({std::move(title), style, std::move(pts)});
  };
  if (runs.size() <= kMaxCurves) {
    for (const auto& r : runs) add(run_label(r), reader.convergence_times(r.id, exact), r.summary.updates);
  } else {
    std::map<std::string, std::tuple<std::vector<Nanos>, std::uint64_t, std::size_t>> by_strategy;
    for (const auto& r : runs) {
      auto& [times, total, count] = by_strategy[r.info.strategy];
      const auto t = reader.convergence_times(r.id, exact);
      times.insert(times.end(), t.begin(), t.end());
      total += r.summary.updates;
      ++count;
    }
    std::size_t shown = 0;
    for (auto& [strategy, group] : by_strategy) {
      if (shown++ == kMaxCurves) break;
      auto& [times, total, count] = group;
      std::sort(times.begin(), times.end());
      add(strategy + " (" + std::to_string(count) + " runs pooled)", times, total);
    }
  }
  if (!any) return false;
  if (!none.empty()) {
    std::string text = "no update converged: ";
    for (std::size_t i = 0; i < none.size(); ++i) text += (i ? "; " : "") + none[i];
    spec.title += " - " + text;
  }
  maybe_log_x(spec, lo, hi, 30);  // a long tail would squash the body of the curve
  render_png(spec);
  written = spec.output;
  return true;
}

bool same_faults(const std::vector<FaultRow>& a, const std::vector<FaultRow>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const FaultRow& x, const FaultRow& y) {
    return x.at == y.at && x.kind == y.kind && x.target == y.target;
  });
}

// The runs a time-series plot shows: all of them up to kMaxCurves, or else
// the first run of each distinct (scenario, strategy, sweep point).
std::vector<const StoredRun*> choose_runs(const std::vector<StoredRun>& runs) {
  std::vector<const StoredRun*> chosen;
  if (runs.size() <= kMaxCurves) {
    for (const auto& r : runs) chosen.push_back(&r);
    return chosen;
  }
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (const auto& r : runs) {
    if (chosen.size() == kMaxCurves) break;
    if (seen.insert({r.info.scenario_name, r.info.strategy, r.info.sweep_point_json}).second) chosen.push_back(&r);
  }
  return chosen;
}

// A time-series plot of one series per chosen run, with the fault timeline
// drawn as labelled vertical lines when every plotted run shares it (so a
// partition's start and heal line up with the curves).
struct TimeSeriesPlot {
  std::string file, title, ylabel;
  // The run's points (x in seconds); empty = the run is left out.
  std::function<std::vector<std::pair<double, double>>(const StoredRun&)> series;
};

bool plot_time_series(Reader& reader, const std::vector<StoredRun>& runs, const std::string& dir,
                      const TimeSeriesPlot& what, std::string& written) {
  const auto chosen = choose_runs(runs);
  PlotSpec spec;
  spec.output = out_path(dir, what.file);
  spec.title = what.title + " (" + reader.path() + ")" +
               (chosen.size() < runs.size()
                    ? " - " + std::to_string(chosen.size()) + " of " + std::to_string(runs.size()) + " runs"
                    : std::string());
  spec.xlabel = "scenario time (s)";
  spec.ylabel = what.ylabel;
  spec.settings.push_back("set yrange [0:1.05]");
  std::vector<FaultRow> faults;
  bool faults_shared = true;
  for (const StoredRun* r : chosen) {
    auto points = what.series(*r);
    if (points.empty()) continue;
    const auto f = reader.faults(r->id);
    if (spec.series.empty()) faults = f;
    else if (!same_faults(faults, f)) faults_shared = false;
    spec.series.push_back({run_label(*r), "lines lw 2", std::move(points)});
  }
  if (spec.series.empty()) return false;
  if (faults_shared) {
    for (const auto& f : faults) {
      const std::string x = number(static_cast<double>(f.at) / 1e9);
      spec.settings.push_back("set arrow from first " + x + ", graph 0 to first " + x +
                              ", graph 1 nohead dt 2 lc rgb 'gray40'");
      spec.settings.push_back("set label " + gnuplot_quote(f.kind + (f.target.empty() ? "" : " " + f.target)) +
                              " at first " + x +
                              ", graph 0.03 rotate by 90 left front offset character -0.8, 0 tc rgb 'gray30' font ',8'");
    }
  }
  render_png(spec);
  written = spec.output;
  return true;
}

bool plot_coverage(Reader& reader, const std::vector<StoredRun>& runs, const std::string& dir, std::string& written) {
  TimeSeriesPlot what{"coverage.png", "Coverage over time",
                      "coverage: delivered / expected (update, reachable server) pairs",
                      [&](const StoredRun& r) {
                        std::vector<std::pair<double, double>> pts;
                        for (const auto& c : reader.coverage(r.id))
                          pts.emplace_back(static_cast<double>(c.at) / 1e9, c.coverage);
                        return thin(std::move(pts));
                      }};
  return plot_time_series(reader, runs, dir, what, written);
}

// What a partition or a crash leaves behind: servers that miss clients'
// newest reports, until those clients report again (flooding never resends).
bool plot_consistency(Reader& reader, const std::vector<StoredRun>& runs, const std::string& dir,
                      std::string& written) {
  TimeSeriesPlot what{"consistency.png", "Consistency over time",
                      "consistency: (server, client) pairs holding the client's newest report",
                      [&](const StoredRun& r) {
                        std::vector<std::pair<double, double>> pts;
                        for (const auto& c : reader.coverage(r.id))
                          pts.emplace_back(static_cast<double>(c.at) / 1e9, c.consistency);
                        return thin(std::move(pts));
                      }};
  return plot_time_series(reader, runs, dir, what, written);
}

// Coverage counts only servers reachable when an update was issued, so it
// stays high across a partition; this plot counts all servers, so updates
// issued during a partition show as a plateau at the origin side's share,
// back to 1 after the heal.
bool plot_reach(Reader& reader, const std::vector<StoredRun>& runs, const std::string& dir, std::string& written) {
  TimeSeriesPlot what{"reach.png", "Reach of updates by issue time",
                      "fraction of ALL servers an update issued at t reached (mean per time bucket)",
                      [&](const StoredRun& r) {
                        return reach_series(reader.update_reach(r.id), reader.node_count(r.id), r.info.duration);
                      }};
  return plot_time_series(reader, runs, dir, what, written);
}

void plot_sweep(const SweepPlot& sweep, const std::string& path, const std::string& db_path) {
  PlotSpec spec;
  spec.output = path;
  spec.title = "Convergence time vs " + sweep.param + ", median over seeds (" + db_path + ")";
  spec.xlabel = sweep.param;
  spec.ylabel = "convergence time (ms)";
  double lo = 0, hi = 0;
  bool first = true;
  std::size_t color = 0;
  const std::size_t max_curves = kMaxCurves / 2;  // two series (p50, p99) per curve
  for (const auto& curve : sweep.curves) {
    if (color == max_curves) break;
    ++color;
    PlotSeries p50{curve.label + " p50", "linespoints lw 2 pt 7 lc " + std::to_string(color), {}};
    PlotSeries p99{curve.label + " p99", "linespoints lw 2 dt 2 pt 6 lc " + std::to_string(color), {}};
    for (const auto& pt : curve.points) {
      p50.points.emplace_back(pt.x, pt.p50_ms);
      p99.points.emplace_back(pt.x, pt.p99_ms);
      lo = first ? pt.x : std::min(lo, pt.x);
      hi = first ? pt.x : std::max(hi, pt.x);
      first = false;
    }
    spec.series.push_back(std::move(p50));
    spec.series.push_back(std::move(p99));
  }
  if (color < sweep.curves.size())
    spec.title += " - first " + std::to_string(color) + " of " + std::to_string(sweep.curves.size()) + " curves";
  if (!sweep.categories.empty()) {
    std::string tics = "set xtics (";
    for (std::size_t i = 0; i < sweep.categories.size(); ++i)
      tics += (i ? ", " : "") + gnuplot_quote(sweep.categories[i]) + " " + std::to_string(i);
    spec.settings.push_back(tics + ")");
    spec.settings.push_back("set xrange [-0.5:" + number(static_cast<double>(sweep.categories.size()) - 0.5) + "]");
  } else {
    maybe_log_x(spec, lo, hi, 100);
    spec.settings.push_back("set offsets graph 0.03, graph 0.03, 0, 0");
    // Same rule as maybe_log_x's above. A fanout of 2.5 does not exist: whole-number ticks, about ten at most.
    const bool log_x = lo > 0 && hi / lo >= 100;
    if (sweep.integer && !log_x) {
      spec.settings.push_back("set xtics " + number(std::max(1.0, std::ceil((hi - lo) / 10))));
      spec.settings.push_back("set format x \"%.0f\"");
    }
  }
  spec.settings.push_back("set yrange [0:*]");
  render_png(spec);
}

// Messages per update against p99 convergence, one point per strategy: the
// trade-off a strategy comparison is about, read off one picture (lower left
// is better on both).
void plot_strategies(const std::vector<StrategyPoint>& points, const std::string& path, const std::string& db_path) {
  PlotSpec spec;
  spec.output = path;
  spec.title = "Messages per update against p99 convergence, one point per strategy (" + db_path + ")";
  spec.xlabel = "update messages per update (median over runs)";
  spec.ylabel = "p99 convergence time (ms, median over runs)";
  std::size_t color = 0;
  for (const auto& pt : points) {
    if (color == kMaxCurves) break;
    ++color;
    char p50[64];
    std::snprintf(p50, sizeof p50, "%.0f", pt.p50_ms);
    spec.series.push_back({pt.label + " (p50 " + p50 + " ms)", "points pt 7 ps 2 lc " + std::to_string(color),
                           {{pt.messages_per_update, pt.p99_ms}}});
  }
  if (color < points.size())
    spec.title += " - first " + std::to_string(color) + " of " + std::to_string(points.size()) + " strategies";
  spec.settings.push_back("set xrange [0:*]");
  spec.settings.push_back("set yrange [0:*]");
  spec.settings.push_back("set offsets graph 0.05, graph 0.05, graph 0.05, 0");
  render_png(spec);
}

}  // namespace

std::vector<std::string> plot_all(const std::string& db_path, const std::string& dir) {
  Reader reader(db_path);
  const auto runs = reader.runs();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw std::runtime_error("plot directory '" + dir + "': cannot create: " +
                             (ec ? ec.message() : std::string("not a directory")));
  }
  std::vector<std::string> written;
  std::string path;
  if (plot_cdf(reader, runs, dir, false, path)) written.push_back(path);
  if (plot_cdf(reader, runs, dir, true, path)) written.push_back(path);
  if (plot_coverage(reader, runs, dir, path)) written.push_back(path);
  if (plot_reach(reader, runs, dir, path)) written.push_back(path);
  if (plot_consistency(reader, runs, dir, path)) written.push_back(path);
  std::set<std::string> names;
  for (const auto& sweep : sweep_plots(runs)) {
    std::string name = "sweep_" + file_safe(sweep.param);
    // Two parameters that only differ in unsafe characters get distinct files.
    for (int n = 2; !names.insert(name).second; ++n) name = "sweep_" + file_safe(sweep.param) + "_" + std::to_string(n);
    path = out_path(dir, name + ".png");
    plot_sweep(sweep, path, db_path);
    written.push_back(path);
  }
  if (const auto points = strategy_points(runs); !points.empty()) {
    path = out_path(dir, "strategies.png");
    plot_strategies(points, path, db_path);
    written.push_back(path);
  }
  return written;
}

}  // namespace herd::results
