#pragma once
// What the simulator and `herd live` both need from a fault spec, so the two
// record and apply it identically (their faults rows are compared).
#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario.h"

namespace herd::sim {

// The faults row's target: "A-B" for a link, "name:[[A,B],[C]]" for a
// partition, the partition's name for a heal, the server for crash/restart.
std::string fault_target(const FaultSpec& f);

// For a partition: each server's group (index into f.groups); servers it
// does not list form one more group of their own. `names` are the servers
// in topology order; every listed name must be among them (the loader
// checks).
std::vector<std::uint32_t> partition_groups(const FaultSpec& f, const std::vector<std::string>& names);

}  // namespace herd::sim
