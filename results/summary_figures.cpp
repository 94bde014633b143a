#include "results/summary_figures.h"

#include <cstdio>

namespace herd::results {

namespace {

std::optional<double> opt(const std::optional<Nanos>& v) {
  return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
}

double num(std::uint64_t v) { return static_cast<double>(v); }

std::string printed(const char* format, double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace

std::vector<Figure> summary_figures(const Summary& s) {
  using U = FigureUnit;
  return {
      {"updates", "updates", U::count, num(s.updates), false},
      {"converged_updates", "converged", U::count, num(s.converged_updates), false},
      {"convergence_p50_ns", "p50", U::nanos, opt(s.convergence_p50), false},
      {"convergence_p90_ns", "p90", U::nanos, opt(s.convergence_p90), false},
      {"convergence_p99_ns", "p99", U::nanos, opt(s.convergence_p99), false},
      {"convergence_max_ns", "max", U::nanos, opt(s.convergence_max), false},
      {"coverage", "coverage", U::fraction, s.coverage, false},
      {"messages_per_update", "msgs/upd", U::ratio, s.messages_per_update, false},
      {"duplicate_ratio", "dup ratio", U::fraction, s.duplicate_ratio, false},
      {"reads", "reads", U::count, num(s.reads), false},
      {"stale_read_fraction", "stale reads", U::fraction, s.stale_read_fraction, false},
      {"events_processed", "events", U::count, num(s.events_processed), false},
      {"wall_seconds", "wall s", U::seconds, s.wall_seconds, true},
      {"peak_rss_bytes", "peak rss", U::bytes, num(s.peak_rss_bytes), true},
  };
}

std::string format_figure(const Figure& f) {
  if (!f.value) return "-";
  const double v = *f.value;
  switch (f.unit) {
    case FigureUnit::count:
      return printed("%.0f", v);
    case FigureUnit::nanos:
      return printed("%.3fms", v / 1e6);
    case FigureUnit::fraction:
      return printed("%.4f", v);
    case FigureUnit::ratio:
    case FigureUnit::seconds:
      return printed("%.2f", v);
    case FigureUnit::bytes:
      return printed("%.1fMiB", v / (1024.0 * 1024.0));
  }
  return "-";
}

}  // namespace herd::results
