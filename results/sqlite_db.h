#pragma once
// A small RAII wrapper over the SQLite C API: one connection (Db) and one
// prepared statement (Stmt). Every failure throws std::runtime_error naming the
// database file and SQLite's reason, so callers never check return codes.
// Only results/*.cpp include this; sqlite3.h stays out of public headers.
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herd::results::sqlite {

class Db {
 public:
  enum class Mode { read_only, read_write_create };
  // Opens `path`. read_only never creates a file; read_write_create does.
  Db(const std::string& path, Mode mode);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs one or more SQL statements that return no rows we need.
  void exec(const char* sql);
  // Runs a statement returning one integer (e.g. "PRAGMA user_version").
  std::int64_t query_int(const char* sql);
  std::int64_t last_insert_rowid() const;
  bool read_only() const;

  // The std::runtime_error message for a failure of this connection.
  [[noreturn]] void fail(std::string_view what, int rc) const;
  [[noreturn]] void fail(std::string_view what) const;

  const std::string& path() const { return path_; }
  sqlite3* raw() const { return db_; }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

class Stmt {
 public:
  Stmt(Db& db, const char* sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Binders take 1-based parameter indexes, as SQLite does.
  Stmt& bind(int i, std::int64_t v);
  Stmt& bind(int i, double v);
  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, const std::optional<std::int64_t>& v);
  Stmt& bind_null(int i);

  // Executes a statement that returns no row, then resets it for reuse.
  void run();
  // Advances to the next row; false at the end (then the statement is reset).
  bool step();

  // Column readers take 0-based indexes, as SQLite does.
  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  std::optional<std::int64_t> opt_int64(int col) const;

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

}  // namespace herd::results::sqlite
