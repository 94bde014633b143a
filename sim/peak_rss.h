#pragma once
#include <cstdint>

namespace herd::sim {

// The process's peak resident set size in bytes (Linux VmHWM), or 0 if unknown.
std::uint64_t peak_rss_bytes();

}  // namespace herd::sim
