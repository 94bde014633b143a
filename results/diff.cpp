#include "results/diff.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "kit/text_table.h"
#include "results/summary_figures.h"

namespace herd::results {

namespace {

std::string ratio(const std::optional<double>& a, const std::optional<double>& b) {
  if (!a || !b || *a == 0) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3f", *b / *a);
  return buf;
}

std::string side_line(const char* name, const DiffSide& s) {
  const RunInfo& in = s.run.info;
  return std::string(name) + ": results file '" + s.file + "' run " + std::to_string(s.run.id) + ": " + in.mode +
         ", scenario '" + in.scenario_name + "', " + in.strategy + ", seed " + std::to_string(in.seed) +
         (in.sweep_point_json == "{}" ? "" : ", sweep point " + in.sweep_point_json) + "\n";
}

std::uint64_t count_of(const std::vector<MessageCount>& messages, const std::string& kind) {
  for (const auto& m : messages)
    if (m.kind == kind) return m.count;
  return 0;
}

}  // namespace

std::string diff_table(const DiffSide& a, const DiffSide& b) {
  kit::TextTable figures;
  figures.head = {"summary", "A", "B", "B/A"};
  figures.left_aligned = {true};
  const auto fa = summary_figures(a.run.summary), fb = summary_figures(b.run.summary);
  for (std::size_t i = 0; i < fa.size(); ++i)
    figures.rows.push_back({fa[i].name, format_figure(fa[i]), format_figure(fb[i]), ratio(fa[i].value, fb[i].value)});

  std::vector<std::string> kinds;
  for (const auto* side : {&a, &b})
    for (const auto& m : side->messages)
      if (std::find(kinds.begin(), kinds.end(), m.kind) == kinds.end()) kinds.push_back(m.kind);
  kit::TextTable messages;
  messages.head = {"messages", "A", "B", "B/A"};
  messages.left_aligned = {true};
  for (const auto& kind : kinds) {
    const auto ca = count_of(a.messages, kind), cb = count_of(b.messages, kind);
    messages.rows.push_back({kind, std::to_string(ca), std::to_string(cb),
                             ratio(static_cast<double>(ca), static_cast<double>(cb))});
  }
  return side_line("A", a) + side_line("B", b) + "\n" + kit::render(figures) + "\n" + kit::render(messages);
}

}  // namespace herd::results
