#include "kit/sqlite_db.h"

#include <charconv>
#include <stdexcept>
#include <utility>

namespace herd::sqlite {

namespace {

// Concurrent writers (e.g. several `herd sim` processes sharing one results
// file) wait this long for the write lock before giving up with SQLITE_BUSY.
constexpr int kBusyTimeoutMs = 10'000;

}  // namespace

Db::Db(const std::string& path, Mode mode) : Db(path, mode, path) {}

Db::Db(const std::string& path, Mode mode, std::string name) : path_(path), name_(std::move(name)) {
  int flags = SQLITE_OPEN_READONLY;
  if (mode == Mode::read_write) flags = SQLITE_OPEN_READWRITE;
  if (mode == Mode::read_write_create) flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string reason = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error(name_ + ": cannot open: " + reason);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
}

Db::~Db() { sqlite3_close(db_); }

void Db::fail(std::string_view what, int rc) const {
  std::string reason = sqlite3_errmsg(db_);
  if (reason == "not an error" || reason.empty()) reason = sqlite3_errstr(rc);
  throw std::runtime_error(name_ + ": " + std::string(what) + ": " + reason);
}

void Db::fail(std::string_view what) const {
  throw std::runtime_error(name_ + ": " + std::string(what));
}

void Db::exec(const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    const std::string reason = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw std::runtime_error(name_ + ": " + reason);
  }
}

std::int64_t Db::query_int(const char* sql) {
  Stmt st(*this, sql);
  if (!st.step()) fail(std::string("no row from ") + sql);
  const std::int64_t v = st.int64(0);
  while (st.step()) {
  }
  return v;
}

std::string Db::query_text(const char* sql) {
  Stmt st(*this, sql);
  if (!st.step()) fail(std::string("no row from ") + sql);
  std::string v = st.text(0);
  while (st.step()) {
  }
  return v;
}

void Db::set_busy_timeout(int ms) { sqlite3_busy_timeout(db_, ms); }

std::int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

bool Db::read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }

Stmt::Stmt(Db& db, const char* sql) : db_(db), sql_(sql) {
  const int rc = sqlite3_prepare_v2(db.raw(), sql, -1, &st_, nullptr);
  if (rc != SQLITE_OK) db.fail("cannot prepare \"" + sql_ + "\"", rc);
}

Stmt::~Stmt() { sqlite3_finalize(st_); }

Stmt& Stmt::bind(int i, std::int64_t v) {
  const int rc = sqlite3_bind_int64(st_, i, v);
  if (rc != SQLITE_OK) db_.fail("cannot bind parameter", rc);
  return *this;
}

Stmt& Stmt::bind(int i, double v) {
  const int rc = sqlite3_bind_double(st_, i, v);
  if (rc != SQLITE_OK) db_.fail("cannot bind parameter", rc);
  return *this;
}

Stmt& Stmt::bind(int i, std::string_view v) {
  const int rc = sqlite3_bind_text64(st_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) db_.fail("cannot bind parameter", rc);
  return *this;
}

Stmt& Stmt::bind(int i, const std::optional<std::int64_t>& v) {
  return v ? bind(i, *v) : bind_null(i);
}

Stmt& Stmt::bind_blob(int i, std::string_view bytes) {
  // A zero-length blob still binds as a BLOB (not NULL) with a non-null pointer.
  static const char empty = 0;
  const int rc = sqlite3_bind_blob64(st_, i, bytes.empty() ? &empty : bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_.fail("cannot bind parameter", rc);
  return *this;
}

Stmt& Stmt::bind_null(int i) {
  const int rc = sqlite3_bind_null(st_, i);
  if (rc != SQLITE_OK) db_.fail("cannot bind parameter", rc);
  return *this;
}

void Stmt::run() {
  const int rc = sqlite3_step(st_);
  sqlite3_reset(st_);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) db_.fail("cannot run \"" + sql_ + "\"", rc);
}

bool Stmt::step() {
  const int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  sqlite3_reset(st_);
  if (rc != SQLITE_DONE) db_.fail("cannot run \"" + sql_ + "\"", rc);
  return false;
}

std::int64_t Stmt::int64(int col) const { return sqlite3_column_int64(st_, col); }

double Stmt::real(int col) const { return sqlite3_column_double(st_, col); }

std::string Stmt::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st_, col))) : std::string();
}

std::string Stmt::blob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(st_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st_, col))) : std::string();
}

int Stmt::type(int col) const { return sqlite3_column_type(st_, col); }

std::optional<std::int64_t> Stmt::opt_int64(int col) const {
  if (sqlite3_column_type(st_, col) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(st_, col);
}

Value Stmt::value(int col) const {
  switch (sqlite3_column_type(st_, col)) {
    case SQLITE_NULL:
      return std::monostate{};
    case SQLITE_INTEGER:
      return sqlite3_column_int64(st_, col);
    case SQLITE_FLOAT:
      return sqlite3_column_double(st_, col);
    default:
      return blob(col);
  }
}

int Stmt::column_count() const { return sqlite3_column_count(st_); }

std::string Stmt::column_name(int col) const {
  const char* name = sqlite3_column_name(st_, col);
  return name ? name : "";
}

std::string value_text(const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return "NULL";
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, *d);  // shortest round-trip form
    return std::string(buf, res.ptr);
  }
  return std::get<std::string>(v);
}

Transaction::Transaction(Db& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  // Rollback cannot usefully fail here; if it does, SQLite rolls back the
  // journal on the next open, so the file still holds only committed transactions.
  if (open_) sqlite3_exec(db_.raw(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace herd::sqlite
