#include "sim/summary_table.h"

#include <algorithm>
#include <cstdio>

namespace herd::sim {

std::string format_ms(const std::optional<Nanos>& v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fms", static_cast<double>(*v) / 1e6);
  return buf;
}

namespace {
std::string fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
}  // namespace

std::string summary_table(const std::vector<results::RunRecord>& runs) {
  const std::vector<std::string> head = {"run", "seed", "sweep point", "updates", "converged", "p50", "p90",
                                         "p99", "max", "exact", "exact p50", "exact p99", "coverage", "msgs/upd", "dup ratio", "stale reads",
                                         "events", "wall s"};
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& r = runs[i];
    const auto& s = r.summary;
    rows.push_back({std::to_string(i + 1), std::to_string(r.info.seed),
                    r.info.sweep_point_json == "{}" ? "-" : r.info.sweep_point_json, std::to_string(s.updates),
                    std::to_string(s.converged_updates), format_ms(s.convergence_p50),
                    format_ms(s.convergence_p90), format_ms(s.convergence_p99), format_ms(s.convergence_max),
                    std::to_string(s.exact_converged_updates), format_ms(s.exact_convergence_p50),
                    format_ms(s.exact_convergence_p99), fixed(s.coverage, 4), fixed(s.messages_per_update, 2), fixed(s.duplicate_ratio, 4),
                    s.reads ? fixed(s.stale_read_fraction, 4) + " of " + std::to_string(s.reads) : "-",
                    std::to_string(s.events_processed), fixed(s.wall_seconds, 2)});
  }
  std::vector<std::size_t> width(head.size());
  for (std::size_t c = 0; c < head.size(); ++c) {
    width[c] = head[c].size();
    for (const auto& row : rows) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      // Text columns left-aligned, figures right-aligned.
      const std::string pad(width[c] - cells[c].size(), ' ');
      out += (c ? "  " : "") + (c == 2 ? cells[c] + pad : pad + cells[c]);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
  };
  line(head);
  for (const auto& row : rows) line(row);
  return out;
}

}  // namespace herd::sim
