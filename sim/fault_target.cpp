#include "sim/fault_target.h"

#include <unordered_map>

namespace herd::sim {

namespace {
constexpr const char* kKindNames[] = {"link_cut", "link_restore", "partition", "heal", "crash", "restart"};
}

const char* fault_kind_name(FaultKind kind) { return kKindNames[static_cast<std::size_t>(kind)]; }

std::optional<FaultKind> parse_fault_kind(std::string_view name) {
  for (std::size_t k = 0; k < std::size(kKindNames); ++k) {
    if (name == kKindNames[k]) return static_cast<FaultKind>(k);
  }
  return std::nullopt;
}

std::string fault_target(const FaultSpec& f) {
  switch (f.kind) {
    case FaultKind::LinkCut:
    case FaultKind::LinkRestore: return f.a + "-" + f.b;
    case FaultKind::Heal: return f.name;
    case FaultKind::Crash:
    case FaultKind::Restart: return f.a;
    case FaultKind::Partition: break;
  }
  std::string target = f.name + ":[";
  for (std::size_t g = 0; g < f.groups.size(); ++g) {
    target += g ? "],[" : "[";
    for (std::size_t k = 0; k < f.groups[g].size(); ++k) target += (k ? "," : "") + f.groups[g][k];
  }
  return target + "]]";
}

std::vector<std::uint32_t> partition_groups(const FaultSpec& f, const std::vector<std::string>& names) {
  std::unordered_map<std::string, std::uint32_t> index;  // looked up only, never iterated
  for (std::uint32_t i = 0; i < names.size(); ++i) index.emplace(names[i], i);
  std::vector<std::uint32_t> group(names.size(), static_cast<std::uint32_t>(f.groups.size()));
  for (std::uint32_t g = 0; g < f.groups.size(); ++g) {
    for (const auto& name : f.groups[g]) group[index.at(name)] = g;
  }
  return group;
}

}  // namespace herd::sim
