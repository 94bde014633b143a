#pragma once
// The metrics store: one SQLite file holds any number of runs (schema in
// docs/results-schema.md), and the plots drawn from it. No SQLite or gnuplot
// headers here.
#include <cstdint>
#include <string>
#include <vector>

#include "results/run_record.h"

namespace herd::results {

// Opens (creating if needed) the SQLite file at `db_path`, creates or checks
// the schema, and appends `rec` as one new run in a single transaction (a
// failure leaves earlier runs untouched). Returns the new run's id.
// Throws std::runtime_error naming the file and the reason on failure.
std::int64_t write_run(const std::string& db_path, const RunRecord& rec);

// Draws every plot the runs in `db_path` support into `dir` (created if
// needed): convergence-time CDF per run/strategy, coverage over time, and,
// when runs differ in a sweep parameter, convergence time against it.
// Returns the paths written. Throws std::runtime_error on failure.
std::vector<std::string> plot_all(const std::string& db_path, const std::string& dir);

}  // namespace herd::results
