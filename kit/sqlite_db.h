#pragma once
// A small RAII wrapper over the SQLite C API: one connection (Db) and one
// prepared statement (Stmt). Every failure throws std::runtime_error naming the
// database file (as the caller asked it to be named) and SQLite's reason, so
// callers never check return codes. Shared by results/ (the metrics store) and
// engine/durable/ (the live server's table); only their .cpp files include it,
// so sqlite3.h stays out of their public headers.
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace herd::sqlite {

class Db {
 public:
  enum class Mode {
    read_only,          // never creates a file, never writes
    read_write,         // the file must exist
    read_write_create,  // creates the file if missing
  };
  // Opens `path`. Error messages read "<name>: <reason>"; `name` defaults to
  // the path itself (results pass "results file '<path>'").
  Db(const std::string& path, Mode mode);
  Db(const std::string& path, Mode mode, std::string name);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs one or more SQL statements that return no rows we need.
  void exec(const char* sql);
  // Runs a statement returning one integer (e.g. "PRAGMA user_version").
  std::int64_t query_int(const char* sql);
  // Runs a statement returning one text value (e.g. "PRAGMA journal_mode").
  std::string query_text(const char* sql);
  std::int64_t last_insert_rowid() const;
  bool read_only() const;
  // How long a statement waits for another connection's lock before failing
  // with SQLITE_BUSY (default 10 s).
  void set_busy_timeout(int ms);

  // The std::runtime_error message for a failure of this connection.
  [[noreturn]] void fail(std::string_view what, int rc) const;
  [[noreturn]] void fail(std::string_view what) const;

  const std::string& path() const { return path_; }
  const std::string& name() const { return name_; }
  sqlite3* raw() const { return db_; }

 private:
  std::string path_;
  std::string name_;
  sqlite3* db_ = nullptr;
};

// One column value as SQLite stored it, for code that handles any table
// (export, comparisons): NULL, INTEGER, REAL or TEXT (a BLOB reads as its
// bytes in the string).
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

// A value as text: NULL reads "NULL"; a REAL in the fewest digits that read
// back as the same double (0.05, not 0.050000000000000003).
std::string value_text(const Value& v);

class Stmt {
 public:
  Stmt(Db& db, const char* sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Binders take 1-based parameter indexes, as SQLite does.
  Stmt& bind(int i, std::int64_t v);
  Stmt& bind(int i, double v);
  Stmt& bind(int i, std::string_view v);  // as TEXT (UTF-8)
  Stmt& bind(int i, const std::optional<std::int64_t>& v);
  Stmt& bind_blob(int i, std::string_view bytes);  // as a BLOB: any bytes, NUL included
  Stmt& bind_null(int i);

  // Executes a statement that returns no row, then resets it for reuse.
  void run();
  // Advances to the next row; false at the end (then the statement is reset).
  bool step();

  // Column readers take 0-based indexes, as SQLite does.
  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  std::string blob(int col) const;  // the column's bytes as stored, NULs included
  // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.
  int type(int col) const;
  std::optional<std::int64_t> opt_int64(int col) const;
  // The column's value with its stored type.
  Value value(int col) const;
  int column_count() const;
  std::string column_name(int col) const;

 private:
  Db& db_;
  sqlite3_stmt* st_ = nullptr;
  std::string sql_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back unless commit() was reached, so an
// exception anywhere in between leaves the file as it was.
class Transaction {
 public:
  explicit Transaction(Db& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Db& db_;
  bool open_ = true;
};

}  // namespace herd::sqlite
