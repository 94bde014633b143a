#pragma once
// A scenario's faults as the harness applies them: resolved once against the
// topology (names to indices, a typed kind), and the state they leave behind
// — which links are open, which servers are up, and the components that
// makes. The simulator and live servers get the same state from the same
// code; a world only carries it out (world.h).
#include <cstdint>
#include <string>
#include <vector>

#include "topology/topology.h"
#include "herd/types.h"
#include "sim/scenario.h"

namespace herd::harness {

using sim::FaultKind;

struct Fault {
  Nanos at = 0;
  FaultKind kind = FaultKind::LinkCut;
  std::string target;     // the faults row's target (sim::fault_target)
  std::size_t link = 0;   // LinkCut, LinkRestore: index into topology.links
  std::uint32_t node = 0;  // Crash, Restart
  std::string name;       // Partition, Heal
  std::vector<std::uint32_t> group_of;  // Partition: each server's group
};

// The index of the link a–b that the scenario's field `field` names; throws
// sim::ScenarioError naming that field if the topology (generated with
// `seed`) lacks it.
std::size_t scenario_link(const sim::Scenario& s, const Topology& topo, std::uint64_t seed, const std::string& a,
                          const std::string& b, const std::string& field);

// Throws sim::ScenarioError naming the fault's field for a link the topology
// lacks (a generated one: `seed` says which).
std::vector<Fault> resolve_faults(const sim::Scenario& s, const Topology& topo, std::uint64_t seed);

class FaultState {
 public:
  explicit FaultState(const Topology& topo);

  // Applies a link fault (cut, restore, partition, heal) and returns the
  // links whose open bit changed, in index order. Partitions stack: a link is
  // open when it is not cut and no active partition separates its ends.
  // Healing a partition that is not active changes nothing.
  std::vector<std::size_t> apply_link_fault(const Fault& f);
  bool open(std::size_t link) const { return !links_[link].cut && links_[link].blocked == 0; }

  bool up(std::uint32_t n) const { return up_[n]; }
  void set_up(std::uint32_t n, bool up) { up_[n] = up; }

  // Component label of every server over the open links between servers that
  // are up; a server that is down is alone. A label is the smallest server
  // index in its component, so labels are deterministic.
  std::vector<std::uint32_t> components() const;

 private:
  struct Link {
    std::uint32_t a = 0, b = 0;
    std::uint16_t blocked = 0;  // active partitions separating a and b
    bool cut = false;
  };
  struct Partition {
    std::string name;
    std::vector<std::uint32_t> group_of;
  };
  std::vector<Link> links_;
  std::vector<bool> up_;
  std::vector<Partition> partitions_;
};

}  // namespace herd::harness
