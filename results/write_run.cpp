// results::write_run: appends one RunRecord to a results file in a single
// transaction, with one prepared statement per table reused for every row.
#include <chrono>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>

#include "results/schema.h"
#include "kit/sqlite_db.h"
#include "results/append_run.h"
#include "results/store.h"

namespace herd::results {

namespace {

namespace fs = std::filesystem;

// SQLite integers are signed 64-bit. Counters and ids never come near 2^63 in
// practice; if one does, refuse the run rather than store a wrapped value.
std::int64_t checked(std::uint64_t v, const sqlite::Db& db, const char* field) {
  if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    db.fail(std::string(field) + " = " + std::to_string(v) + " does not fit a signed 64-bit SQLite integer");
  return static_cast<std::int64_t>(v);
}

std::string utc_now_iso8601() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Gives the reason a path cannot hold a results file before SQLite does, since
// SQLite's own message ("unable to open database file") names neither cause.
void check_writable_location(const std::string& path) {
  if (path.empty()) throw std::runtime_error("results file '': empty path");
  std::error_code ec;
  const fs::path p(path);
  if (fs::is_directory(p, ec))
    throw std::runtime_error("results file '" + path + "': is a directory");
  const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::is_directory(parent, ec))
    throw std::runtime_error("results file '" + path + "': directory '" + parent.string() + "' does not exist");
}

std::int64_t insert_run(sqlite::Db& db, const RunRecord& rec) {
  const RunInfo& in = rec.info;
  sqlite::Stmt st(db,
                  "INSERT INTO runs (mode, scenario_name, scenario_path, scenario_json, sweep_point_json, seed,"
                  " strategy, topology, code_version, created_at, duration_ns)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  st.bind(1, in.mode)
      .bind(2, in.scenario_name)
      .bind(3, in.scenario_path)
      .bind(4, in.scenario_json)
      .bind(5, in.sweep_point_json.empty() ? std::string_view("{}") : std::string_view(in.sweep_point_json))
      // Seeds use all 64 bits; they are stored bit-for-bit (see the schema doc).
      .bind(6, static_cast<std::int64_t>(in.seed))
      .bind(7, in.strategy)
      .bind(8, in.topology)
      .bind(9, in.code_version)
      .bind(10, utc_now_iso8601())
      .bind(11, std::int64_t{in.duration});
  st.run();
  return db.last_insert_rowid();
}

// One function per table, each with its prepared statement reused for every
// row; insert_rows writes them all in the schema's order.
void insert_nodes(sqlite::Db& db, std::int64_t run, const RunRecord& rec) {
  sqlite::Stmt st(db, "INSERT INTO nodes VALUES (?1, ?2, ?3, ?4, ?5)");
  for (const NodeRow& n : rec.nodes) {
    st.bind(1, run).bind(2, std::int64_t{n.id}).bind(3, n.name).bind(4, std::int64_t{n.degree});
    st.bind(5, std::int64_t{n.clock_skew});
    st.run();
  }
}

void insert_links(sqlite::Db& db, std::int64_t run, const RunRecord& rec) {
  sqlite::Stmt st(db, "INSERT INTO links VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  std::int64_t seq = 0;
  for (const LinkRow& l : rec.links) {
    st.bind(1, run).bind(2, seq++).bind(3, std::int64_t{l.a}).bind(4, std::int64_t{l.b});
    st.bind(5, l.latency).bind(6, l.loss);
    st.run();
  }
}

void insert_faults(sqlite::Db& db, std::int64_t run, const RunRecord& rec) {
  sqlite::Stmt st(db, "INSERT INTO faults VALUES (?1, ?2, ?3, ?4, ?5)");
  std::int64_t seq = 0;
  for (const FaultRow& f : rec.faults) {
    st.bind(1, run).bind(2, seq++).bind(3, std::int64_t{f.at}).bind(4, f.kind).bind(5, f.target);
    st.run();
  }
}

void insert_updates(sqlite::Db& db, std::int64_t run, const RunRecord& rec) {
  sqlite::Stmt st(db,
                  "INSERT INTO updates (run_id, id, client, origin, issued_at_ns, reachable, reached, convergence_ns,"
                  " sampled, exact_reached, exact_convergence_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  for (const UpdateRow& u : rec.updates) {
    st.bind(1, run).bind(2, checked(u.id, db, "updates.id")).bind(3, u.client).bind(4, std::int64_t{u.origin});
    st.bind(5, std::int64_t{u.issued_at}).bind(6, std::int64_t{u.reachable}).bind(7, std::int64_t{u.reached});
    st.bind(8, u.convergence ? std::optional<std::int64_t>(*u.convergence) : std::nullopt);
    st.bind(9, std::int64_t{u.sampled ? 1 : 0});
    st.bind(10, std::int64_t{u.exact_reached});
    st.bind(11, u.exact_convergence ? std::optional<std::int64_t>(*u.exact_convergence) : std::nullopt);
    st.run();
  }
}

void insert_deliveries(sqlite::Db& db, std::int64_t run, const RunRecord& rec) {
  sqlite::Stmt st(db, "INSERT INTO deliveries VALUES (?1, ?2, ?3, ?4, ?5)");
  for (const DeliveryRow& d : rec.deliveries) {
    st.bind(1, run).bind(2, checked(d.update, db, "deliveries.update_id")).bind(3, std::int64_t{d.node});
    st.bind(4, std::int64_t{d.at}).bind(5, std::int64_t{d.hops});
    st.run();
  }
}

void insert_messages(sqlite::Db& db, std::int64_t run, const RunRecord& rec) {
  sqlite::Stmt st(db, "INSERT INTO messages VALUES (?1, ?2, ?3)");
  for (const MessageCount& m : rec.messages) {
    st.bind(1, run).bind(2, m.kind).bind(3, checked(m.count, db, "messages.count"));
    st.run();
  }
}

void insert_reads(sqlite::Db& db, std::int64_t run, const RunRecord& rec) {
  sqlite::Stmt st(db, "INSERT INTO reads VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  for (const ReadRow& r : rec.reads) {
    st.bind(1, run).bind(2, checked(r.id, db, "reads.id")).bind(3, std::int64_t{r.at}).bind(4, std::int64_t{r.node});
    st.bind(5, r.client).bind(6, std::int64_t{r.saw_newest ? 1 : 0});
    st.run();
  }
}

void insert_coverage(sqlite::Db& db, std::int64_t run, const RunRecord& rec) {
  sqlite::Stmt st(db, "INSERT INTO coverage VALUES (?1, ?2, ?3, ?4, ?5)");
  std::int64_t seq = 0;
  for (const CoverageSample& c : rec.coverage) {
    st.bind(1, run).bind(2, seq++).bind(3, std::int64_t{c.at}).bind(4, c.coverage).bind(5, c.consistency);
    st.run();
  }
}

void insert_summary(sqlite::Db& db, std::int64_t run, const Summary& s) {
  auto opt = [](const std::optional<Nanos>& v) {
    return v ? std::optional<std::int64_t>(*v) : std::optional<std::int64_t>();
  };
  sqlite::Stmt st(db,
                  "INSERT INTO summary (run_id, updates, converged_updates, convergence_p50_ns, convergence_p90_ns,"
                  " convergence_p99_ns, convergence_max_ns, coverage, messages_per_update, duplicate_ratio, reads,"
                  " stale_read_fraction, events_processed, wall_seconds, peak_rss_bytes, exact_converged_updates,"
                  " exact_convergence_p50_ns, exact_convergence_p90_ns, exact_convergence_p99_ns,"
                  " exact_convergence_max_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
                  " ?15, ?16, ?17, ?18, ?19, ?20)");
  st.bind(1, run)
      .bind(2, checked(s.updates, db, "summary.updates"))
      .bind(3, checked(s.converged_updates, db, "summary.converged_updates"))
      .bind(4, opt(s.convergence_p50))
      .bind(5, opt(s.convergence_p90))
      .bind(6, opt(s.convergence_p99))
      .bind(7, opt(s.convergence_max))
      .bind(8, s.coverage)
      .bind(9, s.messages_per_update)
      .bind(10, s.duplicate_ratio)
      .bind(11, checked(s.reads, db, "summary.reads"))
      .bind(12, s.stale_read_fraction)
      .bind(13, checked(s.events_processed, db, "summary.events_processed"))
      .bind(14, s.wall_seconds)
      .bind(15, checked(s.peak_rss_bytes, db, "summary.peak_rss_bytes"))
      .bind(16, checked(s.exact_converged_updates, db, "summary.exact_converged_updates"))
      .bind(17, opt(s.exact_convergence_p50))
      .bind(18, opt(s.exact_convergence_p90))
      .bind(19, opt(s.exact_convergence_p99))
      .bind(20, opt(s.exact_convergence_max));
  st.run();
}

void insert_rows(sqlite::Db& db, std::int64_t run, const RunRecord& rec) {
  insert_nodes(db, run, rec);
  insert_links(db, run, rec);
  insert_faults(db, run, rec);
  insert_updates(db, run, rec);
  insert_deliveries(db, run, rec);
  insert_messages(db, run, rec);
  insert_reads(db, run, rec);
  insert_coverage(db, run, rec);
  insert_summary(db, run, rec.summary);
}

}  // namespace

std::int64_t append_run(sqlite::Db& db, const RunRecord& rec) {
  configure_connection(db);
  sqlite::Transaction tx(db);
  create_or_check_schema(db);
  const std::int64_t run = insert_run(db, rec);
  insert_rows(db, run, rec);
  tx.commit();
  return run;
}

std::int64_t write_run(const std::string& db_path, const RunRecord& rec) {
  check_writable_location(db_path);
  std::error_code ec;
  const bool existed = fs::exists(db_path, ec);
  try {
    sqlite::Db db(db_path, sqlite::Db::Mode::read_write_create, "results file '" + db_path + "'");
    if (db.read_only()) db.fail("is read-only");
    return append_run(db, rec);
  } catch (...) {
    // A file this call created holds nothing committed: don't leave it behind.
    if (!existed) fs::remove(db_path, ec);
    throw;
  }
}

void check_appendable(const std::string& db_path) {
  std::error_code ec;
  if (!fs::is_regular_file(db_path, ec)) return;
  sqlite::Db db(db_path, sqlite::Db::Mode::read_only, "results file '" + db_path + "'");
  if (!is_blank_database(db)) check_schema(db);
}

}  // namespace herd::results
