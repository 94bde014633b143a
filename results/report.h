#pragma once
// `herd report`: the runs of a results file and their summaries, as a text
// table or as JSON. No SQLite or JSON headers here.
#include <string>
#include <vector>

#include "results/reader.h"

namespace herd::results {

// One row per run: id, mode, scenario, strategy, seed, sweep point, then
// every summary figure (results/summary_figures.h) formatted for reading.
std::string report_table(const std::vector<StoredRun>& runs);

// A JSON array, one object per run: the run's `runs` columns (sweep_point as
// an object) and "summary": every `summary` column by name, unformatted
// (integers as integers, NULL as null). Ends with a newline.
std::string report_json(const std::vector<StoredRun>& runs);

}  // namespace herd::results
