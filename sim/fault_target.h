#pragma once
// What the simulator and `herd live` both need from a fault spec, so the two
// record and apply it identically (their faults rows are compared).
#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "sim/scenario.h"

namespace herd::sim {

// "link_cut", "link_restore", "partition", "heal", "crash", "restart": how
// scenarios and the faults rows spell a kind.
const char* fault_kind_name(FaultKind kind);
// The kind a scenario's spelling names, if any.
std::optional<FaultKind> parse_fault_kind(std::string_view name);

// The faults row's target: "A-B" for a link, "name:[[A,B],[C]]" for a
// partition, the partition's name for a heal, the server for crash/restart.
std::string fault_target(const FaultSpec& f);

// For a partition: each server's group (index into f.groups); servers it
// does not list form one more group of their own. `names` are the servers
// in topology order; every listed name must be among them (the loader
// checks).
std::vector<std::uint32_t> partition_groups(const FaultSpec& f, const std::vector<std::string>& names);

}  // namespace herd::sim
