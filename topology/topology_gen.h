#pragma once
// Builds a herd::Topology from a TopologySpec: a five-server preset, an
// explicit edge list, or a seeded generated graph (ring, 2-D grid, complete,
// random tree, Erdős–Rényi, Watts–Strogatz small world, Barabási–Albert
// scale-free). Generated servers are named n0 .. n<N-1>.
//
// Disconnected graphs: Erdős–Rényi and small-world graphs may come out in
// several components (the others are connected by construction). With
// `connect` (the default) the components are ordered by their smallest
// server index and each one's smallest server is linked to the previous
// one's — a deterministic chain of C-1 extra links, counted in
// `added_links`. Otherwise generation fails with std::invalid_argument.
//
// Boost.Graph stays inside topology_gen.cpp; this header needs none of it.
#include <cstdint>
#include <string>

#include "topology/topology.h"
#include "topology/topology_spec.h"

namespace herd {

struct GeneratedTopology {
  Topology topology;
  std::string description;      // e.g. "small_world(n=1000,k=6,p=0.1)"
  std::uint32_t components = 1; // before connecting
  std::uint32_t added_links = 0;
};

GeneratedTopology generate_topology(const TopologySpec& spec, std::uint64_t seed);

}  // namespace herd
