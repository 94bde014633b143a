#include "explore/scenario_draw.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/virtual/random.h"

namespace herd::explore {

namespace {

using json = nlohmann::json;

std::string ms(std::uint64_t v) { return std::to_string(v) + "ms"; }

// A topology and the names its servers will have; links are known only for
// an explicit edge list (generated graphs pick their own).
struct DrawnTopology {
  json spec;
  std::vector<std::string> names;
  std::vector<std::pair<std::size_t, std::size_t>> links;  // empty unless "edges"
};

DrawnTopology draw_topology(virt::Rng& rng, std::uint32_t max_servers) {
  const auto n = static_cast<std::uint32_t>(2 + rng.below(std::max<std::uint32_t>(max_servers, 2) - 1));
  DrawnTopology t;
  auto generated = [&](std::uint32_t count) {
    for (std::uint32_t i = 0; i < count; ++i) t.names.push_back("n" + std::to_string(i));
  };
  switch (n < 3 ? 0 : rng.below(7)) {
    case 0: {  // a random tree plus a few extra links: the only kind with named links
      for (std::uint32_t i = 0; i < n; ++i) t.names.push_back("s" + std::to_string(i));
      std::set<std::pair<std::size_t, std::size_t>> edges;
      for (std::size_t i = 1; i < n; ++i) edges.insert({rng.below(i), i});
      for (std::uint64_t extra = rng.below(n); extra > 0; --extra) {
        const std::size_t a = rng.below(n), b = rng.below(n);
        if (a != b) edges.insert({std::min(a, b), std::max(a, b)});
      }
      t.links.assign(edges.begin(), edges.end());
      json list = json::array();
      for (const auto& [a, b] : t.links) list.push_back({t.names[a], t.names[b]});
      t.spec = {{"kind", "edges"}, {"nodes", t.names}, {"edges", list}};
      return t;
    }
    case 1: t.spec = {{"kind", "ring"}, {"n", n}}; break;
    case 2: t.spec = {{"kind", "complete"}, {"n", n}}; break;
    case 3: t.spec = {{"kind", "random_tree"}, {"n", n}}; break;
    case 4: {
      const std::uint32_t rows = 1 + static_cast<std::uint32_t>(rng.below(std::min<std::uint32_t>(n, 4)));
      const std::uint32_t cols = std::max<std::uint32_t>(2, n / rows);
      t.spec = {{"kind", "grid"}, {"rows", rows}, {"cols", cols}};
      generated(rows * cols);
      return t;
    }
    case 5: t.spec = {{"kind", "erdos_renyi"}, {"n", n}, {"p", 0.2 + 0.1 * static_cast<double>(rng.below(6))}}; break;
    default:
      if (n >= 5) {
        t.spec = {{"kind", "small_world"}, {"n", n}, {"k", 2 + 2 * rng.below(std::min<std::uint32_t>(2, (n - 2) / 2))},
                  {"p", 0.1 * static_cast<double>(rng.below(6))}};
      } else {
        t.spec = {{"kind", "scale_free"}, {"n", n}, {"m", 1 + rng.below(std::min<std::uint32_t>(2, n - 1))}};
      }
  }
  generated(n);
  return t;
}

json draw_latency(virt::Rng& rng, std::uint64_t& constant_ms) {
  const std::uint64_t base = 1 + rng.below(20);
  constant_ms = 0;
  switch (rng.below(4)) {
    case 0: constant_ms = base; return {{"model", "constant"}, {"value", ms(base)}};
    case 1: return {{"model", "uniform"}, {"min", ms(base)}, {"max", ms(base + 1 + rng.below(20))}};
    case 2: return {{"model", "exponential"}, {"mean", ms(base)}};
    default: return {{"model", "pareto"}, {"scale", ms(base)}, {"shape", 1.5 + 0.5 * static_cast<double>(rng.below(4))}};
  }
}

json draw_strategy(virt::Rng& rng) {
  json s;
  switch (rng.below(3)) {
    case 0: s = {{"name", "flooding"}}; break;
    case 1: s = {{"name", "gossip"}, {"fanout", 1 + rng.below(3)}}; break;
    default: s = {{"name", "plumtree"}, {"graft_timeout", ms(20 + 20 * rng.below(5))}}; break;
  }
  if (rng.below(2)) s["anti_entropy"] = {{"interval", ms(100 + 50 * rng.below(4))}};
  return s;
}

}  // namespace

json draw_scenario(std::uint64_t seed, const DrawOptions& options) {
  virt::Rng rng(virt::derive_seed(seed, 0xE7'9104E));
  DrawnTopology topo = draw_topology(rng, options.max_servers);
  const std::size_t n = topo.names.size();
  const bool clean = rng.below(4) == 0;
  json s;
  s["name"] = "explore-" + std::to_string(seed);
  s["seed"] = seed;
  s["topology"] = topo.spec;
  s["strategy"] = options.strategy ? *options.strategy : (clean ? json{{"name", "flooding"}} : draw_strategy(rng));
  std::uint64_t constant_ms = 0;
  json latency = draw_latency(rng, constant_ms);
  if (clean && constant_ms == 0) {
    constant_ms = 1 + rng.below(20);
    latency = {{"model", "constant"}, {"value", ms(constant_ms)}};
  }
  s["network"] = {{"latency", latency}, {"loss", clean || rng.below(2) ? 0.0 : static_cast<double>(rng.below(31)) / 100}};
  if (!clean && rng.below(3) == 0) s["clock_skew"] = {{"max", ms(1 + rng.below(100))}};

  // Faults, all over by `last`; each crashed server restarts, each partition heals.
  json faults = json::array();
  std::uint64_t last = 0;
  if (!clean) {
    std::vector<bool> crashed_ever(n, false);
    const std::uint64_t count = rng.below(5);
    for (std::uint64_t f = 0; f < count; ++f) {
      const std::uint64_t from = 200 + rng.below(3000), to = from + 100 + rng.below(2000);
      last = std::max(last, to);
      const std::uint64_t kind = rng.below(3);
      if (kind == 0 && !topo.links.empty()) {
        const auto [a, b] = topo.links[rng.below(topo.links.size())];
        const json link = {topo.names[a], topo.names[b]};
        faults.push_back({{"at", ms(from)}, {"kind", "link_cut"}, {"link", link}});
        faults.push_back({{"at", ms(to)}, {"kind", "link_restore"}, {"link", link}});
      } else if (kind <= 1) {
        json group = json::array();
        for (std::size_t i = 0; i < n; ++i)
          if (rng.below(2)) group.push_back(topo.names[i]);
        if (group.empty()) group.push_back(topo.names[0]);
        if (group.size() == n) group.erase(group.begin());
        const std::string name = "p" + std::to_string(f);
        faults.push_back({{"at", ms(from)}, {"kind", "partition"}, {"name", name}, {"groups", json::array({group})}});
        faults.push_back({{"at", ms(to)}, {"kind", "heal"}, {"name", name}});
      } else {
        const std::size_t v = rng.below(n);
        if (crashed_ever[v]) continue;  // one crash per server keeps the timeline valid
        crashed_ever[v] = true;
        faults.push_back({{"at", ms(from)}, {"kind", "crash"}, {"node", topo.names[v]}});
        faults.push_back({{"at", ms(to)}, {"kind", "restart"}, {"node", topo.names[v]}});
      }
    }
  }
  s["faults"] = faults;

  // Clients report until the faults are over (at least a second); clean
  // scenarios space reports so far apart that no report overtakes another.
  const std::uint64_t stop = std::max<std::uint64_t>(last, 1000);
  const std::uint64_t interval = clean ? constant_ms * (n + 2) + 100 : 50 + 50 * rng.below(10);
  s["clients"] = {{"count", 1 + rng.below(8)},
                  {"report_interval", ms(interval)},
                  {"servers", rng.below(2) ? "moving" : "fixed"},
                  {"reads_per_report", clean ? 0.0 : 0.5 * static_cast<double>(rng.below(3))},
                  {"stop", ms(stop)}};
  if (!clean && rng.below(3) == 0) s["clients"]["arrival"] = "poisson";
  s["duration"] = ms(stop + options.settle_ms);
  // Every update's deliveries are recorded: the invariants read them.
  s["metrics"] = {{"coverage_interval", "100ms"}, {"sample_first", 1000000}};
  return s;
}

}  // namespace herd::explore
