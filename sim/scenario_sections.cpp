// The scenario file's sections after the topology: network, clients,
// clock_skew, faults and metrics (docs/scenarios.md).
#include <algorithm>
#include <cmath>

#include "sim/scenario_error.h"
#include "sim/fault_target.h"
#include "sim/scenario_fields.h"

namespace herd::sim::fields {

namespace {

using R = FieldReader;

[[noreturn]] void raise(const std::string& file, const std::string& field, const std::string& reason) {
  throw ScenarioError(file, field, reason);
}

// [["a", "b"], ["c"]]: non-empty groups of servers, none in two groups.
std::vector<std::vector<std::string>> read_groups(const FieldReader& r, const json& g, const std::string& gp,
                                                  const Names& names) {
  if (!g.is_array() || g.empty()) r.fail(gp, "expected a non-empty array of server-name arrays");
  std::vector<std::vector<std::string>> groups;
  std::set<std::string> placed;
  for (std::size_t gi = 0; gi < g.size(); ++gi) {
    const std::string ggp = R::item(gp, gi);
    if (!g[gi].is_array() || g[gi].empty()) r.fail(ggp, "expected a non-empty array of server names");
    std::vector<std::string> group;
    for (std::size_t ni = 0; ni < g[gi].size(); ++ni) {
      std::string name = names.node(g[gi][ni], R::item(ggp, ni));
      if (!placed.insert(name).second) r.fail(R::item(ggp, ni), "server '" + name + "' is in two groups");
      group.push_back(std::move(name));
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

FaultSpec read_fault(const FieldReader& r, const json& fj, const std::string& p, const Names& names, Nanos duration) {
  r.object(fj, p);
  FaultSpec fs;
  fs.field = p;
  fs.kind = *parse_fault_kind(r.choice(r.required(fj, p, "kind"), R::child(p, "kind"),
                                        {"link_cut", "link_restore", "partition", "heal", "crash", "restart"}));
  if (fs.kind == FaultKind::LinkCut || fs.kind == FaultKind::LinkRestore) {
    r.object(fj, p, {"at", "kind", "link"});
    std::tie(fs.a, fs.b) = names.link(r.required(fj, p, "link"), R::child(p, "link"));
  } else if (fs.kind == FaultKind::Crash || fs.kind == FaultKind::Restart) {
    r.object(fj, p, {"at", "kind", "node"});
    fs.a = names.node(r.required(fj, p, "node"), R::child(p, "node"));
  } else if (fs.kind == FaultKind::Heal) {
    r.object(fj, p, {"at", "kind", "name"});
    fs.name = r.string(r.required(fj, p, "name"), R::child(p, "name"));
  } else {
    r.object(fj, p, {"at", "kind", "name", "groups"});
    fs.name = r.string(r.required(fj, p, "name"), R::child(p, "name"));
    fs.groups = read_groups(r, r.required(fj, p, "groups"), R::child(p, "groups"), names);
  }
  fs.at = r.duration(r.required(fj, p, "at"), R::child(p, "at"));
  if (fs.at > duration) r.fail(R::child(p, "at"), "is after the scenario's duration");
  return fs;
}

// The timeline must make sense: heal an active partition, restart a crashed node.
void check_timeline(const FieldReader& r, const std::vector<FaultSpec>& faults) {
  std::set<std::string> active, crashed;
  for (const auto& fs : faults) {
    if (fs.kind == FaultKind::Partition && !active.insert(fs.name).second)
      r.fail(R::child(fs.field, "name"), "partition '" + fs.name + "' is already active at that time");
    if (fs.kind == FaultKind::Heal && !active.erase(fs.name))
      r.fail(R::child(fs.field, "name"), "no partition named '" + fs.name + "' is active at that time");
    if (fs.kind == FaultKind::Crash && !crashed.insert(fs.a).second)
      r.fail(R::child(fs.field, "node"), "server '" + fs.a + "' is already crashed at that time");
    if (fs.kind == FaultKind::Restart && !crashed.erase(fs.a))
      r.fail(R::child(fs.field, "node"), "server '" + fs.a + "' is not crashed at that time");
  }
}

}  // namespace

FieldReader reader(const std::string& file) { return FieldReader(file, FieldReader::Wording::Explained, &raise); }

virt::LatencyModel read_latency(const FieldReader& r, const json& j, const std::string& path) {
  if (!j.is_object())
    r.fail(path, "expected a latency model object such as {\"model\": \"constant\", \"value\": \"10ms\"}, got " +
                     std::string(j.type_name()));
  const std::string model = r.choice(r.required(j, path, "model"), R::child(path, "model"),
                                     {"constant", "uniform", "normal", "lognormal", "exponential", "pareto"});
  using M = virt::LatencyModel;
  auto span = [&](const char* key) { return r.duration(r.required(j, path, key), R::child(path, key)); };
  if (model == "constant") {
    r.only_keys(j, path, {"model", "value"});
    return M::constant(span("value"));
  }
  if (model == "uniform") {
    r.only_keys(j, path, {"model", "min", "max"});
    const Nanos lo = span("min"), hi = span("max");
    if (hi < lo) r.fail(R::child(path, "max"), "must not be less than min");
    return M::uniform(lo, hi);
  }
  if (model == "normal") {
    r.only_keys(j, path, {"model", "mean", "stddev"});
    const Nanos mean = span("mean");
    return M::normal(mean, span("stddev"));
  }
  if (model == "lognormal") {
    // Given as the median latency and the log-space sigma: mu = ln(median in ns).
    r.only_keys(j, path, {"model", "median", "sigma"});
    const Nanos median = span("median");
    if (median <= 0) r.fail(R::child(path, "median"), "must be positive");
    const double sigma = r.number(r.required(j, path, "sigma"), R::child(path, "sigma"), 0, 10);
    return M::lognormal(std::log(static_cast<double>(median)), sigma);
  }
  if (model == "exponential") {
    r.only_keys(j, path, {"model", "mean"});
    return M::exponential(span("mean"));
  }
  r.only_keys(j, path, {"model", "scale", "shape"});
  const Nanos scale = span("scale");
  if (scale <= 0) r.fail(R::child(path, "scale"), "must be positive");
  return M::pareto(scale, r.number(r.required(j, path, "shape"), R::child(path, "shape"), 0.01, 100));
}

NetworkSpec read_network(const FieldReader& r, const json& net, const Names& names) {
  NetworkSpec n;
  r.object(net, "network", {"latency", "loss", "links", "places_delay"});
  if (auto* l = R::optional(net, "latency")) n.latency = read_latency(r, *l, "network.latency");
  if (auto* l = R::optional(net, "loss")) n.loss = r.number(*l, "network.loss", 0, 1);
  if (auto* l = R::optional(net, "places_delay")) n.places_delay = read_latency(r, *l, "network.places_delay");
  const json* links = R::optional(net, "links");
  if (!links) return n;
  if (!links->is_array()) r.fail("network.links", "expected an array of link settings");
  for (std::size_t i = 0; i < links->size(); ++i) {
    const std::string p = R::item("network.links", i);
    const json& lj = (*links)[i];
    r.object(lj, p, {"between", "latency", "loss"});
    LinkOverride o;
    o.field = p;
    std::tie(o.a, o.b) = names.link(r.required(lj, p, "between"), R::child(p, "between"));
    if (auto* l = R::optional(lj, "latency")) o.latency = read_latency(r, *l, R::child(p, "latency"));
    if (auto* l = R::optional(lj, "loss")) o.loss = r.number(*l, R::child(p, "loss"), 0, 1);
    if (!o.latency && !o.loss) r.fail(p, "a link setting needs latency or loss");
    n.links.push_back(std::move(o));
  }
  return n;
}

ClientsSpec read_clients(const FieldReader& r, const json& c, Nanos duration) {
  const std::string p = "clients";
  r.object(c, p, {"count", "report_interval", "arrival", "servers", "start", "stop", "reads_per_report",
                  "radius_km", "max_places"});
  ClientsSpec cs;
  auto field = [&](const char* key) { return R::optional(c, key); };
  auto path = [&](const char* key) { return R::child(p, key); };
  if (auto* v = field("count")) cs.count = static_cast<std::uint32_t>(r.uint(*v, path("count"), 0, 10'000'000));
  if (auto* v = field("report_interval")) {
    cs.report_interval = r.duration(*v, path("report_interval"));
    if (cs.report_interval <= 0) r.fail(path("report_interval"), "must be positive");
  }
  if (auto* v = field("arrival")) cs.poisson = r.choice(*v, path("arrival"), {"periodic", "poisson"}) == "poisson";
  if (auto* v = field("servers")) cs.moving = r.choice(*v, path("servers"), {"fixed", "moving"}) == "moving";
  if (auto* v = field("start")) cs.start = r.duration(*v, path("start"));
  if (auto* v = field("stop")) cs.stop = r.duration(*v, path("stop"));
  if (cs.start > duration) r.fail(path("start"), "is after the scenario's duration");
  if (cs.stop && *cs.stop < cs.start) r.fail(path("stop"), "is before clients.start");
  if (auto* v = field("reads_per_report")) cs.reads_per_report = r.number(*v, path("reads_per_report"), 0, 100);
  if (auto* v = field("radius_km")) cs.radius_km = static_cast<int>(r.uint(*v, path("radius_km"), 1, 50));
  if (auto* v = field("max_places")) cs.max_places = static_cast<int>(r.uint(*v, path("max_places"), 1, 20));
  return cs;
}

SkewSpec read_clock_skew(const FieldReader& r, const json& k, const Names& names) {
  SkewSpec skew;
  r.object(k, "clock_skew", {"max", "nodes"});
  if (auto* v = R::optional(k, "max")) skew.max = r.duration(*v, "clock_skew.max");
  if (auto* v = R::optional(k, "nodes")) {
    if (!v->is_object()) r.fail("clock_skew.nodes", "expected an object {\"server\": \"skew\"}");
    for (const auto& [name, value] : v->items()) {
      const std::string p = R::child("clock_skew.nodes", name);
      names.node(json(name), p);
      skew.nodes.emplace_back(name, r.duration(value, p, true));
    }
  }
  return skew;
}

std::vector<FaultSpec> read_faults(const FieldReader& r, const json& f, const Names& names, Nanos duration) {
  if (!f.is_array()) r.fail("faults", "expected an array of faults");
  std::vector<FaultSpec> faults;
  for (std::size_t i = 0; i < f.size(); ++i) faults.push_back(read_fault(r, f[i], R::item("faults", i), names, duration));
  std::stable_sort(faults.begin(), faults.end(), [](const FaultSpec& a, const FaultSpec& b) { return a.at < b.at; });
  check_timeline(r, faults);
  return faults;
}

MetricsSpec read_metrics(const FieldReader& r, const json& m, Nanos duration) {
  MetricsSpec ms;
  r.object(m, "metrics", {"sample_first", "sample_every", "coverage_interval", "max_reads"});
  if (auto* v = R::optional(m, "sample_first")) ms.sample_first = r.uint(*v, "metrics.sample_first", 0, UINT64_MAX);
  if (auto* v = R::optional(m, "sample_every")) ms.sample_every = r.uint(*v, "metrics.sample_every", 0, UINT64_MAX);
  if (auto* v = R::optional(m, "coverage_interval")) {
    ms.coverage_interval = r.duration(*v, "metrics.coverage_interval");
    if (*ms.coverage_interval <= 0) r.fail("metrics.coverage_interval", "must be positive");
    if (duration / *ms.coverage_interval > 1'000'000)
      r.fail("metrics.coverage_interval", "would take more than 1,000,000 samples");
  }
  if (auto* v = R::optional(m, "max_reads")) ms.max_reads = r.uint(*v, "metrics.max_reads", 0, UINT64_MAX);
  return ms;
}

}  // namespace herd::sim::fields
