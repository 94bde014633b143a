#include "sim/scenario_loader.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "config/duration.h"
#include "config/strict_json.h"
#include "topology/presets.h"

namespace herd::sim {

using nlohmann::json;

namespace {

std::string child(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}
std::string item(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}
std::string type_name(const json& j) { return j.type_name(); }

// Reads typed fields out of JSON, naming the file and field path on error.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}
  const std::string& file() const { return file_; }

  [[noreturn]] void fail(const std::string& path, const std::string& reason) const {
    throw ScenarioError(file_, path, reason);
  }

  void object(const json& j, const std::string& path, std::initializer_list<const char*> allowed) const {
    if (!j.is_object()) fail(path, "expected an object, got " + type_name(j));
    for (const auto& [key, value] : j.items()) {
      if (std::find_if(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; }) ==
          allowed.end()) {
        std::string list;
        for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(child(path, key), "unknown field (expected one of: " + list + ")");
      }
    }
  }
  const json& required(const json& obj, const std::string& path, const char* key) const {
    auto it = obj.find(key);
    if (it == obj.end()) fail(child(path, key), "missing required field");
    return *it;
  }
  static const json* optional(const json& obj, const char* key) {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }

  std::string string(const json& j, const std::string& path) const {
    if (!j.is_string()) fail(path, "expected a string, got " + type_name(j));
    return j.get<std::string>();
  }
  std::string choice(const json& j, const std::string& path, std::initializer_list<const char*> options) const {
    std::string s = string(j, path);
    std::string list;
    for (const char* o : options) {
      if (s == o) return s;
      list += (list.empty() ? "" : ", ") + std::string(o);
    }
    fail(path, "'" + s + "' is not one of: " + list);
  }
  std::uint64_t uint(const json& j, const std::string& path, std::uint64_t lo, std::uint64_t hi) const {
    if (!j.is_number_integer() || (j.is_number_integer() && !j.is_number_unsigned() && j.get<std::int64_t>() < 0))
      fail(path, "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                     ", got " + j.dump());
    const auto v = j.get<std::uint64_t>();
    if (v < lo || v > hi)
      fail(path, "must be from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " + j.dump());
    return v;
  }
  double number(const json& j, const std::string& path, double lo, double hi) const {
    if (!j.is_number()) fail(path, "expected a number, got " + type_name(j));
    const double v = j.get<double>();
    if (!(v >= lo && v <= hi)) {
      std::ostringstream os;
      os << "must be from " << lo << " to " << hi << ", got " << j.dump();
      fail(path, os.str());
    }
    return v;
  }
  Nanos duration(const json& j, const std::string& path, bool allow_negative = false) const {
    std::optional<Nanos> v;
    if (j.is_number()) {
      const double s = j.get<double>();
      if (std::isfinite(s) && std::fabs(s) < 1e9) v = static_cast<Nanos>(std::llround(s * 1e9));
    } else if (j.is_string()) {
      v = parse_duration(j.get<std::string>());
    } else {
      fail(path, "expected a duration such as \"1.5s\" or \"250ms\", got " + type_name(j));
    }
    if (!v) fail(path, "expected a duration such as \"1.5s\" or \"250ms\" (units ns, us, ms, s, m, h), got " + j.dump());
    if (*v < 0 && !allow_negative) fail(path, "must not be negative, got " + j.dump());
    return *v;
  }

  virt::LatencyModel latency(const json& j, const std::string& path) const {
    if (!j.is_object()) fail(path, "expected a latency model object such as {\"model\": \"constant\", \"value\": \"10ms\"}, got " + type_name(j));
    const std::string model = choice(required(j, path, "model"), child(path, "model"),
                                     {"constant", "uniform", "normal", "lognormal", "exponential", "pareto"});
    using M = virt::LatencyModel;
    if (model == "constant") {
      object(j, path, {"model", "value"});
      return M::constant(duration(required(j, path, "value"), child(path, "value")));
    }
    if (model == "uniform") {
      object(j, path, {"model", "min", "max"});
      const Nanos lo = duration(required(j, path, "min"), child(path, "min"));
      const Nanos hi = duration(required(j, path, "max"), child(path, "max"));
      if (hi < lo) fail(child(path, "max"), "must not be less than min");
      return M::uniform(lo, hi);
    }
    if (model == "normal") {
      object(j, path, {"model", "mean", "stddev"});
      return M::normal(duration(required(j, path, "mean"), child(path, "mean")),
                       duration(required(j, path, "stddev"), child(path, "stddev")));
    }
    if (model == "lognormal") {
      // Given as the median latency and the log-space sigma: mu = ln(median in ns).
      object(j, path, {"model", "median", "sigma"});
      const Nanos median = duration(required(j, path, "median"), child(path, "median"));
      if (median <= 0) fail(child(path, "median"), "must be positive");
      const double sigma = number(required(j, path, "sigma"), child(path, "sigma"), 0, 10);
      return M::lognormal(std::log(static_cast<double>(median)), sigma);
    }
    if (model == "exponential") {
      object(j, path, {"model", "mean"});
      return M::exponential(duration(required(j, path, "mean"), child(path, "mean")));
    }
    object(j, path, {"model", "scale", "shape"});
    const Nanos scale = duration(required(j, path, "scale"), child(path, "scale"));
    if (scale <= 0) fail(child(path, "scale"), "must be positive");
    return M::pareto(scale, number(required(j, path, "shape"), child(path, "shape"), 0.01, 100));
  }

 private:
  std::string file_;
};

constexpr std::uint32_t kMaxNodes = 10'000'000;

TopologySpec read_topology(const Reader& r, const json& j, const std::string& path) {
  TopologySpec t;
  if (!j.is_object()) r.fail(path, "expected an object, got " + type_name(j));
  if (auto* preset = Reader::optional(j, "preset")) {
    r.object(j, path, {"preset"});
    t.kind = "preset";
    t.preset = r.string(*preset, child(path, "preset"));
    if (!find_preset(t.preset)) {
      std::string list;
      for (const auto& p : presets()) list += (list.empty() ? "" : ", ") + p.name;
      r.fail(child(path, "preset"), "no preset named '" + t.preset + "' (presets: " + list + ")");
    }
    return t;
  }
  t.kind = r.choice(r.required(j, path, "kind"), child(path, "kind"),
                    {"ring", "grid", "complete", "random_tree", "erdos_renyi", "small_world", "scale_free", "edges"});
  auto n_of = [&](std::uint64_t lo, std::uint64_t hi) {
    return static_cast<std::uint32_t>(r.uint(r.required(j, path, "n"), child(path, "n"), lo, hi));
  };
  auto read_connect = [&] {
    if (auto* d = Reader::optional(j, "disconnected"))
      t.connect = r.choice(*d, child(path, "disconnected"), {"connect", "reject"}) == "connect";
  };
  if (t.kind == "ring") {
    r.object(j, path, {"kind", "n"});
    t.n = n_of(3, kMaxNodes);
  } else if (t.kind == "complete") {
    r.object(j, path, {"kind", "n"});
    t.n = n_of(2, 5000);
  } else if (t.kind == "random_tree") {
    r.object(j, path, {"kind", "n"});
    t.n = n_of(2, kMaxNodes);
  } else if (t.kind == "grid") {
    r.object(j, path, {"kind", "rows", "cols"});
    t.rows = static_cast<std::uint32_t>(r.uint(r.required(j, path, "rows"), child(path, "rows"), 1, 100000));
    t.cols = static_cast<std::uint32_t>(r.uint(r.required(j, path, "cols"), child(path, "cols"), 1, 100000));
    if (static_cast<std::uint64_t>(t.rows) * t.cols < 2 || static_cast<std::uint64_t>(t.rows) * t.cols > kMaxNodes)
      r.fail(path, "rows * cols must be from 2 to " + std::to_string(kMaxNodes));
    t.n = t.rows * t.cols;
  } else if (t.kind == "erdos_renyi") {
    r.object(j, path, {"kind", "n", "p", "disconnected"});
    t.n = n_of(2, kMaxNodes);
    t.p = r.number(r.required(j, path, "p"), child(path, "p"), 0, 1);
    read_connect();
  } else if (t.kind == "small_world") {
    r.object(j, path, {"kind", "n", "k", "p", "disconnected"});
    t.n = n_of(3, kMaxNodes);
    t.k = static_cast<std::uint32_t>(r.uint(r.required(j, path, "k"), child(path, "k"), 2, 1000));
    if (t.k % 2 != 0) r.fail(child(path, "k"), "must be even (each node links to k/2 on each side)");
    if (t.k >= t.n) r.fail(child(path, "k"), "must be less than n");
    t.p = r.number(r.required(j, path, "p"), child(path, "p"), 0, 1);
    read_connect();
  } else if (t.kind == "scale_free") {
    r.object(j, path, {"kind", "n", "m"});
    t.n = n_of(2, kMaxNodes);
    t.m = static_cast<std::uint32_t>(r.uint(r.required(j, path, "m"), child(path, "m"), 1, 1000));
    if (t.m >= t.n) r.fail(child(path, "m"), "must be less than n");
  } else {  // edges
    r.object(j, path, {"kind", "nodes", "edges"});
    const json& nodes = r.required(j, path, "nodes");
    const std::string np = child(path, "nodes");
    if (!nodes.is_array() || nodes.size() < 1) r.fail(np, "expected a non-empty array of server names");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      std::string name = r.string(nodes[i], item(np, i));
      if (name.empty() || name.find_first_of(" \t\r\n\f\v") != std::string::npos)
        r.fail(item(np, i), "a server name must be non-empty with no white space");
      if (!seen.insert(name).second) r.fail(item(np, i), "duplicate server name '" + name + "'");
      t.nodes.push_back(std::move(name));
    }
    const json& edges = r.required(j, path, "edges");
    const std::string ep = child(path, "edges");
    if (!edges.is_array()) r.fail(ep, "expected an array of [a, b] pairs");
    std::set<std::pair<std::string, std::string>> links;
    for (std::size_t i = 0; i < edges.size(); ++i) {
      const std::string ip = item(ep, i);
      if (!edges[i].is_array() || edges[i].size() != 2) r.fail(ip, "expected a pair [a, b] of server names");
      std::string a = r.string(edges[i][0], item(ip, 0)), b = r.string(edges[i][1], item(ip, 1));
      for (auto [name, k] : {std::pair{&a, 0}, std::pair{&b, 1}}) {
        if (!seen.count(*name)) r.fail(item(ip, static_cast<std::size_t>(k)), "no server named '" + *name + "' in topology.nodes");
      }
      if (a == b) r.fail(ip, "a link must join two different servers");
      if (!links.insert(std::minmax(a, b)).second) r.fail(ip, "duplicate link " + a + "-" + b);
      t.edges.emplace_back(std::move(a), std::move(b));
    }
  }
  return t;
}

// Resolves a server name against the topology (fast for generated "n<i>").
class Names {
 public:
  Names(const Reader& r, const TopologySpec& t) : r_(r), t_(t) {
    if (!t.generated()) {
      auto names = node_names(t);
      for (auto& n : names) set_.insert(std::move(n));
      if (t.kind == "preset") {
        for (const auto& [a, b] : find_preset(t.preset)->links) links_.insert(std::minmax(a, b));
      } else {
        for (const auto& [a, b] : t.edges) links_.insert(std::minmax(a, b));
      }
    }
  }
  std::string node(const json& j, const std::string& path) const {
    std::string name = r_.string(j, path);
    if (!known(name)) {
      const std::string hint = t_.generated() ? " (generated servers are n0 .. n" + std::to_string(t_.n - 1) + ")" : "";
      r_.fail(path, "no server named '" + name + "' in the topology" + hint);
    }
    return name;
  }
  // A link given as [a, b]. Links of generated graphs are checked at run time.
  std::pair<std::string, std::string> link(const json& j, const std::string& path) const {
    if (!j.is_array() || j.size() != 2) r_.fail(path, "expected a pair [a, b] of server names");
    std::string a = node(j[0], item(path, 0)), b = node(j[1], item(path, 1));
    if (a == b) r_.fail(path, "a link joins two different servers");
    if (!t_.generated() && !links_.count(std::minmax(a, b)))
      r_.fail(path, "no link " + a + "-" + b + " in the topology");
    return {a, b};
  }

 private:
  bool known(const std::string& name) const {
    if (!t_.generated()) return set_.count(name) > 0;
    if (name.size() < 2 || name[0] != 'n' || (name[1] == '0' && name.size() > 2)) return false;
    std::uint64_t v = 0;
    for (std::size_t i = 1; i < name.size(); ++i) {
      if (name[i] < '0' || name[i] > '9' || i > 9) return false;
      v = v * 10 + static_cast<std::uint64_t>(name[i] - '0');
    }
    return v < t_.n;
  }
  const Reader& r_;
  const TopologySpec& t_;
  std::set<std::string> set_;
  std::set<std::pair<std::string, std::string>> links_;
};

Scenario read_scenario(const Reader& r, const json& j) {
  r.object(j, "", {"name", "description", "seed", "seeds", "duration", "topology", "strategy", "network",
                   "clients", "clock_skew", "faults", "metrics", "sweep"});
  Scenario s;
  s.file = r.file();
  s.name = r.string(r.required(j, "", "name"), "name");
  if (s.name.empty()) r.fail("name", "must not be empty");
  if (auto* d = Reader::optional(j, "description")) s.description = r.string(*d, "description");

  const json* seed = Reader::optional(j, "seed");
  const json* seeds = Reader::optional(j, "seeds");
  if (seed && seeds) r.fail("seeds", "give either seed or seeds, not both");
  if (seed) s.seeds.push_back(r.uint(*seed, "seed", 0, UINT64_MAX));
  if (seeds) {
    if (!seeds->is_array() || seeds->empty()) r.fail("seeds", "expected a non-empty array of whole numbers");
    for (std::size_t i = 0; i < seeds->size(); ++i) s.seeds.push_back(r.uint((*seeds)[i], item("seeds", i), 0, UINT64_MAX));
  }
  if (s.seeds.empty()) s.seeds.push_back(1);

  s.duration = r.duration(r.required(j, "", "duration"), "duration");
  if (s.duration <= 0) r.fail("duration", "must be positive");
  s.topology = read_topology(r, r.required(j, "", "topology"), "topology");
  const Names names(r, s.topology);

  if (auto* st = Reader::optional(j, "strategy")) {
    if (st->is_string()) {
      s.strategy = r.choice(*st, "strategy", {"flooding", "gossip"});
    } else {
      r.object(*st, "strategy", {"name", "fanout"});
      s.strategy = r.choice(r.required(*st, "strategy", "name"), "strategy.name", {"flooding", "gossip"});
      if (auto* f = Reader::optional(*st, "fanout")) {
        if (s.strategy != "gossip") r.fail("strategy.fanout", "only the gossip strategy takes a fanout");
        s.gossip_fanout = static_cast<std::uint32_t>(r.uint(*f, "strategy.fanout", 1, 1000));
      }
    }
  }

  if (auto* net = Reader::optional(j, "network")) {
    r.object(*net, "network", {"latency", "loss", "links", "places_delay"});
    if (auto* l = Reader::optional(*net, "latency")) s.network.latency = r.latency(*l, "network.latency");
    if (auto* l = Reader::optional(*net, "loss")) s.network.loss = r.number(*l, "network.loss", 0, 1);
    if (auto* l = Reader::optional(*net, "places_delay")) s.network.places_delay = r.latency(*l, "network.places_delay");
    if (auto* links = Reader::optional(*net, "links")) {
      if (!links->is_array()) r.fail("network.links", "expected an array of link settings");
      for (std::size_t i = 0; i < links->size(); ++i) {
        const std::string p = item("network.links", i);
        const json& lj = (*links)[i];
        r.object(lj, p, {"between", "latency", "loss"});
        LinkOverride o;
        o.field = p;
        std::tie(o.a, o.b) = names.link(r.required(lj, p, "between"), child(p, "between"));
        if (auto* l = Reader::optional(lj, "latency")) o.latency = r.latency(*l, child(p, "latency"));
        if (auto* l = Reader::optional(lj, "loss")) o.loss = r.number(*l, child(p, "loss"), 0, 1);
        if (!o.latency && !o.loss) r.fail(p, "a link setting needs latency or loss");
        s.network.links.push_back(std::move(o));
      }
    }
  }

  if (auto* c = Reader::optional(j, "clients")) {
    const std::string p = "clients";
    r.object(*c, p, {"count", "report_interval", "arrival", "servers", "start", "stop", "reads_per_report",
                     "radius_km", "max_places"});
    auto& cs = s.clients;
    if (auto* v = Reader::optional(*c, "count")) cs.count = static_cast<std::uint32_t>(r.uint(*v, child(p, "count"), 0, 10'000'000));
    if (auto* v = Reader::optional(*c, "report_interval")) {
      cs.report_interval = r.duration(*v, child(p, "report_interval"));
      if (cs.report_interval <= 0) r.fail(child(p, "report_interval"), "must be positive");
    }
    if (auto* v = Reader::optional(*c, "arrival")) cs.poisson = r.choice(*v, child(p, "arrival"), {"periodic", "poisson"}) == "poisson";
    if (auto* v = Reader::optional(*c, "servers")) cs.moving = r.choice(*v, child(p, "servers"), {"fixed", "moving"}) == "moving";
    if (auto* v = Reader::optional(*c, "start")) cs.start = r.duration(*v, child(p, "start"));
    if (auto* v = Reader::optional(*c, "stop")) cs.stop = r.duration(*v, child(p, "stop"));
    if (cs.start > s.duration) r.fail(child(p, "start"), "is after the scenario's duration");
    if (cs.stop && *cs.stop < cs.start) r.fail(child(p, "stop"), "is before clients.start");
    if (auto* v = Reader::optional(*c, "reads_per_report")) cs.reads_per_report = r.number(*v, child(p, "reads_per_report"), 0, 100);
    if (auto* v = Reader::optional(*c, "radius_km")) cs.radius_km = static_cast<int>(r.uint(*v, child(p, "radius_km"), 1, 50));
    if (auto* v = Reader::optional(*c, "max_places")) cs.max_places = static_cast<int>(r.uint(*v, child(p, "max_places"), 1, 20));
  }

  if (auto* k = Reader::optional(j, "clock_skew")) {
    r.object(*k, "clock_skew", {"max", "nodes"});
    if (auto* v = Reader::optional(*k, "max")) s.skew.max = r.duration(*v, "clock_skew.max");
    if (auto* v = Reader::optional(*k, "nodes")) {
      if (!v->is_object()) r.fail("clock_skew.nodes", "expected an object {\"server\": \"skew\"}");
      for (const auto& [name, value] : v->items()) {
        const std::string p = child("clock_skew.nodes", name);
        names.node(json(name), p);
        s.skew.nodes.emplace_back(name, r.duration(value, p, true));
      }
    }
  }

  if (auto* f = Reader::optional(j, "faults")) {
    if (!f->is_array()) r.fail("faults", "expected an array of faults");
    for (std::size_t i = 0; i < f->size(); ++i) {
      const std::string p = item("faults", i);
      const json& fj = (*f)[i];
      if (!fj.is_object()) r.fail(p, "expected an object, got " + type_name(fj));
      FaultSpec fs;
      fs.field = p;
      fs.kind = r.choice(r.required(fj, p, "kind"), child(p, "kind"),
                         {"link_cut", "link_restore", "partition", "heal", "crash", "restart"});
      if (fs.kind == "link_cut" || fs.kind == "link_restore") {
        r.object(fj, p, {"at", "kind", "link"});
        std::tie(fs.a, fs.b) = names.link(r.required(fj, p, "link"), child(p, "link"));
      } else if (fs.kind == "crash" || fs.kind == "restart") {
        r.object(fj, p, {"at", "kind", "node"});
        fs.a = names.node(r.required(fj, p, "node"), child(p, "node"));
      } else if (fs.kind == "heal") {
        r.object(fj, p, {"at", "kind", "name"});
        fs.name = r.string(r.required(fj, p, "name"), child(p, "name"));
      } else {
        r.object(fj, p, {"at", "kind", "name", "groups"});
        fs.name = r.string(r.required(fj, p, "name"), child(p, "name"));
        const json& g = r.required(fj, p, "groups");
        const std::string gp = child(p, "groups");
        if (!g.is_array() || g.empty()) r.fail(gp, "expected a non-empty array of server-name arrays");
        std::set<std::string> placed;
        for (std::size_t gi = 0; gi < g.size(); ++gi) {
          const std::string ggp = item(gp, gi);
          if (!g[gi].is_array() || g[gi].empty()) r.fail(ggp, "expected a non-empty array of server names");
          std::vector<std::string> group;
          for (std::size_t ni = 0; ni < g[gi].size(); ++ni) {
            std::string name = names.node(g[gi][ni], item(ggp, ni));
            if (!placed.insert(name).second) r.fail(item(ggp, ni), "server '" + name + "' is in two groups");
            group.push_back(std::move(name));
          }
          fs.groups.push_back(std::move(group));
        }
      }
      fs.at = r.duration(r.required(fj, p, "at"), child(p, "at"));
      if (fs.at > s.duration) r.fail(child(p, "at"), "is after the scenario's duration");
      s.faults.push_back(std::move(fs));
    }
    std::stable_sort(s.faults.begin(), s.faults.end(),
                     [](const FaultSpec& a, const FaultSpec& b) { return a.at < b.at; });
    // The timeline must make sense: heal an active partition, restart a crashed node.
    std::set<std::string> active, crashed;
    for (const auto& fs : s.faults) {
      if (fs.kind == "partition" && !active.insert(fs.name).second)
        r.fail(child(fs.field, "name"), "partition '" + fs.name + "' is already active at that time");
      if (fs.kind == "heal" && !active.erase(fs.name))
        r.fail(child(fs.field, "name"), "no partition named '" + fs.name + "' is active at that time");
      if (fs.kind == "crash" && !crashed.insert(fs.a).second)
        r.fail(child(fs.field, "node"), "server '" + fs.a + "' is already crashed at that time");
      if (fs.kind == "restart" && !crashed.erase(fs.a))
        r.fail(child(fs.field, "node"), "server '" + fs.a + "' is not crashed at that time");
    }
  }

  if (auto* m = Reader::optional(j, "metrics")) {
    r.object(*m, "metrics", {"sample_first", "sample_every", "coverage_interval", "max_reads"});
    if (auto* v = Reader::optional(*m, "sample_first")) s.metrics.sample_first = r.uint(*v, "metrics.sample_first", 0, UINT64_MAX);
    if (auto* v = Reader::optional(*m, "sample_every")) s.metrics.sample_every = r.uint(*v, "metrics.sample_every", 0, UINT64_MAX);
    if (auto* v = Reader::optional(*m, "coverage_interval")) {
      s.metrics.coverage_interval = r.duration(*v, "metrics.coverage_interval");
      if (*s.metrics.coverage_interval <= 0) r.fail("metrics.coverage_interval", "must be positive");
      if (s.duration / *s.metrics.coverage_interval > 1'000'000)
        r.fail("metrics.coverage_interval", "would take more than 1,000,000 samples");
    }
    if (auto* v = Reader::optional(*m, "max_reads")) s.metrics.max_reads = r.uint(*v, "metrics.max_reads", 0, UINT64_MAX);
  }
  s.json = j.dump();
  return s;
}

// Sets the value at a dotted path ("network.loss", "faults.1.at"), which must exist.
void substitute(const Reader& r, json& doc, const std::string& path, const json& value, const std::string& field) {
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
  const Reader r(file);
  json doc;
  try {
    doc = parse_strict_json(text);
  } catch (const JsonPathError& e) {
    r.fail(e.path(), e.what());
  } catch (const JsonSyntaxError& e) {
    r.fail("", e.what());
  }
  if (!doc.is_object()) r.fail("", "a scenario is a JSON object, got " + type_name(doc));
  const json* sweep = Reader::optional(doc, "sweep");
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
    if (!values.is_array() || values.empty()) r.fail(child("sweep", path), "expected a non-empty array of values");
    if (path == "sweep" || path.rfind("sweep.", 0) == 0 || path == "seed" || path == "seeds")
      r.fail(child("sweep", path), "cannot sweep this field");
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
      substitute(r, variant, axes[a].first, v, child("sweep", axes[a].first));
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
  std::string text;
  try {
    text = read_text_file(path);
  } catch (const FileReadError& e) {
    throw ScenarioError(path, "", std::string("cannot open the file: ") + e.what());
  }
  return parse_scenario_text(text, path);
}

}  // namespace herd::sim
