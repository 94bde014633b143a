#pragma once
// The results file's schema (documented in docs/results-schema.md) and the
// checks that a file is a herd results file of the version this code writes.
#include <cstdint>
#include <memory>
#include <string>

#include "kit/sqlite_db.h"

namespace herd::results {

// PRAGMA user_version of the files this code writes. Bump it whenever a table
// or column changes meaning; a file of another version is refused, never
// migrated silently.
// 2: coverage.consistency; 3: exact convergence (updates, summary).
inline constexpr std::int64_t kSchemaVersion = 3;
// PRAGMA application_id: 'HERD' in ASCII, so `file` and our own checks can tell
// a herd results file from any other SQLite database.
inline constexpr std::int64_t kApplicationId = 0x48455244;

// Columns whose values differ between two runs of the same scenario and
// seed, or say how a run was invoked rather than what it did: runs.id,
// runs.created_at, runs.code_version, runs.scenario_path (as typed on the
// command line), summary.wall_seconds, summary.peak_rss_bytes. Golden
// checks never compare them (docs/results-schema.md, "Determinism").
bool is_nondeterministic_column(const std::string& table, const std::string& column);

// Sets the per-connection pragmas (foreign keys on) for reading or writing.
void configure_connection(sqlite::Db& db);

// True for a database with nothing in it yet (a new or empty file): the
// writer gives it the schema.
bool is_blank_database(sqlite::Db& db);

// Inside a write transaction: creates the schema in an empty database, or
// checks that an existing one is a herd results file of kSchemaVersion.
// Throws std::runtime_error naming the file otherwise.
void create_or_check_schema(sqlite::Db& db);

// For readers: throws unless the file is a herd results file of kSchemaVersion.
void check_schema(sqlite::Db& db);

// Opens an existing results file read-only (never creating one), configured
// and checked by check_schema: what every reader of a results file goes
// through. Throws std::runtime_error naming the file if it is missing, a
// directory, not SQLite, not a herd results file, or of another version.
std::unique_ptr<sqlite::Db> open_results_file(const std::string& path);

}  // namespace herd::results
