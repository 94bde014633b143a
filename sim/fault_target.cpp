#include "sim/fault_target.h"

#include <unordered_map>

namespace herd::sim {

std::string fault_target(const FaultSpec& f) {
  if (f.kind == "link_cut" || f.kind == "link_restore") return f.a + "-" + f.b;
  if (f.kind == "heal") return f.name;
  if (f.kind != "partition") return f.a;
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
