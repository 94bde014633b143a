#include "sim/scenario_loader.h"

#include <iostream>
#include <sstream>

#include <algorithm>

#include "config/strategy_json.h"
#include "config/strict_json.h"
#include "sim/scenario_fields.h"

namespace herd::sim {

using nlohmann::json;
using fields::Names;

namespace {

using R = FieldReader;

// name, description, seed or seeds, duration.
void read_header(const FieldReader& r, const json& j, Scenario& s) {
  s.file = r.file();
  s.name = r.string(r.required(j, "", "name"), "name");
  if (s.name.empty()) r.fail("name", "must not be empty");
  if (auto* d = R::optional(j, "description")) s.description = r.string(*d, "description");

  const json* seed = R::optional(j, "seed");
  const json* seeds = R::optional(j, "seeds");
  if (seed && seeds) r.fail("seeds", "give either seed or seeds, not both");
  if (seed) s.seeds.push_back(r.uint(*seed, "seed", 0, UINT64_MAX));
  if (seeds) {
    if (!seeds->is_array() || seeds->empty()) r.fail("seeds", "expected a non-empty array of whole numbers");
    for (std::size_t i = 0; i < seeds->size(); ++i) s.seeds.push_back(r.uint((*seeds)[i], R::item("seeds", i), 0, UINT64_MAX));
  }
  if (s.seeds.empty()) s.seeds.push_back(1);

  s.duration = r.duration(r.required(j, "", "duration"), "duration");
  if (s.duration <= 0) r.fail("duration", "must be positive");
}

Scenario read_scenario(const FieldReader& r, const json& j) {
  r.object(j, "", {"name", "description", "seed", "seeds", "duration", "topology", "strategy", "network",
                   "clients", "clock_skew", "faults", "metrics", "sweep"});
  Scenario s;
  read_header(r, j, s);
  s.topology = fields::read_topology(r, r.required(j, "", "topology"), "topology");
  const Names names(r, s.topology);
  if (auto* v = R::optional(j, "strategy")) s.strategy = read_strategy(r, *v, "strategy");
  if (auto* v = R::optional(j, "network")) s.network = fields::read_network(r, *v, names);
  if (auto* v = R::optional(j, "clients")) s.clients = fields::read_clients(r, *v, s.duration);
  if (auto* v = R::optional(j, "clock_skew")) s.skew = fields::read_clock_skew(r, *v, names);
  if (auto* v = R::optional(j, "faults")) s.faults = fields::read_faults(r, *v, names, s.duration);
  if (auto* v = R::optional(j, "metrics")) s.metrics = fields::read_metrics(r, *v, s.duration);
  s.json = j.dump();
  return s;
}

// Sets the value at a dotted path ("network.loss", "faults.1.at"), which must exist.
void substitute(const FieldReader& r, json& doc, const std::string& path, const json& value, const std::string& field) {
  json* cur = &doc;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string seg = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (seg.empty()) r.fail(field, "'" + path + "' is not a dotted path such as \"network.loss\"");
    if (cur->is_object()) {
      auto it = cur->find(seg);
      if (it == cur->end()) r.fail(field, "'" + path + "' names no field of the scenario (give it a base value there)");
      cur = &*it;
    } else if (cur->is_array() && std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      const std::size_t i = std::stoul(seg);
      if (i >= cur->size()) r.fail(field, "'" + path + "': index " + seg + " is out of range");
      cur = &(*cur)[i];
    } else {
      r.fail(field, "'" + path + "' names no field of the scenario");
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  *cur = value;
}

std::vector<Scenario> parse_scenario_doc(const std::string& text, const std::string& file) {
  const FieldReader r = fields::reader(file);
  json doc;
  try {
    doc = parse_strict_json(text);
  } catch (const JsonPathError& e) {
    r.fail(e.path(), e.what());
  } catch (const JsonSyntaxError& e) {
    r.fail("", e.what());
  }
  if (!doc.is_object()) r.fail("", "a scenario is a JSON object, got " + std::string(doc.type_name()));
  const json* sweep = R::optional(doc, "sweep");
  if (!sweep) {
    std::vector<Scenario> out;
    out.push_back(read_scenario(r, doc));
    out.back().sweep_point = "{}";
    return out;
  }
  if (!sweep->is_object() || sweep->empty())
    r.fail("sweep", "expected an object {\"dotted.path\": [values...]}");
  std::vector<std::pair<std::string, const json*>> axes;  // sorted by path (json objects are ordered maps)
  std::size_t points = 1;
  for (const auto& [path, values] : sweep->items()) {
    if (!values.is_array() || values.empty()) r.fail(R::child("sweep", path), "expected a non-empty array of values");
    if (path == "sweep" || path.rfind("sweep.", 0) == 0 || path == "seed" || path == "seeds")
      r.fail(R::child("sweep", path), "cannot sweep this field");
    axes.emplace_back(path, &values);
    points *= values.size();
    if (points > 10000) r.fail("sweep", "more than 10,000 sweep points");
  }
  json base = doc;
  base.erase("sweep");
  std::vector<Scenario> out;
  for (std::size_t p = 0; p < points; ++p) {
    json variant = base;
    json point = json::object();
    std::size_t rest = p;
    for (std::size_t a = axes.size(); a-- > 0;) {  // the last axis varies fastest
      const json& values = *axes[a].second;
      const json& v = values[rest % values.size()];
      rest /= values.size();
      substitute(r, variant, axes[a].first, v, R::child("sweep", axes[a].first));
      point[axes[a].first] = v;
    }
    try {
      out.push_back(read_scenario(r, variant));
    } catch (const ScenarioError& e) {
      throw ScenarioError(e.file(), e.field(), e.reason() + " (in sweep point " + point.dump() + ")");
    }
    out.back().sweep_point = point.dump();
  }
  return out;
}

}  // namespace

std::vector<Scenario> parse_scenario_text(const std::string& text, const std::string& file) {
  try {
    return parse_scenario_doc(text, file);
  } catch (const ScenarioError&) {
    throw;
  } catch (const std::exception& e) {
    // A library exception the checks above missed (a nlohmann type_error, a
    // std::out_of_range): still a bad file, never a crash or a failed run.
    throw ScenarioError(file, "", std::string("cannot be read as a scenario: ") + e.what());
  }
}

std::vector<Scenario> load_scenario_file(const std::string& path) {
  if (path == "-") {
    std::ostringstream in;
    in << std::cin.rdbuf();
    if (std::cin.bad()) throw ScenarioError("<stdin>", "", "cannot read standard input");
    return parse_scenario_text(in.str(), "<stdin>");
  }
  std::string text;
  try {
    text = read_text_file(path);
  } catch (const FileReadError& e) {
    throw ScenarioError(path, "", std::string("cannot open the file: ") + e.what());
  }
  return parse_scenario_text(text, path);
}

}  // namespace herd::sim
