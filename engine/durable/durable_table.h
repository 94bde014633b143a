#pragma once
// The live server's location table on disk (issue 9, "Lose nothing"): the
// newest AT line per client in an SQLite file, so a server killed with kill -9
// and restarted alone answers WHATSAT for every client it had.
//
// File format, durability windows and failure behaviour: docs/durable-table.md.
// No SQLite or Asio headers here.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/durable/durability.h"

namespace herd::sqlite {
class Db;
}

namespace herd::durable {

// Durability (engine/durable/durability.h): Off means callers keep no table
// at all (they never construct a DurableTable).

// Every refusal and failure of a DurableTable. what() is "<path>: <reason>".
class DurableTableError : public std::runtime_error {
 public:
  DurableTableError(const std::string& path, const std::string& reason);
  const std::string& path() const { return path_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string path_;
  std::string reason_;
};

class DurableTable {
 public:
  // Opens or creates `path` (parent directories created) for server `server`.
  // Refuses with DurableTableError, leaving the file byte-for-byte unchanged,
  // a file that is not an SQLite database or is corrupt (PRAGMA quick_check),
  // an SQLite database that is not a herd durable table, the table of another
  // server, and a format version other than kFormatVersion.
  // `mode` must be Fsync or Batch (Off throws std::invalid_argument).
  DurableTable(const std::string& path, const std::string& server, Durability mode);
  // Commits everything put so far (as close() does) and joins the commit
  // thread; if that final commit fails it writes one line to stderr naming the
  // file, the number of reports lost and SQLite's reason (never a report).
  ~DurableTable();
  DurableTable(const DurableTable&) = delete;
  DurableTable& operator=(const DurableTable&) = delete;

  // The format version this code reads and writes (meta.format_version).
  static constexpr int kFormatVersion = 1;
  // PRAGMA application_id of a herd durable table: 'HRDT' in ASCII.
  static constexpr std::int32_t kApplicationId = 0x48524454;
  // Batch mode commits at most once per this many milliseconds.
  static constexpr int kGroupCommitMs = 10;

  // Every stored report as (client, AT line), ordered by client bytes. A row
  // whose client is not a BLOB, whose AT line does not parse, or whose AT
  // line names another client is corruption: throws DurableTableError naming
  // the row's rowid (never skips it). Sees what is committed: call it before
  // the first put(), or after sync().
  std::vector<std::pair<std::string, std::string>> load();

  // Records the newest report for a client, replacing the previous one.
  //  Batch: queues it in memory (only the newest pending line per client is
  //   kept) for the commit thread, which commits every pending line in one
  //   fsynced transaction at most every kGroupCommitMs.
  //  Fsync: commits it (fsynced) before returning, on the caller's thread.
  // Never throws for a failed commit: the line stays pending, last_error() is
  // set and the commit thread retries every kGroupCommitMs until it succeeds.
  void put(std::string_view client, std::string_view at_line);

  // Blocks until everything put so far is committed. Throws DurableTableError
  // if that commit fails (the lines stay pending and are retried).
  void sync();

  // sync(), stop the commit thread and close the file (checkpointing the
  // WAL). Throws DurableTableError if the final commit fails; the table is
  // closed either way. put() after close() throws std::logic_error.
  void close();

  const std::string& path() const { return path_; }

  // The reason the last commit failed, while pending lines wait for a retry;
  // empty once a commit succeeds. Holds SQLite's message, never a report.
  std::optional<std::string> last_error() const;

  struct Stats {
    std::uint64_t puts = 0;          // put() calls
    std::uint64_t rows_written = 0;  // rows written by successful commits
    std::uint64_t commits = 0;       // successful commit transactions
  };
  Stats stats() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using Pending = std::unordered_map<std::string, std::string, Hash, std::equal_to<>>;

  void open_or_create(const std::string& server);
  // Commits every pending line in one transaction (under db_mu_). Returns
  // false, after putting the lines back and setting last_error_, on failure.
  bool commit_round();
  void write_batch();
  void commit_loop();
  void stop_thread();

  std::string path_;
  Durability mode_;

  // The connection and the batch being written: only under db_mu_.
  std::mutex db_mu_;
  std::unique_ptr<sqlite::Db> db_;
  Pending batch_;
  std::vector<const Pending::value_type*> order_;  // batch_ in key order

  // Everything below: only under mu_. Lock order: db_mu_ before mu_.
  mutable std::mutex mu_;
  std::condition_variable wake_;
  Pending pending_;
  std::uint64_t put_seq_ = 0;        // puts so far
  std::uint64_t committed_seq_ = 0;  // every put up to this one is committed
  std::optional<std::string> last_error_;
  Stats stats_;
  bool stop_ = false;
  bool closed_ = false;

  std::thread thread_;
};

}  // namespace herd::durable
