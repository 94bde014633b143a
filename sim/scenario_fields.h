#pragma once
// The scenario loader's parts (internal to sim/scenario_*.cpp): each section
// of a scenario file read with the shared FieldReader (config/field_reader.h),
// so every error names the file, the field path and the reason.
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/field_reader.h"
#include "sim/scenario.h"

namespace herd::sim::fields {

using nlohmann::json;

// A reader whose errors are ScenarioErrors, worded as scenarios have always been.
FieldReader reader(const std::string& file);

TopologySpec read_topology(const FieldReader& r, const json& j, const std::string& path);

// Resolves a server name against the topology (fast for generated "n<i>").
class Names {
 public:
  Names(const FieldReader& r, const TopologySpec& t);
  std::string node(const json& j, const std::string& path) const;
  // A link given as [a, b]. Links of generated graphs are checked at run time.
  std::pair<std::string, std::string> link(const json& j, const std::string& path) const;

 private:
  bool known(const std::string& name) const;
  const FieldReader& r_;
  const TopologySpec& t_;
  std::set<std::string> set_;
  std::set<std::pair<std::string, std::string>> links_;
};

virt::LatencyModel read_latency(const FieldReader& r, const json& j, const std::string& path);
NetworkSpec read_network(const FieldReader& r, const json& j, const Names& names);
ClientsSpec read_clients(const FieldReader& r, const json& j, Nanos duration);
SkewSpec read_clock_skew(const FieldReader& r, const json& j, const Names& names);
// Sorted by time, the timeline checked (heal an active partition, restart a crashed node).
std::vector<FaultSpec> read_faults(const FieldReader& r, const json& j, const Names& names, Nanos duration);
MetricsSpec read_metrics(const FieldReader& r, const json& j, Nanos duration);

}  // namespace herd::sim::fields
