#pragma once
// Shrinking a scenario that breaks an invariant, as QuickCheck and
// TigerBeetle's VOPR do: try smaller variants (fewer faults, clients and
// servers, a shorter run, a simpler network) and keep each one that still
// breaks the same invariant, until none does or the budget of runs is spent.
#include <cstddef>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace herd::explore {

struct ShrinkResult {
  nlohmann::json scenario;  // the smallest variant found
  std::size_t runs = 0;     // scenarios tried
  std::size_t steps = 0;    // reductions kept
};

// `breaks(s)` says whether `s` still breaks the invariant (an invalid
// variant counts as not breaking it).
ShrinkResult shrink(nlohmann::json scenario, const std::function<bool(const nlohmann::json&)>& breaks,
                    std::size_t max_runs = 300);

}  // namespace herd::explore
