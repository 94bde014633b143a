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

// Checks before any run that write_run could append to `db_path` as far as
// the file's contents go: it is missing, empty, or a herd results file of
// this schema version. Throws std::runtime_error naming the file (and both
// versions) otherwise, so a run is not wasted on a file it cannot go into.
// Whether the location is writable is left to write_run.
void check_appendable(const std::string& db_path);

// Draws every plot the runs in `db_path` support into `dir` (created if
// needed): convergence-time CDF per run/strategy, coverage over time, and,
// when runs differ in a sweep parameter, convergence time against it.
// Returns the paths written. Throws std::runtime_error on failure.
std::vector<std::string> plot_all(const std::string& db_path, const std::string& dir);

}  // namespace herd::results
