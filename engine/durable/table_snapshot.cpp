#include "engine/durable/table_snapshot.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string_view>
#include <system_error>

#include "engine/durable/durable_table.h"
#include "herd/client_directory.h"
#include "herd/report.h"
#include "kit/sqlite_db.h"

namespace herd::durable {

namespace {

namespace fs = std::filesystem;
using sqlite::Db;
using sqlite::Stmt;

// A statement that finds the file locked by another connection (someone's
// sqlite3 shell in a write transaction) gives up after this long, so a
// checkpoint's failure surfaces in last_error() and the checkpoint is retried.
constexpr int kBusyTimeoutMs = 100;

constexpr const char* kCreateSchema = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);
CREATE TABLE reports (
  client  BLOB PRIMARY KEY NOT NULL,
  at_line TEXT NOT NULL
);
)sql";

constexpr const char* kUpsert =
    "INSERT INTO reports (client, at_line) VALUES (?1, ?2) "
    "ON CONFLICT (client) DO UPDATE SET at_line = excluded.at_line";

// The Db wrapper names the file as "<path>: <reason>"; keep only the reason.
std::string reason_of(const std::exception& e, const std::string& path) {
  std::string_view what = e.what();
  const std::string prefix = path + ": ";
  if (what.substr(0, prefix.size()) == prefix) what.remove_prefix(prefix.size());
  return std::string(what);
}

std::string hex32(std::int64_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08llx", static_cast<unsigned long long>(static_cast<std::uint32_t>(v)));
  return buf;
}

bool has_table(Db& db, const char* name) {
  Stmt st(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1");
  st.bind(1, std::string_view(name));
  const bool found = st.step() && st.int64(0) > 0;
  while (st.step()) {
  }
  return found;
}

std::optional<std::string> meta_value(Db& db, const char* key) {
  Stmt st(db, "SELECT value FROM meta WHERE key = ?1");
  st.bind(1, std::string_view(key));
  std::optional<std::string> v;
  if (st.step()) v = st.text(0);
  while (st.step()) {
  }
  return v;
}

}  // namespace

TableSnapshot::TableSnapshot(const std::string& path, const std::string& server) : path_(path), server_(server) {
  constexpr int kFormatVersion = DurableTable::kFormatVersion;
  constexpr std::int32_t kApplicationId = DurableTable::kApplicationId;
  std::error_code ec;
  const bool existed = fs::exists(path_, ec) && fs::file_size(path_, ec) > 0 && !ec;
  try {
    db_ = std::make_unique<Db>(path_, existed ? Db::Mode::read_write : Db::Mode::read_write_create, path_);
  } catch (const std::exception& e) {
    throw DurableTableError(path_, reason_of(e, path_));
  }
  Db& db = *db_;
  if (db.read_only()) throw DurableTableError(path_, "is read-only");
  db.set_busy_timeout(kBusyTimeoutMs);
  // Until the file is known to be ours, closing must not checkpoint a WAL
  // into it: a refused file is left exactly as it was.
  sqlite3_db_config(db.raw(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);

  // Every check below only reads.
  try {
    Stmt st(db, "PRAGMA quick_check(3)");
    std::string problems;
    while (st.step()) {
      const std::string row = st.text(0);
      if (row == "ok") continue;
      problems += problems.empty() ? row : "; " + row;
    }
    if (!problems.empty()) throw DurableTableError(path_, "corrupt SQLite database (PRAGMA quick_check: " + problems + ")");
  } catch (const DurableTableError&) {
    throw;
  } catch (const std::exception& e) {
    // SQLite's own words ("file is not a database"), not the statement's.
    const int rc = sqlite3_errcode(db.raw());
    const std::string why = rc == SQLITE_OK ? reason_of(e, path_) : std::string(sqlite3_errmsg(db.raw()));
    if (rc == SQLITE_NOTADB) throw DurableTableError(path_, "not an SQLite database (" + why + ")");
    if (rc == SQLITE_CORRUPT) throw DurableTableError(path_, "corrupt SQLite database (" + why + ")");
    throw DurableTableError(path_, "cannot read (" + why + ")");
  }

  try {
    const std::int64_t app = db.query_int("PRAGMA application_id");
    const std::int64_t objects = db.query_int("SELECT count(*) FROM sqlite_schema");
    fresh_ = app == 0 && objects == 0;
    if (fresh_) return;
    if (app != kApplicationId) {
      throw DurableTableError(
          path_, app == 0 ? "an SQLite database that is not a herd durable table (it has tables but no application_id)"
                          : "an SQLite database that is not a herd durable table (application_id " + hex32(app) +
                                ", a durable table has " + hex32(kApplicationId) + ")");
    }
    if (!has_table(db, "meta"))
      throw DurableTableError(path_, "a herd durable table without its meta table (damaged; not opened)");
    const auto version = meta_value(db, "format_version");
    if (!version) throw DurableTableError(path_, "a herd durable table without a format_version in meta (damaged; not opened)");
    if (*version != std::to_string(kFormatVersion)) {
      const std::string known = std::to_string(kFormatVersion);
      std::string rel = "another format version than";
      try {
        rel = std::stoll(*version) > kFormatVersion ? "newer than" : "older than";
      } catch (const std::exception&) {
      }
      throw DurableTableError(path_, "durable table format version " + *version + ", " + rel +
                                         " the version this herd reads and writes (" + known + ")");
    }
    const auto owner = meta_value(db, "server");
    if (!owner) throw DurableTableError(path_, "a herd durable table without a server name in meta (damaged; not opened)");
    if (*owner != server)
      throw DurableTableError(path_, "the durable table of server '" + *owner + "', not of '" + server +
                                         "'; give each server its own file");
    if (!has_table(db, "reports"))
      throw DurableTableError(path_, "a herd durable table without its reports table (damaged; not opened)");
  } catch (const DurableTableError&) {
    throw;
  } catch (const std::exception& e) {
    throw DurableTableError(path_, reason_of(e, path_));
  }
}

TableSnapshot::~TableSnapshot() = default;

void TableSnapshot::claim() {
  Db& db = *db_;
  try {
    sqlite3_db_config(db.raw(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);
    const std::string journal = db.query_text("PRAGMA journal_mode = WAL");
    if (journal != "wal") throw DurableTableError(path_, "cannot use WAL mode (journal_mode is " + journal + ")");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA cache_size = -65536");
    if (!fresh_) return;
    sqlite::Transaction tx(db);
    if (db.query_int("SELECT count(*) FROM sqlite_schema") != 0)
      throw DurableTableError(path_, "another process created tables in this file while it was being opened");
    db.exec(("PRAGMA application_id = " + std::to_string(DurableTable::kApplicationId)).c_str());
    db.exec(kCreateSchema);
    Stmt st(db, "INSERT INTO meta (key, value) VALUES (?1, ?2)");
    st.bind(1, std::string_view("format_version"))
        .bind(2, std::string_view(std::to_string(DurableTable::kFormatVersion)))
        .run();
    st.bind(1, std::string_view("server")).bind(2, std::string_view(server_)).run();
    tx.commit();
  } catch (const DurableTableError&) {
    throw;
  } catch (const std::exception& e) {
    throw DurableTableError(path_, reason_of(e, path_));
  }
}

std::map<std::string, std::string> TableSnapshot::rows() {
  std::map<std::string, std::string> rows;
  ClientDirectory clients;
  try {
    Stmt st(*db_, "SELECT rowid, client, at_line FROM reports ORDER BY client");
    while (st.step()) {
      const std::string where = "corrupt row (rowid " + std::to_string(st.int64(0)) + " of table reports): ";
      if (st.type(1) != SQLITE_BLOB) throw DurableTableError(path_, where + "client is not a BLOB");
      if (st.type(2) != SQLITE_TEXT) throw DurableTableError(path_, where + "at_line is not TEXT");
      std::string client = st.blob(1);
      std::string line = st.text(2);
      const ReportRef report = parse_at_line(line, clients);
      if (!report) throw DurableTableError(path_, where + "its AT line does not parse");
      if (report->client_name() != client)
        throw DurableTableError(path_, where + "its AT line names another client than its key");
      if (report->at_line() != line)
        throw DurableTableError(path_, where + "its AT line is not in the form the server writes");
      rows.emplace_hint(rows.end(), std::move(client), std::move(line));
    }
  } catch (const DurableTableError&) {
    throw;
  } catch (const std::exception& e) {
    throw DurableTableError(path_, reason_of(e, path_));
  }
  return rows;
}

void TableSnapshot::upsert(std::vector<std::pair<std::string, std::string>>& rows) {
  try {
    Db& db = *db_;
    sqlite::Transaction tx(db);
    Stmt st(db, kUpsert);
    // In key order: each B-tree page is visited once, while it is in the cache.
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [client, line] : rows) st.bind_blob(1, client).bind(2, std::string_view(line)).run();
    tx.commit();
  } catch (const std::exception& e) {
    throw DurableTableError(path_, reason_of(e, path_));
  }
}

}  // namespace herd::durable
