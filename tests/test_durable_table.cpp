// The live server's durable table (issue 9): real SQLite files in a fresh
// temporary directory per test; crash tests fork a child that dies by SIGKILL.
#include <catch2/catch.hpp>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/durable/durable_table.h"
#include "kit/sqlite_db.h"

using herd::durable::DurableTable;
using herd::durable::DurableTableError;
using herd::durable::Durability;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
namespace fs = std::filesystem;

namespace {

// A fresh directory, removed at the end of the test.
struct TempDir {
  fs::path dir;
  TempDir() {
    static std::atomic<int> n{0};
    std::random_device rd;
    dir = fs::temp_directory_path() /
          ("herd-durable-" + std::to_string(::getpid()) + "-" + std::to_string(rd()) + "-" + std::to_string(n++));
    fs::create_directories(dir);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string file(const std::string& name) const { return (dir / name).string(); }
};

// A valid AT line as a server writes it, for `client` at time `t` seconds.
std::string at(std::string_view client, long t, std::string_view origin = "Clark") {
  return "AT " + std::string(origin) + " +0.000000123 " + std::string(client) + " +34.068930-118.445127 " +
         std::to_string(t) + ".959498503";
}

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// The message of the DurableTableError opening `path` throws ("" if it opens).
std::string refusal(const std::string& path, const std::string& server) {
  try {
    DurableTable t(path, server, Durability::Batch);
  } catch (const DurableTableError& e) {
    return e.what();
  }
  return "";
}

// The rows of `path` as another connection sees them.
std::map<std::string, std::string> rows_seen_by_sqlite(const std::string& path) {
  herd::sqlite::Db db(path, herd::sqlite::Db::Mode::read_only);
  herd::sqlite::Stmt st(db, "SELECT client, at_line FROM reports");
  std::map<std::string, std::string> rows;
  while (st.step()) rows[st.blob(0)] = st.text(1);
  return rows;
}

std::map<std::string, std::string> as_map(const std::vector<std::pair<std::string, std::string>>& rows) {
  return {rows.begin(), rows.end()};
}

const std::string kOddClients[] = {
    "kiwi",
    std::string("b\xff\xfe\x80", 4),   // not UTF-8
    std::string("nul\0id", 6),         // a NUL byte
    std::string("\xc3\xa9t\xc3\xa9"),  // UTF-8 "été"
};

}  // namespace

TEST_CASE("put, close, reopen and load give the newest line per client byte for byte") {
  const Durability mode = GENERATE(Durability::Batch, Durability::Fsync);
  TempDir tmp;
  const std::string path = tmp.file("sub/dir/Clark.db");  // parents are created
  std::map<std::string, std::string> newest;
  {
    DurableTable t(path, "Clark", mode);
    CHECK(t.path() == path);
    CHECK(t.load().empty());
    for (long round = 1; round <= 3; ++round) {
      for (const auto& c : kOddClients) {
        t.put(c, at(c, 1621464827 + round));
        newest[c] = at(c, 1621464827 + round);
      }
    }
    CHECK(t.stats().puts == 12);
  }
  DurableTable again(path, "Clark", mode);
  const auto rows = again.load();
  REQUIRE(rows.size() == newest.size());
  CHECK(as_map(rows) == newest);
  // Deterministic order: by client bytes.
  for (std::size_t i = 1; i < rows.size(); ++i) CHECK(rows[i - 1].first < rows[i].first);
}

TEST_CASE("the file is a plain SQLite database with the documented schema") {
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  {
    DurableTable t(path, "Clark", Durability::Batch);
    t.put("kiwi", at("kiwi", 1));
  }
  herd::sqlite::Db db(path, herd::sqlite::Db::Mode::read_only);
  CHECK(db.query_int("PRAGMA application_id") == DurableTable::kApplicationId);
  CHECK(db.query_text("PRAGMA journal_mode") == "wal");
  CHECK(db.query_text("SELECT value FROM meta WHERE key = 'server'") == "Clark");
  CHECK(db.query_text("SELECT value FROM meta WHERE key = 'format_version'") == "1");
  CHECK(db.query_text("SELECT typeof(client) || ' ' || at_line FROM reports") == "blob " + at("kiwi", 1));
}

TEST_CASE("Batch sync commits everything put so far") {
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  DurableTable t(path, "Clark", Durability::Batch);
  std::map<std::string, std::string> newest;
  for (long i = 0; i < 5000; ++i) {
    const std::string c = "client-" + std::to_string(i % 700);
    t.put(c, at(c, 1000 + i));
    newest[c] = at(c, 1000 + i);
  }
  t.sync();
  CHECK(rows_seen_by_sqlite(path) == newest);
  CHECK(as_map(t.load()) == newest);
  const auto s = t.stats();
  CHECK(s.puts == 5000);
  CHECK(s.commits >= 1);
  CHECK(s.rows_written >= 700);
  CHECK(s.rows_written <= 5000);
  CHECK_FALSE(t.last_error());
  t.sync();  // nothing new: no commit
  CHECK(t.stats().commits == s.commits);
}

TEST_CASE("a failing commit keeps its rows, says why, coalesces and retries") {
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  DurableTable t(path, "Clark", Durability::Batch);
  t.put("seed", at("seed", 1));
  t.sync();
  const auto before = t.stats();

  // Someone holds the write lock (e.g. a sqlite3 shell inside BEGIN IMMEDIATE).
  herd::sqlite::Db other(path, herd::sqlite::Db::Mode::read_write);
  other.exec("BEGIN IMMEDIATE");
  for (long i = 0; i < 300; ++i) {
    const std::string c = "c" + std::to_string(i % 10);
    t.put(c, at(c, 100 + i));
  }
  CHECK_THROWS_WITH(t.sync(), StartsWith(path + ": ") && Contains("pending") && Contains("locked"));
  const auto error = t.last_error();
  REQUIRE(error);
  CHECK_THAT(*error, Contains("locked"));
  CHECK_THAT(*error, !Contains("AT "));  // SQLite's reason, never a report
  CHECK(t.stats().commits == before.commits);

  other.exec("COMMIT");
  t.sync();
  CHECK_FALSE(t.last_error());
  const auto after = t.stats();
  // Only the newest line per client was kept while the lock was held: one
  // commit of 10 rows, though 300 puts came.
  CHECK(after.commits == before.commits + 1);
  CHECK(after.rows_written == before.rows_written + 10);
  const auto rows = as_map(t.load());
  CHECK(rows.size() == 11);
  for (long k = 0; k < 10; ++k) CHECK(rows.at("c" + std::to_string(k)) == at("c" + std::to_string(k), 100 + 290 + k));
}

TEST_CASE("the commit thread retries a failed round by itself") {
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  DurableTable t(path, "Clark", Durability::Fsync);
  {
    herd::sqlite::Db other(path, herd::sqlite::Db::Mode::read_write);
    other.exec("BEGIN IMMEDIATE");
    t.put("kiwi", at("kiwi", 7));  // cannot commit: returns with the line pending
    CHECK(t.last_error());
    CHECK(t.stats().commits == 0);
    other.exec("COMMIT");
  }
  // No further put or sync: the thread's retry brings the error back to none.
  while (t.last_error()) std::this_thread::yield();
  CHECK(rows_seen_by_sqlite(path).at("kiwi") == at("kiwi", 7));
}

TEST_CASE("an Fsync put is committed before it returns") {
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  DurableTable t(path, "Clark", Durability::Fsync);
  for (long i = 0; i < 20; ++i) {
    t.put("kiwi", at("kiwi", i));
    t.put(kOddClients[2], at(kOddClients[2], i));
    // An independent connection already sees both rows.
    const auto rows = rows_seen_by_sqlite(path);
    CHECK(rows.at("kiwi") == at("kiwi", i));
    CHECK(rows.at(kOddClients[2]) == at(kOddClients[2], i));
  }
  CHECK(t.stats().commits == 40);
}

TEST_CASE("a server killed with SIGKILL loses nothing it synced (Batch) or put (Fsync)") {
  const Durability mode = GENERATE(Durability::Batch, Durability::Fsync);
  TempDir tmp;
  const std::string path = tmp.file("data/Clark.db");
  constexpr long kClients = 100, kBefore = 400, kAfter = 2 * kClients;
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // No Catch2 here: any failure is the exit code; SIGKILL means success.
    try {
      DurableTable t(path, "Clark", mode);
      for (long i = 0; i < kBefore; ++i) {
        const std::string c = "client-" + std::to_string(i % kClients);
        t.put(c, at(c, 1000 + i));
      }
      t.sync();
      for (long i = 0; i < kAfter; ++i) {
        const std::string c = "client-" + std::to_string(i % (2 * kClients));  // updates and new clients
        t.put(c, at(c, 1000 + kBefore + i));
      }
      std::raise(SIGKILL);
    } catch (...) {
    }
    ::_exit(3);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);

  DurableTable t(path, "Clark", mode);
  const auto rows = as_map(t.load());
  for (long k = 0; k < kClients; ++k) {
    const std::string c = "client-" + std::to_string(k);
    const std::string synced = at(c, 1000 + (kBefore - kClients) + k);  // its newest before sync()
    const std::string later = at(c, 1000 + kBefore + k);                // its update after sync()
    REQUIRE(rows.count(c) == 1);
    if (mode == Durability::Fsync)
      CHECK(rows.at(c) == later);
    else
      CHECK((rows.at(c) == synced || rows.at(c) == later));
  }
  if (mode == Durability::Fsync) CHECK(rows.size() == 2 * kClients);
}

TEST_CASE("files that are not this server's table are refused and left unchanged") {
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  std::string reason;
  SECTION("garbage bytes") {
    write_bytes(path, std::string(8192, 'x') + "not a database");
    reason = "not an SQLite database";
  }
  SECTION("a truncated table") {
    {
      DurableTable t(path, "Clark", Durability::Batch);
      for (long i = 0; i < 3000; ++i) t.put("client-" + std::to_string(i), at("client-" + std::to_string(i), i));
    }
    fs::resize_file(path, fs::file_size(path) / 2);
    reason = "corrupt SQLite database";
  }
  SECTION("an SQLite database of something else") {
    herd::sqlite::Db db(path, herd::sqlite::Db::Mode::read_write_create);
    db.exec("CREATE TABLE reports (client BLOB PRIMARY KEY, at_line TEXT NOT NULL)");
    reason = "not a herd durable table (it has tables but no application_id)";
  }
  SECTION("a herd results file") {
    herd::sqlite::Db db(path, herd::sqlite::Db::Mode::read_write_create);
    db.exec("PRAGMA application_id = 1212502596; CREATE TABLE runs (id INTEGER PRIMARY KEY)");
    reason = "not a herd durable table (application_id 0x48455244, a durable table has 0x48524454)";
  }
  SECTION("another server's table") {
    { DurableTable t(path, "Bailey", Durability::Batch); }
    reason = "the durable table of server 'Bailey', not of 'Clark'";
  }
  SECTION("a newer format version") {
    { DurableTable t(path, "Clark", Durability::Batch); }
    herd::sqlite::Db db(path, herd::sqlite::Db::Mode::read_write);
    db.exec("UPDATE meta SET value = '2' WHERE key = 'format_version'");
    reason = "format version 2, newer than the version this herd reads and writes (1)";
  }
  SECTION("an older format version") {
    { DurableTable t(path, "Clark", Durability::Batch); }
    herd::sqlite::Db db(path, herd::sqlite::Db::Mode::read_write);
    db.exec("UPDATE meta SET value = '0' WHERE key = 'format_version'");
    reason = "format version 0, older than";
  }
  const std::string bytes = bytes_of(path);
  REQUIRE(!bytes.empty());
  const std::string message = refusal(path, "Clark");
  CHECK_THAT(message, StartsWith(path + ": ") && Contains(reason));
  CHECK(bytes_of(path) == bytes);
  // Refusing twice changes nothing either.
  CHECK(refusal(path, "Clark") == message);
  CHECK(bytes_of(path) == bytes);
}

TEST_CASE("a corrupt row makes load throw, never skips it") {
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  {
    DurableTable t(path, "Clark", Durability::Batch);
    t.put("kiwi", at("kiwi", 1));
  }
  std::string sql, reason;
  SECTION("an AT line that does not parse") {
    sql = "INSERT INTO reports VALUES (x'6162', 'AT Clark garbage')";
    reason = "its AT line does not parse";
  }
  SECTION("an AT line of another client") {
    sql = "INSERT INTO reports VALUES (x'6162', '" + at("zz", 5) + "')";
    reason = "names another client";
  }
  SECTION("a client stored as TEXT") {
    sql = "INSERT INTO reports VALUES ('ab', '" + at("ab", 5) + "')";
    reason = "client is not a BLOB";
  }
  {
    herd::sqlite::Db db(path, herd::sqlite::Db::Mode::read_write);
    db.exec(sql.c_str());
  }
  DurableTable t(path, "Clark", Durability::Batch);
  CHECK_THROWS_WITH(t.load(), StartsWith(path + ": corrupt row (rowid 2 of table reports): ") && Contains(reason));
}

TEST_CASE("bad arguments are refused") {
  TempDir tmp;
  CHECK_THROWS_AS(DurableTable(tmp.file("a.db"), "Clark", Durability::Off), std::invalid_argument);
  CHECK_THROWS_WITH(DurableTable(tmp.file("b.db"), "", Durability::Batch), Contains("empty server name"));
  CHECK_THROWS_WITH(DurableTable(tmp.dir.string(), "Clark", Durability::Batch), Contains("is a directory"));
  DurableTable t(tmp.file("c.db"), "Clark", Durability::Batch);
  t.close();
  CHECK_THROWS_AS(t.put("kiwi", at("kiwi", 1)), std::logic_error);
}
