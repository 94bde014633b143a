#pragma once
// Inside results/: appends a run to an open connection, as write_run does to
// a file — so a run can be written to an in-memory database (":memory:") and
// compared with a golden file through the same SQL (results/golden.cpp).
#include <cstdint>

#include "kit/sqlite_db.h"
#include "results/run_record.h"

namespace herd::results {

// Configures the connection, creates or checks the schema and inserts `rec`
// in one transaction. Returns the new run's id. Throws std::runtime_error.
std::int64_t append_run(sqlite::Db& db, const RunRecord& rec);

}  // namespace herd::results
