#pragma once
// Helpers for the simulator's run-level tests.
#include <string>

#include "results/run_record.h"
#include "harness/sim_run.h"
#include "sim/scenario_loader.h"

namespace herd::simtest {

// Every field of a RunRecord as text, except the wall-clock ones
// (summary.wall_seconds, summary.peak_rss_bytes).
std::string canonical(const results::RunRecord& r);

// Every row of every table of an SQLite file as text, except the wall-clock
// columns (runs.created_at, summary.wall_seconds, summary.peak_rss_bytes).
std::string dump_db(const std::string& path);

// Parses `json` (one scenario, no sweep) and runs it with its first seed.
harness::RunOutcome run_text(const std::string& json, const harness::RunOptions& options = {});

}  // namespace herd::simtest
