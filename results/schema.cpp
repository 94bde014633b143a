#include "results/schema.h"

#include <filesystem>
#include <stdexcept>
#include <string>

namespace herd::results {

namespace {

// Times are integer nanoseconds (column suffix _ns): scenario time from the
// run's start (virtual time, or live wall time x speed); never stored as REAL,
// which would lose digits.
// Every child table's primary key starts with run_id, so reading one run is an
// index range scan and no separate run_id index is needed.
constexpr const char* kCreateSchema = R"sql(
CREATE TABLE runs (
  id               INTEGER PRIMARY KEY,
  mode             TEXT    NOT NULL,
  scenario_name    TEXT    NOT NULL,
  scenario_path    TEXT    NOT NULL,
  scenario_json    TEXT    NOT NULL,
  sweep_point_json TEXT    NOT NULL DEFAULT '{}',
  seed             INTEGER NOT NULL,
  strategy         TEXT    NOT NULL,
  topology         TEXT    NOT NULL,
  code_version     TEXT    NOT NULL,
  created_at       TEXT    NOT NULL,
  duration_ns      INTEGER NOT NULL
);
CREATE TABLE nodes (
  run_id        INTEGER NOT NULL REFERENCES runs(id),
  id            INTEGER NOT NULL,
  name          TEXT    NOT NULL,
  degree        INTEGER NOT NULL,
  clock_skew_ns INTEGER NOT NULL,
  PRIMARY KEY (run_id, id)
);
CREATE TABLE links (
  run_id  INTEGER NOT NULL REFERENCES runs(id),
  seq     INTEGER NOT NULL,
  a       INTEGER NOT NULL,
  b       INTEGER NOT NULL,
  latency TEXT    NOT NULL,
  loss    REAL    NOT NULL CHECK (loss >= 0 AND loss <= 1),
  PRIMARY KEY (run_id, seq),
  FOREIGN KEY (run_id, a) REFERENCES nodes(run_id, id),
  FOREIGN KEY (run_id, b) REFERENCES nodes(run_id, id)
);
CREATE TABLE faults (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  seq    INTEGER NOT NULL,
  at_ns  INTEGER NOT NULL,
  kind   TEXT    NOT NULL,
  target TEXT    NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE TABLE updates (
  run_id         INTEGER NOT NULL REFERENCES runs(id),
  id             INTEGER NOT NULL,
  client         TEXT    NOT NULL,
  origin         INTEGER NOT NULL,
  issued_at_ns   INTEGER NOT NULL,
  reachable      INTEGER NOT NULL,
  reached        INTEGER NOT NULL,
  convergence_ns INTEGER,
  sampled        INTEGER NOT NULL CHECK (sampled IN (0, 1)),
  exact_reached  INTEGER NOT NULL,
  exact_convergence_ns INTEGER,
  PRIMARY KEY (run_id, id),
  FOREIGN KEY (run_id, origin) REFERENCES nodes(run_id, id)
);
CREATE TABLE deliveries (
  run_id    INTEGER NOT NULL REFERENCES runs(id),
  update_id INTEGER NOT NULL,
  node      INTEGER NOT NULL,
  at_ns     INTEGER NOT NULL,
  hops      INTEGER NOT NULL,
  PRIMARY KEY (run_id, update_id, node),
  FOREIGN KEY (run_id, update_id) REFERENCES updates(run_id, id),
  FOREIGN KEY (run_id, node) REFERENCES nodes(run_id, id)
);
CREATE TABLE messages (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  kind   TEXT    NOT NULL,
  count  INTEGER NOT NULL CHECK (count >= 0),
  PRIMARY KEY (run_id, kind)
);
CREATE TABLE reads (
  run_id     INTEGER NOT NULL REFERENCES runs(id),
  id         INTEGER NOT NULL,
  at_ns      INTEGER NOT NULL,
  node       INTEGER NOT NULL,
  client     TEXT    NOT NULL,
  saw_newest INTEGER NOT NULL CHECK (saw_newest IN (0, 1)),
  PRIMARY KEY (run_id, id),
  FOREIGN KEY (run_id, node) REFERENCES nodes(run_id, id)
);
CREATE TABLE coverage (
  run_id   INTEGER NOT NULL REFERENCES runs(id),
  seq      INTEGER NOT NULL,
  at_ns    INTEGER NOT NULL,
  coverage REAL    NOT NULL,
  consistency REAL NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE TABLE summary (
  run_id              INTEGER PRIMARY KEY REFERENCES runs(id),
  updates             INTEGER NOT NULL,
  converged_updates   INTEGER NOT NULL,
  convergence_p50_ns  INTEGER,
  convergence_p90_ns  INTEGER,
  convergence_p99_ns  INTEGER,
  convergence_max_ns  INTEGER,
  exact_converged_updates  INTEGER NOT NULL,
  exact_convergence_p50_ns INTEGER,
  exact_convergence_p90_ns INTEGER,
  exact_convergence_p99_ns INTEGER,
  exact_convergence_max_ns INTEGER,
  coverage            REAL    NOT NULL,
  messages_per_update REAL    NOT NULL,
  duplicate_ratio     REAL    NOT NULL,
  reads               INTEGER NOT NULL,
  stale_read_fraction REAL    NOT NULL,
  events_processed    INTEGER NOT NULL,
  wall_seconds        REAL    NOT NULL,
  peak_rss_bytes      INTEGER NOT NULL
);
)sql";

std::int64_t table_count(sqlite::Db& db) {
  return db.query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'table'");
}

void check_ids(sqlite::Db& db, std::int64_t app, std::int64_t version) {
  if (app != kApplicationId)
    db.fail("not a herd results file (SQLite application_id " + std::to_string(app) + ", expected " +
            std::to_string(kApplicationId) + ")");
  if (version == kSchemaVersion) return;
  // Say which way the versions differ: the remedy differs (re-run with this
  // herd, or read the file with the newer herd that wrote it).
  const std::string file_version = "results schema version " + std::to_string(version);
  const std::string ours = "version " + std::to_string(kSchemaVersion);
  if (version < kSchemaVersion)
    db.fail(file_version + " is older than " + ours +
            ", the one this herd reads and writes; re-run to write a new results file");
  db.fail(file_version + " is newer than " + ours +
          ", the one this herd reads and writes; read it with the herd that wrote it, or use a new results file");
}

}  // namespace

bool is_nondeterministic_column(const std::string& table, const std::string& column) {
  if (table == "runs") return column == "id" || column == "created_at" || column == "code_version" || column == "scenario_path";
  if (table == "summary") return column == "wall_seconds" || column == "peak_rss_bytes";
  return false;
}

void configure_connection(sqlite::Db& db) {
  // Foreign keys are off by default in SQLite and per connection.
  db.exec("PRAGMA foreign_keys = ON");
}

bool is_blank_database(sqlite::Db& db) {
  return db.query_int("PRAGMA application_id") == 0 && db.query_int("PRAGMA user_version") == 0 &&
         table_count(db) == 0;
}

void create_or_check_schema(sqlite::Db& db) {
  if (is_blank_database(db)) {
    db.exec(kCreateSchema);
    db.exec(("PRAGMA application_id = " + std::to_string(kApplicationId)).c_str());
    db.exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
    return;
  }
  check_schema(db);
}

void check_schema(sqlite::Db& db) {
  check_ids(db, db.query_int("PRAGMA application_id"), db.query_int("PRAGMA user_version"));
}

std::unique_ptr<sqlite::Db> open_results_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw std::runtime_error("results file '" + path + "': no such file");
  if (fs::is_directory(path, ec)) throw std::runtime_error("results file '" + path + "': is a directory");
  auto db = std::make_unique<sqlite::Db>(path, sqlite::Db::Mode::read_only, "results file '" + path + "'");
  configure_connection(*db);
  check_schema(*db);
  return db;
}

}  // namespace herd::results
