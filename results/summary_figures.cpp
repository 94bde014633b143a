#include "results/summary_figures.h"

#include <cstdio>

#include "results/schema.h"

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
  std::vector<Figure> figures = {
      {"updates", "updates", U::count, num(s.updates)},
      {"converged_updates", "converged", U::count, num(s.converged_updates)},
      {"convergence_p50_ns", "p50", U::nanos, opt(s.convergence_p50)},
      {"convergence_p90_ns", "p90", U::nanos, opt(s.convergence_p90)},
      {"convergence_p99_ns", "p99", U::nanos, opt(s.convergence_p99)},
      {"convergence_max_ns", "max", U::nanos, opt(s.convergence_max)},
      {"exact_converged_updates", "exact conv", U::count, num(s.exact_converged_updates)},
      {"exact_convergence_p50_ns", "exact p50", U::nanos, opt(s.exact_convergence_p50)},
      {"exact_convergence_p90_ns", "exact p90", U::nanos, opt(s.exact_convergence_p90)},
      {"exact_convergence_p99_ns", "exact p99", U::nanos, opt(s.exact_convergence_p99)},
      {"exact_convergence_max_ns", "exact max", U::nanos, opt(s.exact_convergence_max)},
      {"coverage", "coverage", U::fraction, s.coverage},
      {"messages_per_update", "msgs/upd", U::ratio, s.messages_per_update},
      {"duplicate_ratio", "dup ratio", U::fraction, s.duplicate_ratio},
      {"reads", "reads", U::count, num(s.reads)},
      {"stale_read_fraction", "stale reads", U::fraction, s.stale_read_fraction},
      {"events_processed", "events", U::count, num(s.events_processed)},
      {"wall_seconds", "wall s", U::seconds, s.wall_seconds},
      {"peak_rss_bytes", "peak rss", U::bytes, num(s.peak_rss_bytes)},
  };
  for (auto& f : figures) f.wall_clock = is_nondeterministic_column("summary", f.name);
  return figures;
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
