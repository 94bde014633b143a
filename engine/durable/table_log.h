#pragma once
// The durable table's append-only log, "<path>-log" (docs/durable-table.md,
// "The log"): a header line naming the format version and the server, then
// one "<crc32> <AT line>" record per line. DurableTable appends every group
// commit to it and replaces it at every checkpoint.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace herd::durable {

// Keys are std::string, looked up by std::string_view too.
struct StringKeyHash {
  using is_transparent = void;
  // Not noexcept on purpose: libstdc++ then caches each key's hash in its
  // node, so walking a bucket compares cached hashes instead of rehashing
  // every key it passes.
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// The newest AT line per client.
using LinesByClient = std::unordered_map<std::string, std::string, StringKeyHash, std::equal_to<>>;

// The records of one write to the log, built in two steps so that a caller
// holding a lock only copies: add() leaves each checksum blank, seal() fills
// them in.
class LogBatch {
 public:
  void clear();
  void add(std::string_view at_line);
  void seal();
  std::size_t size() const { return offsets_.size(); }
  // The AT line of the k-th record.
  std::string_view line(std::size_t k) const;
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
  std::vector<std::size_t> offsets_;  // where each record starts in bytes_
};

// Not thread-safe: DurableTable uses it under its log mutex. Every failure
// throws DurableTableError naming the log.
class TableLog {
 public:
  TableLog(std::string path, std::string server);
  ~TableLog();
  TableLog(const TableLog&) = delete;
  TableLog& operator=(const TableLog&) = delete;

  struct Contents {
    LinesByClient lines;              // the newest line per client, a later record winning
    std::uint64_t valid_bytes = 0;    // the header and every record before a torn last one
    bool exists = false;
  };
  // Reads and checks the log, reads only. A torn last record (no newline,
  // not a record, or a bad checksum) is left out; any other bad line, a
  // missing or foreign header or another format version is refused.
  Contents read() const;

  // Opens the log as read() found it: cuts off a torn last record, or
  // creates an empty log if there was none. Removes a stale "<log>.tmp".
  void open(const Contents& checked);

  // Appends `batch` (sealed) and fdatasyncs. After a failed append the next
  // one first truncates the log back to its last complete record.
  void append(const LogBatch& batch);

  // Replaces the log by one holding only `batch` (sealed): written to
  // "<log>.tmp", fdatasync'ed, renamed over the log, directory fsynced.
  void rewrite(const LogBatch& batch);

  void close();
  bool is_open() const { return fd_ >= 0; }
  // Bytes of complete, fdatasync'ed records (header included).
  std::uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string server_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  bool tail_dirty_ = false;  // a failed append may have left bytes past size_
};

}  // namespace herd::durable
