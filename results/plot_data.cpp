#include "results/plot_data.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace herd::results {

namespace {

using nlohmann::json;

json sweep_point(const StoredRun& run) {
  const std::string& text = run.info.sweep_point_json;
  if (text.empty()) return json::object();
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw std::runtime_error("run " + std::to_string(run.id) + ": sweep_point_json is not a JSON object: " + text);
  return j;
}

std::string value_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

double ms(Nanos ns) { return static_cast<double>(ns) / 1e6; }

}  // namespace

std::vector<std::pair<double, double>> convergence_cdf(const std::vector<Nanos>& sorted, std::uint64_t total_updates,
                                                       std::size_t max_points) {
  std::vector<std::pair<double, double>> out;
  if (sorted.empty() || total_updates == 0) return out;
  const std::size_t n = sorted.size();
  const double total = static_cast<double>(total_updates);
  out.emplace_back(ms(sorted.front()), 0.0);
  auto add = [&](std::size_t i) { out.emplace_back(ms(sorted[i]), static_cast<double>(i + 1) / total); };
  if (n <= max_points || max_points < 2) {
    for (std::size_t i = 0; i < n; ++i) add(i);
  } else {
    // Evenly spaced ranks, always including the first and the last.
    for (std::size_t k = 0; k < max_points; ++k) add(k * (n - 1) / (max_points - 1));
  }
  return out;
}

std::vector<std::pair<double, double>> thin(std::vector<std::pair<double, double>> points, std::size_t max_points) {
  if (points.size() <= max_points || max_points < 2) return points;
  const std::size_t step = (points.size() + max_points - 2) / (max_points - 1);
  std::vector<std::pair<double, double>> out;
  out.reserve(max_points);
  for (std::size_t i = 0; i < points.size(); i += step) out.push_back(points[i]);
  if ((points.size() - 1) % step != 0) out.push_back(points.back());
  return out;
}

std::vector<std::pair<double, double>> reach_series(const std::vector<std::pair<Nanos, std::uint32_t>>& updates,
                                                    std::uint32_t servers, Nanos duration, std::size_t max_buckets) {
  std::vector<std::pair<double, double>> out;
  if (updates.empty() || servers == 0 || max_buckets == 0) return out;
  Nanos end = duration;
  for (const auto& u : updates) end = std::max(end, u.first + 1);  // every update falls in a bucket
  const std::size_t buckets = std::clamp<std::size_t>(updates.size() / 5, 1, max_buckets);
  const Nanos width = std::max<Nanos>(1, (end + static_cast<Nanos>(buckets) - 1) / static_cast<Nanos>(buckets));
  std::vector<double> sum(buckets, 0);
  std::vector<std::size_t> count(buckets, 0);
  for (const auto& [at, reached] : updates) {
    const auto b = std::min<std::size_t>(buckets - 1, static_cast<std::size_t>(std::max<Nanos>(0, at) / width));
    sum[b] += static_cast<double>(reached) / servers;
    ++count[b];
  }
  for (std::size_t b = 0; b < buckets; ++b) {
    if (!count[b]) continue;
    const double mid = (static_cast<double>(b) + 0.5) * static_cast<double>(width) / 1e9;
    out.emplace_back(mid, sum[b] / static_cast<double>(count[b]));
  }
  return out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The strategy's label without the swept parameter, so that sweeping
// strategy.fanout draws one "gossip" line rather than one dot per
// "gossip(fanout=N)" (herd/strategy_spec.cpp writes each parameter as
// "key=value" inside its part's parentheses).
std::string strategy_without(const std::string& label, const std::string& param) {
  static const std::string kPrefix = "strategy.";
  if (param.rfind(kPrefix, 0) != 0) return label;
  const std::string key = param.substr(param.rfind('.') + 1) + "=";
  std::size_t at = label.find(key);
  while (at != std::string::npos && at > 0 && label[at - 1] != '(' && label[at - 1] != ',')
    at = label.find(key, at + 1);
  if (at == std::string::npos) return label;
  std::size_t end = label.find_first_of(",)", at);
  if (end == std::string::npos) return label;
  std::string out = label;
  if (out[end] == ',') {
    out.erase(at, end + 1 - at);  // "k=v," goes
  } else if (out[at - 1] == ',') {
    out.erase(at - 1, end - at + 1);  // ",k=v" before ")" goes
  } else {
    out.erase(at - 1, end - at + 2);  // "(k=v)" goes
  }
  return out;
}

std::vector<SweepPlot> sweep_plots(const std::vector<StoredRun>& runs) {
  std::vector<json> points;
  points.reserve(runs.size());
  std::set<std::string> scenarios;
  for (const auto& r : runs) {
    points.push_back(sweep_point(r));
    scenarios.insert(r.info.scenario_name);
  }
  // Parameter -> its distinct values (as JSON text), across all runs.
  std::map<std::string, std::set<std::string>> values;
  for (const auto& p : points)
    for (const auto& [k, v] : p.items()) values[k].insert(v.dump());

  std::vector<SweepPlot> plots;
  for (const auto& [param, distinct] : values) {
    if (distinct.size() < 2 || param == "strategy") continue;
    SweepPlot plot;
    plot.param = param;
    bool numeric = true;
    plot.integer = true;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      if (!points[i].contains(param)) continue;
      if (!points[i][param].is_number()) numeric = false;
      if (!points[i][param].is_number_integer()) plot.integer = false;
    }
    if (!numeric) {
      std::set<std::string> cats;
      for (std::size_t i = 0; i < runs.size(); ++i)
        if (points[i].contains(param)) cats.insert(value_text(points[i][param]));
      plot.categories.assign(cats.begin(), cats.end());
    }
    // Curve label -> x -> the runs' p50/p99 there.
    std::map<std::string, std::map<double, std::pair<std::vector<double>, std::vector<double>>>> groups;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const json& p = points[i];
      if (!p.contains(param)) continue;
      const Summary& s = runs[i].summary;
      if (!s.convergence_p50 || !s.convergence_p99) continue;
      std::string label = strategy_without(runs[i].info.strategy, param);
      if (scenarios.size() > 1) label += ", " + runs[i].info.scenario_name;
      for (const auto& [k, v] : p.items())
        if (k != param) label += ", " + k + "=" + value_text(v);
      double x = 0;
      if (numeric) {
        x = p[param].get<double>();
      } else {
        const auto it = std::lower_bound(plot.categories.begin(), plot.categories.end(), value_text(p[param]));
        x = static_cast<double>(it - plot.categories.begin());
      }
      auto& cell = groups[label][x];
      cell.first.push_back(ms(*s.convergence_p50));
      cell.second.push_back(ms(*s.convergence_p99));
    }
    for (auto& [label, by_x] : groups) {
      SweepCurve curve;
      curve.label = label;
      for (auto& [x, cell] : by_x)
        curve.points.push_back({x, median(cell.first), median(cell.second), cell.first.size()});
      plot.curves.push_back(std::move(curve));
    }
    if (!plot.curves.empty()) plots.push_back(std::move(plot));
  }
  return plots;
}

std::vector<StrategyPoint> strategy_points(const std::vector<StoredRun>& runs) {
  std::set<std::string> strategies, scenarios;
  for (const auto& r : runs) {
    strategies.insert(r.info.strategy);
    scenarios.insert(r.info.scenario_name);
  }
  if (strategies.size() < 2) return {};
  struct Cell {
    std::vector<double> messages, p99, p50;
  };
  std::map<std::string, Cell> cells;
  for (const auto& r : runs) {
    if (!r.summary.convergence_p50 || !r.summary.convergence_p99) continue;
    std::string label = r.info.strategy;
    if (scenarios.size() > 1) label += ", " + r.info.scenario_name;
    Cell& c = cells[label];
    c.messages.push_back(r.summary.messages_per_update);
    c.p99.push_back(ms(*r.summary.convergence_p99));
    c.p50.push_back(ms(*r.summary.convergence_p50));
  }
  std::vector<StrategyPoint> out;
  for (auto& [label, c] : cells)
    out.push_back({label, median(c.messages), median(c.p99), median(c.p50), c.messages.size()});
  return out;
}

std::string file_safe(const std::string& name) {
  std::string out;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    out += ok ? c : '_';
  }
  return out.empty() ? "_" : out;
}

std::string run_label(const StoredRun& run) {
  std::string label = "run " + std::to_string(run.id) + ": " + run.info.strategy + ", seed " +
                      std::to_string(run.info.seed);
  if (run.info.mode != "sim") label += ", " + run.info.mode;  // a live run beside simulated ones
  json p = json::parse(run.info.sweep_point_json.empty() ? "{}" : run.info.sweep_point_json, nullptr, false);
  // A swept strategy (or a part of it) is already in the label, as
  // runs.strategy spells it.
  if (p.is_object())
    for (const auto& [k, v] : p.items())
      if (k != "strategy" && k.rfind("strategy.", 0) != 0) label += ", " + k + "=" + value_text(v);
  return label;
}

}  // namespace herd::results
