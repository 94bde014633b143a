#include "results/report.h"

#include <nlohmann/json.hpp>

#include "kit/text_table.h"
#include "results/summary_figures.h"

namespace herd::results {

std::string report_table(const std::vector<StoredRun>& runs) {
  kit::TextTable t;
  t.head = {"id", "mode", "scenario", "strategy", "seed", "sweep point"};
  t.left_aligned = {false, true, true, true, false, true};
  for (const auto& f : summary_figures(Summary{})) t.head.push_back(f.label);
  for (const auto& r : runs) {
    std::vector<std::string> row = {std::to_string(r.id), r.info.mode, r.info.scenario_name, r.info.strategy,
                                    std::to_string(r.info.seed),
                                    r.info.sweep_point_json == "{}" ? "-" : r.info.sweep_point_json};
    for (const auto& f : summary_figures(r.summary)) row.push_back(format_figure(f));
    t.rows.push_back(std::move(row));
  }
  return kit::render(t);
}

std::string report_json(const std::vector<StoredRun>& runs) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& r : runs) {
    nlohmann::ordered_json summary = nlohmann::ordered_json::object();
    for (const auto& f : summary_figures(r.summary)) {
      if (!f.value)
        summary[f.name] = nullptr;
      else if (f.unit == FigureUnit::count || f.unit == FigureUnit::nanos || f.unit == FigureUnit::bytes)
        summary[f.name] = static_cast<std::int64_t>(*f.value);
      else
        summary[f.name] = *f.value;
    }
    const auto point = nlohmann::ordered_json::parse(r.info.sweep_point_json, nullptr, false);
    out.push_back({{"id", r.id},
                   {"mode", r.info.mode},
                   {"scenario_name", r.info.scenario_name},
                   {"scenario_path", r.info.scenario_path},
                   {"sweep_point", point.is_discarded() ? nlohmann::ordered_json(r.info.sweep_point_json) : point},
                   {"seed", r.info.seed},
                   {"strategy", r.info.strategy},
                   {"topology", r.info.topology},
                   {"code_version", r.info.code_version},
                   {"created_at", r.created_at},
                   {"duration_ns", r.info.duration},
                   {"summary", summary}});
  }
  return out.dump(2) + "\n";
}

}  // namespace herd::results
