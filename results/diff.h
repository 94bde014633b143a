#pragma once
// `herd diff`: two runs side by side — every summary figure and every
// message kind's count — with the ratio B/A. No SQLite headers here.
#include <string>
#include <vector>

#include "results/reader.h"

namespace herd::results {

struct DiffSide {
  std::string file;  // the results file, as given
  StoredRun run;
  std::vector<MessageCount> messages;
};

// A header naming each side (file, run id, mode, scenario, strategy, seed,
// sweep point), then a table of the summary figures and a table of message
// counts by kind (A's kinds in the order written, then kinds only B has; a
// kind a run lacks counts 0, as the schema says). Ratios are B/A with three
// decimals; "-" where undefined (a NULL, or A = 0).
std::string diff_table(const DiffSide& a, const DiffSide& b);

}  // namespace herd::results
