#include "tests/test_results_support.h"

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "results/schema.h"

namespace herd::results::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = fs::temp_directory_path() /
          ("herd-results-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

RunRecord synthetic_record(int variant) {
  const std::int64_t v = variant;
  RunRecord r;
  r.info.mode = "sim";
  r.info.scenario_name = "synthetic-" + std::to_string(variant);
  r.info.scenario_path = "scenarios/synthetic.json";
  r.info.scenario_json = R"({"name":"synthetic","seed":)" + std::to_string(7 + variant) + "}";
  r.info.sweep_point_json = R"({"fanout":)" + std::to_string(2 + variant) + "}";
  r.info.seed = 7 + static_cast<std::uint64_t>(variant);
  r.info.strategy = variant % 2 ? "gossip" : "flooding";
  r.info.topology = "preset:hill";
  r.info.code_version = "0.1.0+test";
  r.info.duration = 60 * kNanosPerSecond + v;
  const char* names[] = {"Hill", "Jaquez", "Smith", "Campbell", "Singleton"};
  for (std::uint32_t i = 0; i < 5; ++i)
    r.nodes.push_back({i, names[i], 1 + i % 3, static_cast<Nanos>(i) * 1000 - 2000});
  r.links = {{0, 1, "constant(5ms)", 0.0}, {1, 2, "lognormal(median=3ms,sigma=0.5)", 0.25}, {2, 3, "uniform(1ms,9ms)", 1.0},
             {3, 4, "pareto(xm=1ms,alpha=2)", 0.5}};
  r.faults = {{10 * kNanosPerSecond, "partition", "groups:[[Hill,Jaquez],[Smith,Campbell,Singleton]]"},
              {20 * kNanosPerSecond, "heal", ""},
              {30 * kNanosPerSecond, "crash", "Smith"}};
  r.updates = {{1, "kiwi.cs.ucla.edu", 0, 1'000 + v, 5, 5, 12'000'000 + v, true, 4, std::nullopt},
               {2, "lemon", 2, 11 * kNanosPerSecond, 3, 2, std::nullopt, true, 2, std::nullopt},
               {3, "kiwi.cs.ucla.edu", 4, 25 * kNanosPerSecond, 5, 5, 30'000'000, false, 5, 30'000'000}};
  r.deliveries = {{1, 0, 1'000 + v, 0},       {1, 1, 5'000'000, 1}, {1, 2, 9'000'000, 2},
                  {1, 3, 11'000'000, 3},      {1, 4, 12'000'000 + v, 4}, {2, 2, 11 * kNanosPerSecond, 0},
                  {2, 3, 11 * kNanosPerSecond + 4'000'000, 1}};
  r.messages = {{"update_sent", 42 + static_cast<std::uint64_t>(variant)}, {"update_duplicate", 17},
                {"dropped_loss", 3}};
  r.reads = {{1, 2 * kNanosPerSecond, 3, "kiwi.cs.ucla.edu", true}, {2, 12 * kNanosPerSecond, 0, "lemon", false}};
  r.coverage = {{0, 0.0}, {5 * kNanosPerSecond, 1.0}, {15 * kNanosPerSecond, 0.6}, {25 * kNanosPerSecond, 0.95}};
  Summary& s = r.summary;
  s.updates = 3;
  s.converged_updates = 2;
  s.convergence_p50 = 12'000'000 + v;
  s.convergence_p90 = 30'000'000;
  s.convergence_p99 = 30'000'000;
  s.convergence_max = 30'000'000;
  s.coverage = 0.8666;
  s.messages_per_update = 14.0 + variant;
  s.duplicate_ratio = 0.4047;
  s.reads = 2;
  s.stale_read_fraction = 0.5;
  s.events_processed = 123'456 + static_cast<std::uint64_t>(variant);
  s.wall_seconds = 0.25;
  s.peak_rss_bytes = 10'485'760;
  return r;
}

std::string write_tiny_scenario(const TempDir& dir) {
  const std::string path = dir.file("tiny.json");
  std::ofstream(path) << R"({"name": "tiny", "seed": 5, "duration": "2s", "topology": {"preset": "hill"},
    "clients": {"count": 3, "report_interval": "500ms", "servers": "fixed", "reads_per_report": 1}})";
  return path;
}

namespace {

struct RawDb {
  sqlite3* db = nullptr;
  explicit RawDb(const std::string& path, int flags = SQLITE_OPEN_READWRITE) {
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK)
      throw std::runtime_error("test: cannot open " + path);
  }
  ~RawDb() { sqlite3_close(db); }
};

}  // namespace

std::int64_t query_int(const std::string& path, const std::string& sql) {
  RawDb db(path);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db.db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
    throw std::runtime_error("test: " + sql + ": " + sqlite3_errmsg(db.db));
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    throw std::runtime_error("test: no row from " + sql);
  }
  const std::int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

std::int64_t count_rows(const std::string& db, const std::string& table, std::int64_t run) {
  std::string sql = "SELECT count(*) FROM " + table;
  if (run >= 0) sql += (table == "runs" ? " WHERE id = " : " WHERE run_id = ") + std::to_string(run);
  return query_int(db, sql);
}

void exec_sql(const std::string& path, const std::string& sql) {
  RawDb db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  char* err = nullptr;
  if (sqlite3_exec(db.db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "?";
    sqlite3_free(err);
    throw std::runtime_error("test: " + sql + ": " + msg);
  }
}

std::int64_t older_version() { return kSchemaVersion - 1; }
std::int64_t newer_version() { return kSchemaVersion + 1; }

void set_version(const std::string& db, std::int64_t version) {
  exec_sql(db, "PRAGMA user_version = " + std::to_string(version));
}

std::string version_refusal(std::int64_t version) {
  return "schema version " + std::to_string(version) + (version < kSchemaVersion ? " is older" : " is newer") +
         " than version " + std::to_string(kSchemaVersion);
}

std::string read_file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

Outcome run_shell(const std::string& cmd) {
  Outcome o;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) throw std::runtime_error("test: cannot run " + cmd);
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) o.output.append(buf, n);
  const int status = ::pclose(p);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

}  // namespace

Outcome run_herd(const std::string& args) {
  return run_shell(std::string(HERD_BIN) + " " + args + " 2>&1");
}

Outcome run_herd_stdout(const std::string& args) {
  return run_shell(std::string(HERD_BIN) + " " + args + " 2>/dev/null");
}

}  // namespace herd::results::test
