#include "topology/topology_spec.h"

#include "topology/presets.h"

namespace herd {

std::vector<std::string> node_names(const TopologySpec& spec) {
  if (spec.kind == "preset") return find_preset(spec.preset)->servers;
  if (spec.kind == "edges") return spec.nodes;
  std::vector<std::string> names;
  names.reserve(spec.n);
  for (std::uint32_t i = 0; i < spec.n; ++i) names.push_back("n" + std::to_string(i));
  return names;
}

}  // namespace herd
