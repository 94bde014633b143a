#include "results/reader.h"

#include <stdexcept>

#include "results/schema.h"
#include "kit/sqlite_db.h"

namespace herd::results {

namespace {

std::optional<Nanos> opt_nanos(const sqlite::Stmt& st, int col) {
  const auto v = st.opt_int64(col);
  return v ? std::optional<Nanos>(*v) : std::nullopt;
}

// Unsigned columns were written from unsigned fields; read them back as such.
std::uint64_t u64(const sqlite::Stmt& st, int col) { return static_cast<std::uint64_t>(st.int64(col)); }
std::uint32_t u32(const sqlite::Stmt& st, int col) { return static_cast<std::uint32_t>(st.int64(col)); }

constexpr const char* kRunColumns =
    "r.id, r.mode, r.scenario_name, r.scenario_path, r.scenario_json, r.sweep_point_json, r.seed, r.strategy,"
    " r.topology, r.code_version, r.created_at, r.duration_ns,"
    " s.updates, s.converged_updates, s.convergence_p50_ns, s.convergence_p90_ns, s.convergence_p99_ns,"
    " s.convergence_max_ns, s.coverage, s.messages_per_update, s.duplicate_ratio, s.reads,"
    " s.stale_read_fraction, s.events_processed, s.wall_seconds, s.peak_rss_bytes, s.exact_converged_updates,"
    " s.exact_convergence_p50_ns, s.exact_convergence_p90_ns, s.exact_convergence_p99_ns,"
    " s.exact_convergence_max_ns";

StoredRun stored_run(const sqlite::Stmt& st) {
  StoredRun r;
  r.id = st.int64(0);
  r.info.mode = st.text(1);
  r.info.scenario_name = st.text(2);
  r.info.scenario_path = st.text(3);
  r.info.scenario_json = st.text(4);
  r.info.sweep_point_json = st.text(5);
  r.info.seed = u64(st, 6);
  r.info.strategy = st.text(7);
  r.info.topology = st.text(8);
  r.info.code_version = st.text(9);
  r.created_at = st.text(10);
  r.info.duration = st.int64(11);
  Summary& s = r.summary;
  s.updates = u64(st, 12);
  s.converged_updates = u64(st, 13);
  s.convergence_p50 = opt_nanos(st, 14);
  s.convergence_p90 = opt_nanos(st, 15);
  s.convergence_p99 = opt_nanos(st, 16);
  s.convergence_max = opt_nanos(st, 17);
  s.coverage = st.real(18);
  s.messages_per_update = st.real(19);
  s.duplicate_ratio = st.real(20);
  s.reads = u64(st, 21);
  s.stale_read_fraction = st.real(22);
  s.events_processed = u64(st, 23);
  s.wall_seconds = st.real(24);
  s.peak_rss_bytes = u64(st, 25);
  s.exact_converged_updates = u64(st, 26);
  s.exact_convergence_p50 = opt_nanos(st, 27);
  s.exact_convergence_p90 = opt_nanos(st, 28);
  s.exact_convergence_p99 = opt_nanos(st, 29);
  s.exact_convergence_max = opt_nanos(st, 30);
  return r;
}

}  // namespace

Reader::Reader(const std::string& db_path) : db_(open_results_file(db_path)) {}

Reader::~Reader() = default;

const std::string& Reader::path() const { return db_->path(); }

std::vector<StoredRun> Reader::runs() {
  // Every run has a summary row (written in the same transaction).
  const std::string sql =
      std::string("SELECT ") + kRunColumns + " FROM runs r JOIN summary s ON s.run_id = r.id ORDER BY r.id";
  sqlite::Stmt st(*db_, sql.c_str());
  std::vector<StoredRun> out;
  while (st.step()) out.push_back(stored_run(st));
  return out;
}

RunRecord Reader::load_run(std::int64_t id) {
  RunRecord rec;
  {
    const std::string sql =
        std::string("SELECT ") + kRunColumns + " FROM runs r JOIN summary s ON s.run_id = r.id WHERE r.id = ?1";
    sqlite::Stmt st(*db_, sql.c_str());
    st.bind(1, id);
    if (!st.step()) db_->fail("no run with id " + std::to_string(id));
    StoredRun r = stored_run(st);
    rec.info = std::move(r.info);
    rec.summary = r.summary;
    while (st.step()) {
    }
  }
  {
    sqlite::Stmt st(*db_, "SELECT id, name, degree, clock_skew_ns FROM nodes WHERE run_id = ?1 ORDER BY id");
    st.bind(1, id);
    while (st.step()) rec.nodes.push_back({u32(st, 0), st.text(1), u32(st, 2), st.int64(3)});
  }
  {
    sqlite::Stmt st(*db_, "SELECT a, b, latency, loss FROM links WHERE run_id = ?1 ORDER BY seq");
    st.bind(1, id);
    while (st.step()) rec.links.push_back({u32(st, 0), u32(st, 1), st.text(2), st.real(3)});
  }
  rec.faults = faults(id);
  {
    sqlite::Stmt st(*db_,
                    "SELECT id, client, origin, issued_at_ns, reachable, reached, convergence_ns, sampled,"
                    " exact_reached, exact_convergence_ns"
                    " FROM updates WHERE run_id = ?1 ORDER BY id");
    st.bind(1, id);
    while (st.step()) {
      rec.updates.push_back({u64(st, 0), st.text(1), u32(st, 2), st.int64(3), u32(st, 4), u32(st, 5),
                             opt_nanos(st, 6), st.int64(7) != 0, u32(st, 8), opt_nanos(st, 9)});
    }
  }
  {
    sqlite::Stmt st(*db_,
                    "SELECT update_id, node, at_ns, hops FROM deliveries WHERE run_id = ?1 ORDER BY update_id, node");
    st.bind(1, id);
    while (st.step())
      rec.deliveries.push_back({u64(st, 0), u32(st, 1), st.int64(2), static_cast<std::uint16_t>(st.int64(3))});
  }
  rec.messages = messages(id);
  {
    sqlite::Stmt st(*db_, "SELECT id, at_ns, node, client, saw_newest FROM reads WHERE run_id = ?1 ORDER BY id");
    st.bind(1, id);
    while (st.step()) rec.reads.push_back({u64(st, 0), st.int64(1), u32(st, 2), st.text(3), st.int64(4) != 0});
  }
  rec.coverage = coverage(id);
  return rec;
}

std::vector<Nanos> Reader::convergence_times(std::int64_t id, bool exact) {
  sqlite::Stmt st(*db_, exact ? "SELECT exact_convergence_ns FROM updates WHERE run_id = ?1 AND"
                                " exact_convergence_ns IS NOT NULL ORDER BY exact_convergence_ns"
                              : "SELECT convergence_ns FROM updates WHERE run_id = ?1 AND convergence_ns IS NOT NULL"
                                " ORDER BY convergence_ns");
  st.bind(1, id);
  std::vector<Nanos> out;
  while (st.step()) out.push_back(st.int64(0));
  return out;
}

std::vector<CoverageSample> Reader::coverage(std::int64_t id) {
  sqlite::Stmt st(*db_, "SELECT at_ns, coverage, consistency FROM coverage WHERE run_id = ?1 ORDER BY seq");
  st.bind(1, id);
  std::vector<CoverageSample> out;
  while (st.step()) out.push_back({st.int64(0), st.real(1), st.real(2)});
  return out;
}

std::vector<std::pair<Nanos, std::uint32_t>> Reader::update_reach(std::int64_t id) {
  sqlite::Stmt st(*db_, "SELECT issued_at_ns, reached FROM updates WHERE run_id = ?1 ORDER BY issued_at_ns, id");
  st.bind(1, id);
  std::vector<std::pair<Nanos, std::uint32_t>> out;
  while (st.step()) out.emplace_back(st.int64(0), u32(st, 1));
  return out;
}

std::uint32_t Reader::node_count(std::int64_t id) {
  sqlite::Stmt st(*db_, "SELECT count(*) FROM nodes WHERE run_id = ?1");
  st.bind(1, id);
  std::uint32_t n = 0;
  while (st.step()) n = u32(st, 0);
  return n;
}

std::vector<FaultRow> Reader::faults(std::int64_t id) {
  sqlite::Stmt st(*db_, "SELECT at_ns, kind, target FROM faults WHERE run_id = ?1 ORDER BY seq");
  st.bind(1, id);
  std::vector<FaultRow> out;
  while (st.step()) out.push_back({st.int64(0), st.text(1), st.text(2)});
  return out;
}

std::vector<MessageCount> Reader::messages(std::int64_t id) {
  sqlite::Stmt st(*db_, "SELECT kind, count FROM messages WHERE run_id = ?1 ORDER BY rowid");
  st.bind(1, id);
  std::vector<MessageCount> out;
  while (st.step()) out.push_back({st.text(0), u64(st, 1)});
  return out;
}

bool RunFilter::matches(const StoredRun& run) const {
  const std::string& st = run.info.strategy;
  const bool strategy_ok = !strategy || st == *strategy || st.rfind(*strategy + "(", 0) == 0;
  return (!scenario || run.info.scenario_name == *scenario) && (!seed || run.info.seed == *seed) && strategy_ok &&
         (!sweep_point_json || run.info.sweep_point_json == *sweep_point_json) && (!mode || run.info.mode == *mode);
}

}  // namespace herd::results
