// results::write_run and results::Reader against real SQLite files.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>

#include "results/reader.h"
#include "results/schema.h"
#include "results/store.h"
#include "tests/test_results_support.h"

using namespace herd;
using namespace herd::results;
using namespace herd::results::test;
using Catch::Matchers::Contains;

namespace {

const char* const kRunTables[] = {"nodes", "links", "faults", "updates", "deliveries",
                                  "messages", "reads", "coverage", "summary"};

void require_same(const RunRecord& a, const RunRecord& b) {
  CHECK(a.info.mode == b.info.mode);
  CHECK(a.info.scenario_name == b.info.scenario_name);
  CHECK(a.info.scenario_path == b.info.scenario_path);
  CHECK(a.info.scenario_json == b.info.scenario_json);
  CHECK(a.info.sweep_point_json == b.info.sweep_point_json);
  CHECK(a.info.seed == b.info.seed);
  CHECK(a.info.strategy == b.info.strategy);
  CHECK(a.info.topology == b.info.topology);
  CHECK(a.info.code_version == b.info.code_version);
  CHECK(a.info.duration == b.info.duration);

  REQUIRE(a.nodes.size() == b.nodes.size());
  for (std::size_t i = 0; i < a.nodes.size(); ++i) {
    CHECK(a.nodes[i].id == b.nodes[i].id);
    CHECK(a.nodes[i].name == b.nodes[i].name);
    CHECK(a.nodes[i].degree == b.nodes[i].degree);
    CHECK(a.nodes[i].clock_skew == b.nodes[i].clock_skew);
  }
  REQUIRE(a.links.size() == b.links.size());
  for (std::size_t i = 0; i < a.links.size(); ++i) {
    CHECK(a.links[i].a == b.links[i].a);
    CHECK(a.links[i].b == b.links[i].b);
    CHECK(a.links[i].latency == b.links[i].latency);
    CHECK(a.links[i].loss == b.links[i].loss);
  }
  REQUIRE(a.faults.size() == b.faults.size());
  for (std::size_t i = 0; i < a.faults.size(); ++i) {
    CHECK(a.faults[i].at == b.faults[i].at);
    CHECK(a.faults[i].kind == b.faults[i].kind);
    CHECK(a.faults[i].target == b.faults[i].target);
  }
  REQUIRE(a.updates.size() == b.updates.size());
  for (std::size_t i = 0; i < a.updates.size(); ++i) {
    CHECK(a.updates[i].id == b.updates[i].id);
    CHECK(a.updates[i].client == b.updates[i].client);
    CHECK(a.updates[i].origin == b.updates[i].origin);
    CHECK(a.updates[i].issued_at == b.updates[i].issued_at);
    CHECK(a.updates[i].reachable == b.updates[i].reachable);
    CHECK(a.updates[i].reached == b.updates[i].reached);
    CHECK(a.updates[i].convergence == b.updates[i].convergence);
    CHECK(a.updates[i].sampled == b.updates[i].sampled);
  }
  REQUIRE(a.deliveries.size() == b.deliveries.size());
  for (std::size_t i = 0; i < a.deliveries.size(); ++i) {
    CHECK(a.deliveries[i].update == b.deliveries[i].update);
    CHECK(a.deliveries[i].node == b.deliveries[i].node);
    CHECK(a.deliveries[i].at == b.deliveries[i].at);
    CHECK(a.deliveries[i].hops == b.deliveries[i].hops);
  }
  REQUIRE(a.messages.size() == b.messages.size());
  for (std::size_t i = 0; i < a.messages.size(); ++i) {
    CHECK(a.messages[i].kind == b.messages[i].kind);
    CHECK(a.messages[i].count == b.messages[i].count);
  }
  REQUIRE(a.reads.size() == b.reads.size());
  for (std::size_t i = 0; i < a.reads.size(); ++i) {
    CHECK(a.reads[i].id == b.reads[i].id);
    CHECK(a.reads[i].at == b.reads[i].at);
    CHECK(a.reads[i].node == b.reads[i].node);
    CHECK(a.reads[i].client == b.reads[i].client);
    CHECK(a.reads[i].saw_newest == b.reads[i].saw_newest);
  }
  REQUIRE(a.coverage.size() == b.coverage.size());
  for (std::size_t i = 0; i < a.coverage.size(); ++i) {
    CHECK(a.coverage[i].at == b.coverage[i].at);
    CHECK(a.coverage[i].coverage == b.coverage[i].coverage);
  }
  const Summary& s = a.summary;
  const Summary& t = b.summary;
  CHECK(s.updates == t.updates);
  CHECK(s.converged_updates == t.converged_updates);
  CHECK(s.convergence_p50 == t.convergence_p50);
  CHECK(s.convergence_p90 == t.convergence_p90);
  CHECK(s.convergence_p99 == t.convergence_p99);
  CHECK(s.convergence_max == t.convergence_max);
  CHECK(s.coverage == t.coverage);
  CHECK(s.messages_per_update == t.messages_per_update);
  CHECK(s.duplicate_ratio == t.duplicate_ratio);
  CHECK(s.reads == t.reads);
  CHECK(s.stale_read_fraction == t.stale_read_fraction);
  CHECK(s.events_processed == t.events_processed);
  CHECK(s.wall_seconds == t.wall_seconds);
  CHECK(s.peak_rss_bytes == t.peak_rss_bytes);
}

// Every run-scoped table's row count in the file, for before/after checks.
std::vector<std::int64_t> all_counts(const std::string& db) {
  std::vector<std::int64_t> out{count_rows(db, "runs")};
  for (const char* t : kRunTables) out.push_back(count_rows(db, t));
  return out;
}

}  // namespace

TEST_CASE("a run round-trips through every table of a real SQLite file", "[results]") {
  TempDir dir;
  const std::string db = dir.file("runs.db");
  const RunRecord rec = synthetic_record();
  const std::int64_t id = write_run(db, rec);
  REQUIRE(id >= 1);

  // Row counts straight from SQLite, independent of the Reader.
  CHECK(count_rows(db, "runs") == 1);
  CHECK(count_rows(db, "nodes", id) == 5);
  CHECK(count_rows(db, "links", id) == 4);
  CHECK(count_rows(db, "faults", id) == 3);
  CHECK(count_rows(db, "updates", id) == 3);
  CHECK(count_rows(db, "deliveries", id) == 7);
  CHECK(count_rows(db, "messages", id) == 3);
  CHECK(count_rows(db, "reads", id) == 2);
  CHECK(count_rows(db, "coverage", id) == 4);
  CHECK(count_rows(db, "summary", id) == 1);
  CHECK(query_int(db, "SELECT count(*) FROM updates WHERE convergence_ns IS NULL") == 1);
  CHECK(query_int(db, "SELECT count FROM messages WHERE kind = 'update_duplicate'") == 17);
  CHECK(query_int(db, "PRAGMA user_version") == herd::results::kSchemaVersion);

  Reader reader(db);
  require_same(reader.load_run(id), rec);

  const auto runs = reader.runs();
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].id == id);
  CHECK(runs[0].info.scenario_name == "synthetic-0");
  CHECK(runs[0].summary.events_processed == 123'456);
  CHECK(runs[0].created_at.size() == 20);  // 2026-01-02T03:04:05Z
  CHECK(runs[0].created_at.back() == 'Z');

  CHECK(reader.convergence_times(id) == std::vector<Nanos>{12'000'000, 30'000'000});
  CHECK(reader.coverage(id).size() == 4);
  CHECK(reader.faults(id).at(1).kind == "heal");
}

TEST_CASE("no journal or WAL file is left beside the results file", "[results]") {
  TempDir dir;
  const std::string db = dir.file("runs.db");
  write_run(db, synthetic_record());
  CHECK_FALSE(std::filesystem::exists(db + "-journal"));
  CHECK_FALSE(std::filesystem::exists(db + "-wal"));
}

TEST_CASE("two runs append with different ids and leave each other intact", "[results]") {
  TempDir dir;
  const std::string db = dir.file("runs.db");
  const RunRecord first = synthetic_record(0);
  const RunRecord second = synthetic_record(1);
  const std::int64_t a = write_run(db, first);
  const std::int64_t b = write_run(db, second);
  CHECK(a != b);
  CHECK(count_rows(db, "runs") == 2);
  CHECK(count_rows(db, "deliveries") == 14);

  Reader reader(db);
  const auto runs = reader.runs();
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].id == a);
  CHECK(runs[1].id == b);
  CHECK(runs[0].info.strategy == "flooding");
  CHECK(runs[1].info.strategy == "gossip");
  CHECK(runs[1].info.sweep_point_json == R"({"fanout":3})");
  require_same(reader.load_run(a), first);
  require_same(reader.load_run(b), second);
}

TEST_CASE("64-bit seeds and an empty sweep point are stored faithfully", "[results]") {
  TempDir dir;
  const std::string db = dir.file("runs.db");
  RunRecord rec = synthetic_record();
  rec.info.seed = std::numeric_limits<std::uint64_t>::max();
  rec.info.sweep_point_json.clear();
  const std::int64_t id = write_run(db, rec);
  Reader reader(db);
  const RunRecord back = reader.load_run(id);
  CHECK(back.info.seed == std::numeric_limits<std::uint64_t>::max());
  CHECK(back.info.sweep_point_json == "{}");
}

TEST_CASE("a file of another schema version is refused, naming the file, and left intact", "[results]") {
  TempDir dir;
  const std::string db = dir.file("old.db");
  write_run(db, synthetic_record());
  exec_sql(db, "PRAGMA user_version = 99");
  const auto before = all_counts(db);

  CHECK_THROWS_WITH(write_run(db, synthetic_record(1)),
                    Contains(db) && Contains("schema version 99") && Contains("version " + std::to_string(herd::results::kSchemaVersion)));
  CHECK_THROWS_WITH(Reader(db), Contains(db) && Contains("schema version 99"));
  CHECK(all_counts(db) == before);
  CHECK(query_int(db, "PRAGMA user_version") == 99);
}

TEST_CASE("an older or newer schema version is named as such, with both versions", "[results]") {
  TempDir dir;
  const std::string db = dir.file("versions.db");
  write_run(db, synthetic_record());
  set_version(db, older_version());
  CHECK_THROWS_WITH(Reader(db), Contains("results file '" + db + "'") && Contains(version_refusal(older_version())));
  CHECK_THROWS_WITH(check_appendable(db), Contains(db) && Contains(version_refusal(older_version())));
  set_version(db, newer_version());
  CHECK_THROWS_WITH(Reader(db), Contains(db) && Contains(version_refusal(newer_version())));
  CHECK_THROWS_WITH(check_appendable(db), Contains(db) && Contains(version_refusal(newer_version())));
  set_version(db, kSchemaVersion);
  CHECK_NOTHROW(Reader(db));
  CHECK_NOTHROW(check_appendable(db));
}

TEST_CASE("check_appendable accepts a missing or empty file and refuses others' files", "[results]") {
  TempDir dir;
  CHECK_NOTHROW(check_appendable(dir.file("new.db")));
  { std::ofstream(dir.file("empty.db")); }
  CHECK_NOTHROW(check_appendable(dir.file("empty.db")));
  exec_sql(dir.file("other.db"), "CREATE TABLE t (x)");
  CHECK_THROWS_WITH(check_appendable(dir.file("other.db")), Contains("other.db") && Contains("not a herd results file"));
  { std::ofstream(dir.file("notes.txt")) << "text, not SQLite\n"; }
  CHECK_THROWS_WITH(check_appendable(dir.file("notes.txt")), Contains("notes.txt") && Contains("not a database"));
  CHECK_FALSE(std::filesystem::exists(dir.file("new.db")));  // checking never creates the file
}

TEST_CASE("another application's SQLite file is refused and its tables untouched", "[results]") {
  TempDir dir;
  const std::string db = dir.file("other.db");
  exec_sql(db, "CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER); INSERT INTO accounts VALUES (1, 100)");
  CHECK_THROWS_WITH(write_run(db, synthetic_record()), Contains(db) && Contains("not a herd results file"));
  CHECK_THROWS_WITH(Reader(db), Contains(db) && Contains("not a herd results file"));
  CHECK(query_int(db, "SELECT balance FROM accounts WHERE id = 1") == 100);
  CHECK(query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'") == 1);
}

TEST_CASE("a file that is not SQLite at all is refused and unchanged", "[results]") {
  TempDir dir;
  const std::string db = dir.file("notes.txt");
  const std::string text = "these are my notes, not a database\n";
  { std::ofstream(db) << text; }
  CHECK_THROWS_WITH(write_run(db, synthetic_record()), Contains(db) && Contains("not a database"));
  CHECK_THROWS_WITH(Reader(db), Contains(db) && Contains("not a database"));
  CHECK(read_file_bytes(db) == text);
}

TEST_CASE("unwritable locations give an error naming the file and the reason", "[results]") {
  TempDir dir;
  const std::string missing_dir = dir.file("no-such-dir/runs.db");
  CHECK_THROWS_WITH(write_run(missing_dir, synthetic_record()),
                    Contains(missing_dir) && Contains("does not exist"));
  CHECK_FALSE(std::filesystem::exists(dir.file("no-such-dir")));

  CHECK_THROWS_WITH(write_run(dir.path().string(), synthetic_record()),
                    Contains(dir.path().string()) && Contains("is a directory"));
  CHECK_THROWS_WITH(write_run("", synthetic_record()), Contains("empty path"));
}

TEST_CASE("reading a missing file names it and creates nothing", "[results]") {
  TempDir dir;
  const std::string db = dir.file("absent.db");
  CHECK_THROWS_WITH(Reader(db), Contains(db) && Contains("no such file"));
  CHECK_FALSE(std::filesystem::exists(db));
}

TEST_CASE("a write that fails part-way leaves no trace of the run", "[results]") {
  TempDir dir;
  const std::string db = dir.file("runs.db");
  const std::int64_t good = write_run(db, synthetic_record());
  const auto before = all_counts(db);

  SECTION("duplicate update ids violate the primary key") {
    RunRecord bad = synthetic_record(1);
    bad.updates.push_back(bad.updates.front());
    CHECK_THROWS_WITH(write_run(db, bad), Contains(db) && Contains("UNIQUE constraint failed: updates"));
  }
  SECTION("a delivery of an update the run never had violates a foreign key") {
    RunRecord bad = synthetic_record(1);
    bad.deliveries.push_back({999, 0, 5, 1});
    CHECK_THROWS_WITH(write_run(db, bad), Contains(db) && Contains("FOREIGN KEY constraint failed"));
  }
  SECTION("a link to a node the run does not have violates a foreign key") {
    RunRecord bad = synthetic_record(1);
    bad.links.push_back({0, 77, "constant(1ms)", 0});
    CHECK_THROWS_WITH(write_run(db, bad), Contains("FOREIGN KEY constraint failed"));
  }
  SECTION("a loss probability outside [0, 1] violates a check") {
    RunRecord bad = synthetic_record(1);
    bad.links.back().loss = 1.5;
    CHECK_THROWS_WITH(write_run(db, bad), Contains("CHECK constraint failed"));
  }
  SECTION("a counter too large for SQLite is refused, naming the field") {
    RunRecord bad = synthetic_record(1);
    bad.summary.events_processed = std::numeric_limits<std::uint64_t>::max();
    CHECK_THROWS_WITH(write_run(db, bad), Contains(db) && Contains("summary.events_processed"));
  }

  CHECK(all_counts(db) == before);
  Reader reader(db);
  REQUIRE(reader.runs().size() == 1);
  require_same(reader.load_run(good), synthetic_record());
  // The file still accepts runs after the failure.
  CHECK(write_run(db, synthetic_record(2)) != good);
  CHECK(count_rows(db, "runs") == 2);
}

TEST_CASE("a failed first write does not leave an empty file behind", "[results]") {
  TempDir dir;
  const std::string db = dir.file("fresh.db");
  RunRecord bad = synthetic_record();
  bad.deliveries.push_back({999, 0, 5, 1});
  CHECK_THROWS(write_run(db, bad));
  CHECK_FALSE(std::filesystem::exists(db));
}

TEST_CASE("asking for a run that does not exist names it", "[results]") {
  TempDir dir;
  const std::string db = dir.file("runs.db");
  write_run(db, synthetic_record());
  Reader reader(db);
  CHECK_THROWS_WITH(reader.load_run(42), Contains(db) && Contains("no run with id 42"));
}

TEST_CASE("two processes appending to one file concurrently both get every run in", "[results]") {
  TempDir dir;
  const std::string db = dir.file("shared.db");
  write_run(db, synthetic_record(0));  // create the schema first
  constexpr int kEach = 8;
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int failed = 0;
    for (int i = 0; i < kEach; ++i) {
      try {
        write_run(db, synthetic_record(100 + i));
      } catch (...) {
        ++failed;
      }
    }
    ::_exit(failed);
  }
  for (int i = 0; i < kEach; ++i) write_run(db, synthetic_record(200 + i));
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(count_rows(db, "runs") == 1 + 2 * kEach);
  CHECK(query_int(db, "SELECT count(DISTINCT id) FROM runs") == 1 + 2 * kEach);
  CHECK(count_rows(db, "deliveries") == 7 * (1 + 2 * kEach));
  CHECK(query_int(db, "SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM updates u WHERE u.run_id = r.id) != 3") ==
        0);
}
