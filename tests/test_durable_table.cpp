// The live server's durable table (issue 9): real SQLite files in a fresh
// temporary directory per test; crash tests fork a child that dies by SIGKILL.
#include <catch2/catch.hpp>

#include <sys/resource.h>
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

#include <boost/crc.hpp>

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

// A log record as the table writes it: "<crc32, 8 lowercase hex> <AT line>\n".
std::string record(const std::string& line) {
  boost::crc_32_type crc;
  crc.process_bytes(line.data(), line.size());
  char hex[16];
  std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(crc.checksum()));
  return std::string(hex) + " " + line + "\n";
}

std::string log_header(const std::string& server) { return "herd-table-log 1 " + server + "\n"; }

// The newest line per client in the log of `path` (the client is the AT
// line's fourth field).
std::map<std::string, std::string> log_newest(const std::string& path) {
  const std::string bytes = bytes_of(path + "-log");
  std::map<std::string, std::string> rows;
  std::size_t pos = bytes.find('\n') + 1;
  while (pos < bytes.size()) {
    const std::size_t end = bytes.find('\n', pos);
    const std::string line = bytes.substr(pos + 9, end - pos - 9);
    std::size_t a = 0;
    for (int i = 0; i < 3; ++i) a = line.find(' ', a) + 1;
    rows[line.substr(a, line.find(' ', a) - a)] = line;
    pos = end + 1;
  }
  return rows;
}

// Writes to regular files fail with EFBIG past `bytes` while it lives (a
// stand-in for a full disk).
struct FileSizeLimit {
  rlimit old{};
  explicit FileSizeLimit(std::uint64_t bytes) {
    std::signal(SIGXFSZ, SIG_IGN);
    ::getrlimit(RLIMIT_FSIZE, &old);
    rlimit lim = old;
    lim.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &lim);
  }
  ~FileSizeLimit() { ::setrlimit(RLIMIT_FSIZE, &old); }
};

// No checkpoint by size or time: only checkpoint() and close() make one.
const DurableTable::Options kNoAutoCheckpoint{std::uint64_t(1) << 40, 1 << 30};

const std::string kOddClients[] = {
    "kiwi",
    std::string("b\xff\xfe\x80", 4),   // not UTF-8
    std::string("nul\0id", 6),         // a NUL byte
    std::string("\xc3\xa9t\xc3\xa9"),  // UTF-8 "été"
};

// Puts `n` reports cycling over `clients` clients ("client-<k>"), each
// newer than the last; returns the newest line per client.
std::map<std::string, std::string> put_cycling(DurableTable& t, long n, long clients) {
  std::map<std::string, std::string> newest;
  for (long i = 0; i < n; ++i) {
    const std::string c = "client-" + std::to_string(i % clients);
    t.put(c, at(c, 1000 + i));
    newest[c] = at(c, 1000 + i);
  }
  return newest;
}

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
  DurableTable t(path, "Clark", Durability::Batch, kNoAutoCheckpoint);
  auto newest = put_cycling(t, 5000, 700);
  t.sync();
  CHECK(log_newest(path) == newest);
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
  DurableTable t(path, "Clark", Durability::Batch, kNoAutoCheckpoint);
  t.put("seed", at("seed", 1));
  t.sync();
  const auto before = t.stats();
  {
    // The disk is full: no append to the log can succeed.
    FileSizeLimit full(fs::file_size(path + "-log"));
    for (long i = 0; i < 300; ++i) {
      const std::string c = "c" + std::to_string(i % 10);
      t.put(c, at(c, 100 + i));
    }
    CHECK_THROWS_WITH(t.sync(), StartsWith(path + "-log: ") && Contains("pending") && Contains("File too large"));
    const auto error = t.last_error();
    REQUIRE(error);
    CHECK_THAT(*error, Contains("File too large"));
    CHECK_THAT(*error, !Contains("AT "));  // the system's reason, never a report
    CHECK(t.stats().commits == before.commits);
  }
  t.sync();
  CHECK_FALSE(t.last_error());
  const auto after = t.stats();
  // Only the newest line per client was kept while the disk was full: one
  // write of 10 records, though 300 puts came.
  CHECK(after.commits == before.commits + 1);
  CHECK(after.rows_written == before.rows_written + 10);
  const auto rows = as_map(t.load());
  CHECK(rows.size() == 11);
  for (long k = 0; k < 10; ++k) CHECK(rows.at("c" + std::to_string(k)) == at("c" + std::to_string(k), 100 + 290 + k));
  // No failed append left a partial record behind.
  CHECK(log_newest(path) == rows);
}

TEST_CASE("while commits fail, the put queue stays bounded by its clients, not its puts") {
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  DurableTable::Options o = kNoAutoCheckpoint;
  o.compact_bytes = 64 * 1024;
  DurableTable t(path, "Clark", Durability::Batch, o);
  t.put("seed", at("seed", 1));
  t.sync();
  std::uint64_t most_queued = 0;
  constexpr long kPuts = 100000;  // ~9 MB of lines for 10 clients
  {
    FileSizeLimit full(fs::file_size(path + "-log"));
    for (long i = 0; i < kPuts; ++i) {
      const std::string c = "c" + std::to_string(i % 10);
      t.put(c, at(c, 100 + i));
      if (i % 256 == 0) most_queued = std::max(most_queued, t.stats().queued_bytes);
    }
    CHECK(t.last_error());
  }
  // Compaction keeps the newest line of each of the 10 clients: the queue
  // never grows past the threshold (plus one put).
  CHECK(most_queued > 0);
  CHECK(most_queued <= o.compact_bytes + 200);
  t.sync();
  CHECK(t.stats().queued_bytes == 0);
  const auto rows = as_map(t.load());
  REQUIRE(rows.size() == 11);
  for (long k = 0; k < 10; ++k)
    CHECK(rows.at("c" + std::to_string(k)) == at("c" + std::to_string(k), 100 + kPuts - 10 + k));
  CHECK(log_newest(path) == rows);
}

TEST_CASE("the commit thread retries a failed round by itself") {
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  DurableTable t(path, "Clark", Durability::Fsync, kNoAutoCheckpoint);
  {
    FileSizeLimit full(fs::file_size(path + "-log"));
    t.put("kiwi", at("kiwi", 7));  // cannot be written: returns with the line pending
    CHECK(t.last_error());
    CHECK(t.stats().commits == 0);
  }
  // No further put or sync: the thread's retry brings the error back to none.
  while (t.last_error()) std::this_thread::yield();
  CHECK(log_newest(path).at("kiwi") == at("kiwi", 7));
}

TEST_CASE("a checkpoint that finds SQLite locked keeps the log and is retried") {
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  DurableTable t(path, "Clark", Durability::Batch, kNoAutoCheckpoint);
  t.put("kiwi", at("kiwi", 7));
  {
    // Someone holds the write lock (e.g. a sqlite3 shell inside BEGIN IMMEDIATE).
    herd::sqlite::Db other(path, herd::sqlite::Db::Mode::read_write);
    other.exec("BEGIN IMMEDIATE");
    CHECK_THROWS_WITH(t.checkpoint(), StartsWith(path + ": ") && Contains("safe in " + path + "-log") &&
                                          Contains("locked"));
    CHECK_THAT(t.last_error().value_or(""), Contains("locked"));
    CHECK(log_newest(path).at("kiwi") == at("kiwi", 7));
    CHECK(as_map(t.load()).at("kiwi") == at("kiwi", 7));
    other.exec("COMMIT");
  }
  t.checkpoint();
  CHECK_FALSE(t.last_error());
  CHECK(rows_seen_by_sqlite(path).at("kiwi") == at("kiwi", 7));
  CHECK(log_newest(path).empty());
}

TEST_CASE("an Fsync put is committed before it returns") {
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  DurableTable t(path, "Clark", Durability::Fsync, kNoAutoCheckpoint);
  for (long i = 0; i < 20; ++i) {
    t.put("kiwi", at("kiwi", i));
    t.put(kOddClients[2], at(kOddClients[2], i));
    // Both records are in the log file already.
    const auto rows = log_newest(path);
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

TEST_CASE("a server killed with SIGKILL after sync() keeps the lines only its log holds") {
  const Durability mode = GENERATE(Durability::Batch, Durability::Fsync);
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  constexpr long kClients = 50;
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    try {
      DurableTable t(path, "Clark", mode, kNoAutoCheckpoint);
      for (long i = 0; i < 3 * kClients; ++i) {
        const std::string c = "client-" + std::to_string(i % kClients);
        t.put(c, at(c, 1000 + i));
      }
      t.sync();
      std::raise(SIGKILL);
    } catch (...) {
    }
    ::_exit(3);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  CHECK(rows_seen_by_sqlite(path).empty());  // no checkpoint ran: all is in the log
  REQUIRE(log_newest(path).size() == kClients);

  DurableTable t(path, "Clark", mode);
  const auto rows = as_map(t.load());
  REQUIRE(rows.size() == kClients);
  for (long k = 0; k < kClients; ++k) {
    const std::string c = "client-" + std::to_string(k);
    CHECK(rows.at(c) == at(c, 1000 + 2 * kClients + k));
  }
  t.close();
  CHECK(rows_seen_by_sqlite(path) == rows);
}

TEST_CASE("a torn last log record is ignored and cut off") {
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  { DurableTable t(path, "Clark", Durability::Batch); }
  const std::string good = log_header("Clark") + record(at("a", 1)) + record(at("b", 2));
  std::string torn;
  SECTION("no newline at the end") { torn = record(at("c", 3)).substr(0, 30); }
  SECTION("a bad checksum on the last record") {
    torn = record(at("c", 3));
    torn[0] = torn[0] == '0' ? '1' : '0';
  }
  write_bytes(path + "-log", good + torn);
  DurableTable t(path, "Clark", Durability::Batch, kNoAutoCheckpoint);
  const auto rows = as_map(t.load());
  CHECK(rows == std::map<std::string, std::string>{{"a", at("a", 1)}, {"b", at("b", 2)}});
  CHECK(bytes_of(path + "-log") == good);
  // Appends go after the last good record.
  t.put("d", at("d", 4));
  t.sync();
  CHECK(bytes_of(path + "-log") == good + record(at("d", 4)));
}

TEST_CASE("a bad log record before the last one is refused naming the line, files unchanged") {
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  {
    DurableTable t(path, "Clark", Durability::Batch);
    t.put("seed", at("seed", 1));
  }
  std::string middle, reason;
  SECTION("a flipped byte") {
    middle = record(at("b", 2));
    middle[20] ^= 0x01;
    reason = "line 3: bad checksum";
  }
  SECTION("a good checksum on a line that does not parse") {
    middle = record("AT Clark garbage");
    reason = "line 3: its AT line does not parse";
  }
  SECTION("not a record") {
    middle = "hello\n";
    reason = "line 3: not a record";
  }
  write_bytes(path + "-log", log_header("Clark") + record(at("a", 1)) + middle + record(at("c", 3)));
  const std::string db_bytes = bytes_of(path), log_bytes = bytes_of(path + "-log");
  const std::string message = refusal(path, "Clark");
  CHECK_THAT(message, StartsWith(path + "-log: " + reason));
  CHECK(bytes_of(path) == db_bytes);
  CHECK(bytes_of(path + "-log") == log_bytes);
  CHECK(refusal(path, "Clark") == message);
  CHECK(bytes_of(path + "-log") == log_bytes);
}

TEST_CASE("another server's log, another version or no header is refused, files unchanged") {
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  { DurableTable t(path, "Clark", Durability::Batch); }
  std::string header, reason;
  SECTION("another server") {
    header = log_header("Bailey");
    reason = "the table log of server 'Bailey', not of 'Clark'";
  }
  SECTION("a newer version") {
    header = "herd-table-log 2 Clark\n";
    reason = "table log format version 2, newer than";
  }
  SECTION("no header") {
    header = "";
    reason = "not a herd table log";
  }
  write_bytes(path + "-log", header + record(at("a", 1)));
  const std::string db_bytes = bytes_of(path), log_bytes = bytes_of(path + "-log");
  CHECK_THAT(refusal(path, "Clark"), StartsWith(path + "-log: ") && Contains(reason));
  CHECK(bytes_of(path) == db_bytes);
  CHECK(bytes_of(path + "-log") == log_bytes);
}

TEST_CASE("a checkpoint moves the logged lines into SQLite and empties the log") {
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  DurableTable t(path, "Clark", Durability::Batch, kNoAutoCheckpoint);
  auto newest = put_cycling(t, 1000, 300);
  t.sync();
  CHECK(rows_seen_by_sqlite(path).empty());
  CHECK(t.stats().log_bytes == fs::file_size(path + "-log"));
  t.checkpoint();
  CHECK(rows_seen_by_sqlite(path) == newest);
  CHECK(bytes_of(path + "-log") == log_header("Clark"));
  const auto s = t.stats();
  CHECK(s.checkpoints == 1);
  CHECK(s.rows_checkpointed == 300);
  CHECK(s.log_bytes == log_header("Clark").size());
  CHECK(as_map(t.load()) == newest);
  // Newer lines after the checkpoint override the rows.
  t.put("client-0", at("client-0", 9999));
  t.sync();
  newest["client-0"] = at("client-0", 9999);
  CHECK(as_map(t.load()) == newest);
}

TEST_CASE("a checkpoint by size runs by itself") {
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  DurableTable t(path, "Clark", Durability::Batch, DurableTable::Options{4096, 1 << 30});
  for (long i = 0; i < 200; ++i) t.put("client-" + std::to_string(i), at("client-" + std::to_string(i), i));
  t.sync();
  // The log passes 4096 bytes about halfway, so a checkpoint may fold in only
  // the first rows while later ones are still being written; once the log is
  // back under the bound with no writes left, no checkpoint is running.
  auto s = t.stats();
  while (s.checkpoints == 0 || s.log_bytes >= 4096) {
    std::this_thread::yield();
    s = t.stats();
  }
  const auto in_sqlite = rows_seen_by_sqlite(path);
  CHECK(in_sqlite.size() == s.rows_checkpointed);  // each client was put once
  CHECK(in_sqlite.size() >= 4096 / 100);
  CHECK(as_map(t.load()).size() == 200);
}

TEST_CASE("after close() the SQLite file alone holds everything") {
  const Durability mode = GENERATE(Durability::Batch, Durability::Fsync);
  TempDir tmp;
  const std::string path = tmp.file("Clark.db");
  std::map<std::string, std::string> newest;
  {
    DurableTable t(path, "Clark", mode, kNoAutoCheckpoint);
    for (long i = 0; i < 500; ++i) {
      const std::string c = "client-" + std::to_string(i % 70);
      t.put(c, at(c, 1000 + i));
      newest[c] = at(c, 1000 + i);
    }
    t.close();
  }
  CHECK(bytes_of(path + "-log") == log_header("Clark"));
  CHECK(rows_seen_by_sqlite(path) == newest);
  // Copied alone elsewhere (no -log, -wal, -shm), it opens with everything.
  const std::string copy = tmp.file("copy/Clark.db");
  fs::create_directories(tmp.dir / "copy");
  fs::copy_file(path, copy);
  DurableTable t(copy, "Clark", mode);
  CHECK(as_map(t.load()) == newest);
  CHECK(bytes_of(copy + "-log") == log_header("Clark"));
}
