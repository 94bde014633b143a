#pragma once
// What a scenario asks for as its topology, before it is generated: a
// five-server preset, an explicit edge list, or a seeded generated graph.
// Read from scenario files by sim/scenario_topology.cpp; built into a
// Topology by generate_topology (topology/topology_gen.h).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace herd {

struct TopologySpec {
  // "preset", "ring", "grid", "complete", "random_tree", "erdos_renyi",
  // "small_world", "scale_free" or "edges".
  std::string kind;
  std::string preset;      // kind == "preset"
  std::uint32_t n = 0;     // generated kinds (grid: rows * cols)
  std::uint32_t rows = 0, cols = 0;
  std::uint32_t k = 0;     // small_world: each node's initial ring neighbours (even)
  std::uint32_t m = 0;     // scale_free: links each new node brings
  double p = 0;            // erdos_renyi: link probability; small_world: rewiring probability
  std::vector<std::string> nodes;                              // kind == "edges"
  std::vector<std::pair<std::string, std::string>> edges;      // kind == "edges"
  // A generated graph with several components: true joins them with extra
  // links (see topology_gen.h); false rejects the run.
  bool connect = true;

  bool generated() const { return kind != "preset" && kind != "edges"; }
};

// Names of a topology's servers before it is generated: preset or edge-list
// names, or "n0" .. "n<N-1>" for generated kinds.
std::vector<std::string> node_names(const TopologySpec& spec);

}  // namespace herd
