#include "explore/shrink.h"

#include <string>
#include <vector>

#include "config/duration.h"

namespace herd::explore {

namespace {

using json = nlohmann::json;

std::string ms(Nanos v) { return std::to_string(v / 1'000'000) + "ms"; }

// Milliseconds of a duration field as the drawn scenarios write it ("250ms").
Nanos field_ns(const json& v) {
  const auto parsed = parse_duration(v.get<std::string>());
  return parsed ? *parsed : 0;
}

// The smaller variants of `s`, most promising first.
std::vector<json> candidates(const json& s) {
  std::vector<json> out;
  const json& faults = s["faults"];
  // Drop one fault (a crash with its restart, a partition with its heal,
  // a cut with its restore: both go, as the drawn timelines pair them).
  for (std::size_t i = 0; i < faults.size(); ++i) {
    json c = s;
    c["faults"].erase(i);
    const std::string kind = faults[i].value("kind", "");
    if (kind == "crash" || kind == "partition" || kind == "link_cut") {
      for (std::size_t j = i; j < c["faults"].size(); ++j) {
        const json& f = c["faults"][j];
        const bool pair = (kind == "crash" && f.value("kind", "") == "restart" && f["node"] == faults[i]["node"]) ||
                          (kind == "partition" && f.value("kind", "") == "heal" && f["name"] == faults[i]["name"]) ||
                          (kind == "link_cut" && f.value("kind", "") == "link_restore" && f["link"] == faults[i]["link"]);
        if (pair) {
          c["faults"].erase(j);
          break;
        }
      }
    }
    out.push_back(std::move(c));
  }
  // Fewer clients.
  const auto clients = s["clients"].value("count", 1u);
  if (clients > 1) {
    json half = s;
    half["clients"]["count"] = clients / 2;
    out.push_back(std::move(half));
    json one = s;
    one["clients"]["count"] = clients - 1;
    out.push_back(std::move(one));
  }
  // Fewer servers, for the generated kinds (a fault naming a server that
  // is gone makes the variant invalid, and it is skipped).
  const json& topo = s["topology"];
  if (topo.contains("n") && topo["n"].get<int>() > 2) {
    json c = s;
    c["topology"]["n"] = topo["n"].get<int>() - 1;
    if (c["topology"].contains("k") && c["topology"]["k"].get<int>() >= c["topology"]["n"].get<int>())
      c["topology"]["k"] = 2;
    if (c["topology"].contains("m") && c["topology"]["m"].get<int>() >= c["topology"]["n"].get<int>())
      c["topology"]["m"] = 1;
    out.push_back(std::move(c));
  }
  // A shorter run: clients stop earlier, the settle time stays.
  const Nanos stop = field_ns(s["clients"]["stop"]), duration = field_ns(s["duration"]);
  if (stop > 200'000'000) {
    json c = s;
    const Nanos shorter = stop / 2;
    c["clients"]["stop"] = ms(shorter);
    c["duration"] = ms(duration - (stop - shorter));
    out.push_back(std::move(c));
  }
  // A simpler network and workload.
  if (s["network"].value("loss", 0.0) > 0) {
    json c = s;
    c["network"]["loss"] = 0.0;
    out.push_back(std::move(c));
  }
  if (s.contains("clock_skew")) {
    json c = s;
    c.erase("clock_skew");
    out.push_back(std::move(c));
  }
  if (s["clients"].value("reads_per_report", 0.0) > 0) {
    json c = s;
    c["clients"]["reads_per_report"] = 0.0;
    out.push_back(std::move(c));
  }
  if (s["clients"].contains("arrival")) {
    json c = s;
    c["clients"].erase("arrival");
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

ShrinkResult shrink(json scenario, const std::function<bool(const json&)>& breaks, std::size_t max_runs) {
  ShrinkResult r{std::move(scenario), 0, 0};
  bool reduced = true;
  while (reduced && r.runs < max_runs) {
    reduced = false;
    for (auto& c : candidates(r.scenario)) {
      if (r.runs >= max_runs) break;
      ++r.runs;
      if (!breaks(c)) continue;
      r.scenario = std::move(c);
      ++r.steps;
      reduced = true;
      break;  // start over from the smaller scenario
    }
  }
  return r;
}

}  // namespace herd::explore
