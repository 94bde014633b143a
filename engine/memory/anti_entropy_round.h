#pragma once
// What one anti-entropy round costs between two servers (the figures of
// bench/README.md, "Anti-entropy", and the cost bounds of the tests):
// two nodes on the in-memory driver, flooding with anti-entropy, each
// table restored with the same `clients` reports except `different` of
// them (half newer on each side); one round from node 0, run to the end.
#include <cstddef>
#include <cstdint>

namespace herd::memory {

struct RoundCost {
  std::uint64_t messages = 0;  // peer messages of every kind
  std::uint64_t bytes = 0;     // their text lines with '\n' (the size model)
  std::uint64_t repairs = 0;   // of them, reports sent (AE-REPAIR)
  bool converged = false;      // both tables hold the same reports after it
};

RoundCost measure_anti_entropy_round(std::size_t clients, std::size_t different);

}  // namespace herd::memory
