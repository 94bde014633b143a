#pragma once
// The live server's location table on disk (issue 9, "Lose nothing"): the
// newest AT line per client in an SQLite file (the snapshot) plus an
// append-only log beside it, "<path>-log", which every group commit appends to
// and fdatasync()s; a checkpoint thread applies the log to SQLite from time to
// time and empties it. A server killed with kill -9 and restarted alone
// answers WHATSAT for every client it had.
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
#include "engine/durable/table_log.h"

namespace herd::durable {

class TableSnapshot;

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
  // The log "<path>-log" is refused likewise (another server's, another
  // version, a bad checksum or unparsable line other than a torn last one),
  // naming the log and the line number; both files are then left unchanged.
  DurableTable(const std::string& path, const std::string& server, Durability mode);

  // When the checkpoint thread applies the log to SQLite.
  struct Options {
    std::uint64_t checkpoint_bytes = 64u << 20;  // once the log is this big,
    int checkpoint_ms = 5000;                    // or this long after the last one if the log holds lines
    // put() compacts its queue to the newest line per client once it holds
    // this many bytes (and again each time it doubles past what the last
    // compaction kept).
    std::size_t compact_bytes = 32u << 20;
  };
  DurableTable(const std::string& path, const std::string& server, Durability mode, Options options);
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

  // Every stored report as (client, AT line), ordered by client bytes: the
  // SQLite rows with the log's lines on top (a later line wins). A row
  // whose client is not a BLOB, whose AT line does not parse, or whose AT
  // line names another client is corruption: throws DurableTableError naming
  // the row's rowid (never skips it). Sees what is committed: call it before
  // the first put(), or after sync().
  std::vector<std::pair<std::string, std::string>> load();

  // Records the newest report for a client, replacing the previous one.
  //  Batch: appends it to an in-memory queue (one copy of the line, no
  //   lookup: this runs on the server's thread) for the commit thread, which
  //   keeps only the newest queued line per client, appends those to the log
  //   and fdatasync()s it, at most every kGroupCommitMs.
  //  Fsync: the same, then commits before returning, on the caller's thread.
  // Memory: the queue holds the puts since the round in flight started;
  // past Options::compact_bytes it is compacted to the newest line per client (so it
  // stays bounded by about twice the bytes of the distinct clients' lines
  // even while a write stalls for long).
  // Never throws for a failed commit: the lines stay pending, last_error() is
  // set and the commit thread retries every kGroupCommitMs until it succeeds.
  void put(std::string_view client, std::string_view at_line);

  // Blocks until everything put so far is committed. Throws DurableTableError
  // if that commit fails (the lines stay pending and are retried).
  void sync();

  // sync(), then applies the log to SQLite in one transaction and empties the
  // log. Throws DurableTableError if either fails (nothing is lost: lines stay
  // pending or in the log, and are retried).
  void checkpoint();

  // sync(), stop the threads, checkpoint and close the file (checkpointing
  // the WAL), so the SQLite file alone holds everything. Throws
  // DurableTableError if the final commit or checkpoint fails; the table is
  // closed either way. put() after close() throws std::logic_error.
  void close();

  // "<path>-log".
  const std::string& log_path() const { return log_path_; }

  const std::string& path() const { return path_; }

  // The reason the last log write or checkpoint failed, while pending lines
  // wait for a retry; empty once one succeeds. Holds the system's or
  // SQLite's message, never a report.
  std::optional<std::string> last_error() const;

  struct Stats {
    std::uint64_t puts = 0;          // put() calls
    std::uint64_t rows_written = 0;  // log records written by successful commits
    std::uint64_t commits = 0;       // successful group writes to the log (fdatasync'ed)
    std::uint64_t log_bytes = 0;     // the log's size now (header included)
    std::uint64_t checkpoints = 0;   // successful checkpoints into SQLite
    std::uint64_t rows_checkpointed = 0;  // rows those checkpoints upserted
    std::uint64_t queued_bytes = 0;  // puts waiting for the commit thread now (clients' and lines' bytes)
  };
  Stats stats() const;

 private:
  void open(const std::string& server);
  // Appends every pending line to the log and fdatasyncs (under log_mu_).
  // Returns false, after marking the lines pending again and setting
  // last_error_, on failure.
  bool commit_round();
  // Applies the lines logged since the last checkpoint to SQLite, then
  // rewrites the log with only the lines logged meanwhile. Returns false
  // (setting last_error_) on failure; nothing is lost.
  bool checkpoint_round();
  void commit_loop();
  void checkpoint_loop();
  void stop_threads();

  std::string path_;
  std::string log_path_;
  std::string server_;
  Durability mode_;
  Options options_;

  // Puts in arrival order: each record is the client's bytes then the line's.
  struct PutQueue {
    struct Record {
      std::size_t offset;
      std::uint32_t client_size;
      std::uint32_t line_size;
    };
    std::string bytes;
    std::vector<Record> records;
    void add(std::string_view client, std::string_view line);
    std::string_view client(const Record& r) const { return std::string_view(bytes).substr(r.offset, r.client_size); }
    std::string_view line(const Record& r) const {
      return std::string_view(bytes).substr(r.offset + r.client_size, r.line_size);
    }
    bool empty() const { return records.empty(); }
    void clear() { bytes.clear(); records.clear(); }
  };
  // Keeps only the newest record per client (under mu_, from put()).
  void compact_queue();

  // One entry per client ever committed (or found in the log), never
  // erased, so pointers to entries stay valid. Only under log_mu_: the
  // server's thread never touches them.
  struct Entry {
    std::string logged;        // the newest line in the log
    bool since = false;        // logged since the last checkpoint's snapshot (in since_)
    std::uint64_t round = 0;   // the last round that saw this client
    std::size_t last = 0;      // that round's index of its newest record
  };
  using Entries = std::unordered_map<std::string, Entry, StringKeyHash, std::equal_to<>>;
  using EntryPtr = Entries::value_type*;

  // The SQLite file: only under ckpt_mu_ (one checkpoint at a time).
  std::mutex ckpt_mu_;
  std::unique_ptr<TableSnapshot> snapshot_;

  // The log: only under log_mu_. Lock order: ckpt_mu_, log_mu_, mu_.
  std::mutex log_mu_;
  TableLog log_;
  Entries entries_;
  std::uint64_t rounds_ = 0;
  PutQueue retry_;                   // a failed round's newest line per client, written first next round
  PutQueue incoming_;                // the puts taken from queue_ for this round
  std::vector<EntryPtr> record_entry_;  // each record's entry, this round
  std::vector<EntryPtr> round_;      // the entries being appended
  LogBatch batch_;                   // their records, in round_'s order
  std::vector<EntryPtr> since_;      // entries logged since the last checkpoint's snapshot

  // Everything below: only under mu_.
  mutable std::mutex mu_;
  std::condition_variable wake_;
  PutQueue queue_;                   // puts waiting for the commit thread
  std::size_t compact_at_ = 0;
  std::size_t failed_pending_ = 0;   // reports a failed round kept for a retry (0 once one succeeds)
  std::uint64_t put_seq_ = 0;        // puts so far
  std::uint64_t committed_seq_ = 0;  // every put up to this one is committed
  std::optional<std::string> last_error_;
  Stats stats_;
  bool stop_ = false;
  bool closed_ = false;
  bool has_logged_ = false;  // since_ is not empty
  std::condition_variable ckpt_wake_;

  std::thread thread_;
  std::thread ckpt_thread_;
};

}  // namespace herd::durable
