#pragma once
// The summary table `herd sim` prints after its runs: one row per run.
#include <string>
#include <vector>

#include "results/run_record.h"

namespace herd::sim {

// "12.5ms"-style text for a nanosecond figure, "-" for none.
std::string format_ms(const std::optional<Nanos>& v);

std::string summary_table(const std::vector<results::RunRecord>& runs);

}  // namespace herd::sim
