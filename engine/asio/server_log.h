#pragma once
// One server's log file: every line in and out and every peer connect and
// drop, each stamped with UTC wall-clock time to the microsecond. Lines
// logged while a TimeHold lives (a read handler: the lines read and what
// the server sent in answer) share the time the hold took, read once.
//
// The server's thread only formats: lines go into a local buffer, and full
// buffers (every 64 KiB, on every event and on flush()) are handed to a
// writer thread through a bounded queue. The server's thread never touches
// the file, so a disk's write-back stalls the writer, not the protocol.
//
// Bounds and drop policy:
//  - Queue: the buffers handed over and not yet written hold at most
//    options.queue_bytes (text plus a small per-buffer overhead). A buffer
//    that does not fit is not queued and the server's thread never waits:
//    its protocol lines are dropped and counted; its events (if any) are
//    queued on their own if they fit, else counted as dropped too. Before
//    the next buffer that is queued, the writer writes one line
//    "<time> log: <N> lines dropped (log queue full, log_queue_bytes=<Q>)"
//    (a notice that cannot be queued waits for the next buffer that can).
//    lines() never waits, not even for the lock (it keeps buffering and
//    tries again on its next call); event() and flush() wait only for the
//    lock, never for the disk. sync() and the destructor never drop: they
//    queue what is left regardless of the bound (by one buffer) and wait.
//  - Disk: the file is rotated by size on the writer thread (<name>.log ->
//    <name>.log.1 -> ... -> <name>.log.<keep>, the oldest deleted). Buffers
//    are split at line boundaries, so every file is at most max_bytes, or
//    holds a single line longer than max_bytes; in all at most
//    (keep + 1) * max(max_bytes, longest line) bytes.
//
// Never given secrets or API keys: callers log lines and events only.
// lines(), event(), flush() and sync() are for one thread (the server's);
// dropped_lines() may be called from any thread.
#include <condition_variable>
#include <cstdio>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace herd::live {

struct LogOptions {
  bool lines = true;                  // log every line in and out (events always)
  std::uint64_t max_bytes = 64ull << 20;  // rotate before a file would pass this
  unsigned keep = 4;                  // rotated files kept: <name>.log.1 .. .<keep>
  std::size_t queue_bytes = 8u << 20; // handed over, not yet written
};

struct ServerLogTestHook;  // tests only: pauses the writer thread

class ServerLog {
 public:
  ServerLog() = default;
  ~ServerLog();  // hands over what is buffered, writes everything, joins
  ServerLog(const ServerLog&) = delete;
  ServerLog& operator=(const ServerLog&) = delete;

  // Opens (appending, creating directories) `dir`/`name`.log and starts the
  // writer thread. Throws std::runtime_error naming the path and the
  // system's reason on failure.
  void open(const std::string& dir, const std::string& name, const LogOptions& options);
  // The old form: default options but for `log_lines`.
  void open(const std::string& dir, const std::string& name, bool log_lines);
  bool enabled() const { return open_; }
  bool lines_enabled() const { return open_ && options_.lines; }
  const std::string& path() const { return path_; }

  // "<time> <who> <dir> <line>" per line of `text` (dir is '<' in, '>' out).
  void lines(std::string_view who, char dir, std::string_view text);
  // "<time> <text>" for connects, drops, refusals and warnings; handed to
  // the writer at once.
  void event(std::string_view text);
  // Hands what is buffered to the writer (may drop, as above; never waits).
  void flush();
  // Hands over what is buffered and waits until everything handed over so
  // far is written to the file (write(2): in the kernel). Never drops.
  void sync();
  // Lines lost so far: dropped because the queue was full, or (rare) not
  // written because the file could not be written or reopened.
  std::uint64_t dropped_lines() const;

  // While one lives, every stamp is the clock reading taken when the
  // outermost hold began: one read of the clock per socket read instead of
  // one per line (it was a tenth of a logged server's time). Nests.
  class TimeHold {
   public:
    explicit TimeHold(ServerLog& log) : log_(log) { ++log_.holds_; }
    ~TimeHold() {
      if (--log_.holds_ == 0) log_.held_valid_ = false;
    }
    TimeHold(const TimeHold&) = delete;
    TimeHold& operator=(const TimeHold&) = delete;

   private:
    ServerLog& log_;
  };

 private:
  friend struct ServerLogTestHook;

  struct Chunk {
    std::string text;
    std::uint64_t lines = 0;           // lines in text
    std::uint64_t dropped_before = 0;  // lines dropped just before it
    std::uint64_t cost = 0;            // counted against queue_bytes
  };

  void stamp();
  void line_done();
  // Queues buf_ (or as much of it as the policy allows). `force`: ignore
  // the bound (sync, shutdown).
  // `try_only`: give up (keep buffering) if the lock is busy.
  void hand_over(bool force, bool try_only = false);
  bool admit(std::string&& text, std::uint64_t lines, bool force);
  void close();
  void writer_loop();
  void write_chunk(const Chunk& c);
  void write_text(std::string_view text, bool count_losses);
  void put(std::string_view piece, bool count_losses);
  void rotate();
  bool reopen(bool truncate);
  void pause_writer(bool paused);

  // Handed over in pieces this big (or smaller, for a small queue).
  static constexpr std::size_t kHandBytes = 64 * 1024;
  // Buffers smaller than this are copied on handover (the local buffer
  // keeps its capacity); larger ones are moved and replaced by a spare.
  static constexpr std::size_t kCopyBelow = 4096;
  static constexpr std::uint64_t kChunkOverhead = 64;
  // Buffers are allocated this much over hand_bytes_ (the last line runs
  // over), and up to kSpares written ones are kept for reuse.
  static constexpr std::size_t kSlackBytes = 8 * 1024;
  static constexpr std::size_t kSpares = 8;

  // Set by open(), then read-only.
  bool open_ = false;
  std::string path_;
  LogOptions options_;
  std::size_t hand_bytes_ = kHandBytes;

  // The server's thread.
  std::string buf_;
  std::uint64_t buf_lines_ = 0;
  std::vector<std::pair<std::size_t, std::size_t>> buf_events_;  // offset, size
  std::uint64_t pending_dropped_ = 0;  // dropped since the last queued chunk
  std::uint64_t handed_ = 0;           // chunks queued so far
  long long cached_sec_ = -1;
  char cached_prefix_[32] = {};
  unsigned holds_ = 0;          // TimeHolds alive
  bool held_valid_ = false;     // held_stamp_ is this hold's
  char held_stamp_[28] = {};    // "YYYY-MM-DDTHH:MM:SS.uuuuuuZ "

  // Shared, under mu_.
  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // writer waits for chunks
  std::condition_variable done_cv_;  // sync() waits for written_
  std::deque<Chunk> queue_;
  std::vector<std::string> spares_;
  std::uint64_t queued_cost_ = 0;  // queued or being written
  std::uint64_t written_ = 0;      // chunks written so far
  std::uint64_t dropped_ = 0;
  bool stop_ = false;
  bool paused_ = false;
  bool writer_started_ = false;  // the writer thread has taken mu_ once

  // The writer thread's (open() and close() hand it over and back).
  int fd_ = -1;
  std::uint64_t file_bytes_ = 0;
  std::thread writer_;
};

}  // namespace herd::live
