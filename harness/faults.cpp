#include "harness/faults.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "sim/fault_target.h"
#include "sim/scenario_error.h"

namespace herd::harness {

std::size_t scenario_link(const sim::Scenario& s, const Topology& topo, std::uint64_t seed, const std::string& a,
                          const std::string& b, const std::string& field) {
  const auto ia = topo.index_of(a), ib = topo.index_of(b);
  const auto li = ia && ib ? topo.link_index(*ia, *ib) : std::nullopt;
  if (!li)
    throw sim::ScenarioError(s.file, field, "no link " + a + "-" + b + " in the generated topology (seed " +
                                                std::to_string(seed) + ")");
  return *li;
}

std::vector<Fault> resolve_faults(const sim::Scenario& s, const Topology& topo, std::uint64_t seed) {
  std::vector<Fault> out;
  out.reserve(s.faults.size());
  for (const sim::FaultSpec& spec : s.faults) {
    Fault f;
    f.at = spec.at;
    f.kind = spec.kind;
    f.target = sim::fault_target(spec);
    f.name = spec.name;
    switch (f.kind) {
      case FaultKind::LinkCut:
      case FaultKind::LinkRestore:
        f.link = scenario_link(s, topo, seed, spec.a, spec.b, spec.field + ".link");
        break;
      case FaultKind::Crash:
      case FaultKind::Restart: {
        const auto n = topo.index_of(spec.a);
        if (!n) throw sim::ScenarioError(s.file, spec.field + ".node", "no server '" + spec.a + "'");
        f.node = static_cast<std::uint32_t>(*n);
        break;
      }
      case FaultKind::Partition:
        f.group_of = sim::partition_groups(spec, topo.names);
        break;
      case FaultKind::Heal:
        break;
    }
    out.push_back(std::move(f));
  }
  return out;
}

FaultState::FaultState(const Topology& topo) : up_(topo.size(), true) {
  links_.reserve(topo.links.size());
  for (const auto& [a, b] : topo.links) links_.push_back({static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b)});
}

std::vector<std::size_t> FaultState::apply_link_fault(const Fault& f) {
  std::vector<bool> before(links_.size());
  for (std::size_t i = 0; i < links_.size(); ++i) before[i] = open(i);
  switch (f.kind) {
    case FaultKind::LinkCut: links_[f.link].cut = true; break;
    case FaultKind::LinkRestore: links_[f.link].cut = false; break;
    case FaultKind::Partition:
      for (auto& l : links_) l.blocked += f.group_of[l.a] != f.group_of[l.b];
      partitions_.push_back({f.name, f.group_of});
      break;
    case FaultKind::Heal: {
      const auto it = std::find_if(partitions_.begin(), partitions_.end(), [&](const Partition& p) { return p.name == f.name; });
      if (it == partitions_.end()) break;
      for (auto& l : links_) l.blocked -= it->group_of[l.a] != it->group_of[l.b];
      partitions_.erase(it);
      break;
    }
    case FaultKind::Crash:
    case FaultKind::Restart: throw std::logic_error("not a link fault");
  }
  std::vector<std::size_t> changed;
  for (std::size_t i = 0; i < links_.size(); ++i) {
    if (open(i) != before[i]) changed.push_back(i);
  }
  return changed;
}

std::vector<std::uint32_t> FaultState::components() const {
  // Union-find; a root is always the smallest index of its set.
  std::vector<std::uint32_t> parent(up_.size());
  std::iota(parent.begin(), parent.end(), 0u);
  auto find = [&](std::uint32_t v) {
    while (parent[v] != v) v = parent[v] = parent[parent[v]];
    return v;
  };
  for (std::size_t i = 0; i < links_.size(); ++i) {
    const Link& l = links_[i];
    if (!open(i) || !up_[l.a] || !up_[l.b]) continue;
    const std::uint32_t ra = find(l.a), rb = find(l.b);
    if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
  }
  for (std::uint32_t v = 0; v < parent.size(); ++v) parent[v] = find(v);
  return parent;
}

}  // namespace herd::harness
