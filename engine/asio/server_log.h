#pragma once
// One server's log file: every line in and out and every peer connect and
// drop, each stamped with UTC wall-clock time to the microsecond. Buffered
// (the server flushes it periodically and on stop) because at 100k lines a
// second an unbuffered write per line would cost more than the protocol.
// Never given secrets or API keys: callers log lines and events only.
#include <cstdio>
#include <string>
#include <string_view>

namespace herd::live {

class ServerLog {
 public:
  ServerLog() = default;
  ~ServerLog();
  ServerLog(const ServerLog&) = delete;
  ServerLog& operator=(const ServerLog&) = delete;

  // Opens (appending, creating directories) `dir`/`name`.log. Throws
  // std::runtime_error naming the path on failure.
  void open(const std::string& dir, const std::string& name, bool log_lines);
  bool enabled() const { return file_ != nullptr; }
  bool lines_enabled() const { return file_ != nullptr && log_lines_; }
  const std::string& path() const { return path_; }

  // "<time> <who> <dir> <line>" per line of `text` (dir is '<' in, '>' out).
  void lines(std::string_view who, char dir, std::string_view text);
  // "<time> <text>" for connects, drops, refusals and warnings.
  void event(std::string_view text);
  void flush();

 private:
  void stamp();

  // Written out in pieces this big: one write of a larger buffer stalls
  // the server's thread (and every reply and flood behind it) for longer.
  static constexpr std::size_t kFlushBytes = 64 * 1024;

  std::FILE* file_ = nullptr;
  std::string path_;
  bool log_lines_ = true;
  std::string buf_;
  long long cached_sec_ = -1;
  char cached_prefix_[32] = {};
};

}  // namespace herd::live
