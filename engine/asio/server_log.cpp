#include "engine/asio/server_log.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace herd::live {

namespace {

// Writes "YYYY-MM-DDTHH:MM:SS.uuuuuuZ " (kStampBytes) to `out`: the seconds
// formatted once per second into `prefix` (strftime is slow), the
// microseconds by hand (snprintf was a third of a line's cost).
constexpr std::size_t kStampBytes = 28;
void format_time(char* out, long long& cached_sec, char (&prefix)[32]) {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  if (ts.tv_sec != cached_sec) {
    cached_sec = ts.tv_sec;
    std::tm tm{};
    gmtime_r(&ts.tv_sec, &tm);
    if (std::strftime(prefix, sizeof prefix, "%Y-%m-%dT%H:%M:%S", &tm) != 19) std::memset(prefix, '?', 19);
  }
  std::memcpy(out, prefix, 19);
  char* frac = out + 19;
  frac[0] = '.';
  auto us = static_cast<unsigned>(ts.tv_nsec / 1000);
  for (int i = 6; i >= 1; --i) {
    frac[i] = static_cast<char>('0' + us % 10);
    us /= 10;
  }
  frac[7] = 'Z';
  frac[8] = ' ';
}

void append_time(std::string& out, long long& cached_sec, char (&prefix)[32]) {
  char stamp[kStampBytes];
  format_time(stamp, cached_sec, prefix);
  out.append(stamp, kStampBytes);
}

std::uint64_t count_lines(std::string_view text) {
  std::uint64_t n = 0;
  for (const char ch : text) n += ch == '\n';
  return n;
}

}  // namespace

ServerLog::~ServerLog() { close(); }

void ServerLog::open(const std::string& dir, const std::string& name, bool log_lines) {
  LogOptions o;
  o.lines = log_lines;
  open(dir, name, o);
}

void ServerLog::open(const std::string& dir, const std::string& name, const LogOptions& options) {
  close();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  path_ = (std::filesystem::path(dir) / (name + ".log")).string();
  options_ = options;
  if (!reopen(false)) {
    const int err = errno;
    throw std::runtime_error("cannot open log file " + path_ + ": " + std::strerror(err));
  }
  hand_bytes_ = std::max<std::size_t>(1, std::min(kHandBytes, options_.queue_bytes / 4));
  buf_.clear();
  buf_.reserve(hand_bytes_ + kSlackBytes);
  buf_lines_ = 0;
  buf_events_.clear();
  pending_dropped_ = 0;
  handed_ = 0;
  {
    std::lock_guard lk(mu_);
    queue_.clear();
    queued_cost_ = 0;
    written_ = 0;
    dropped_ = 0;
    stop_ = false;
    paused_ = false;
    writer_started_ = false;
  }
  open_ = true;
  writer_ = std::thread([this] { writer_loop(); });
  // The writer takes mu_ once as it starts; waiting for that here means a
  // later hand-over's try_lock only ever meets a writer that is writing.
  std::unique_lock lk(mu_);
  done_cv_.wait(lk, [&] { return writer_started_; });
}

void ServerLog::close() {
  if (!open_) return;
  hand_over(true);
  {
    std::lock_guard lk(mu_);
    stop_ = true;  // overrides a paused writer
  }
  work_cv_.notify_one();
  writer_.join();
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  open_ = false;
}

// ---- the server's thread --------------------------------------------------

void ServerLog::stamp() {
  if (holds_ == 0) return append_time(buf_, cached_sec_, cached_prefix_);
  if (!held_valid_) {
    format_time(held_stamp_, cached_sec_, cached_prefix_);
    held_valid_ = true;
  }
  buf_.append(held_stamp_, kStampBytes);
}

void ServerLog::lines(std::string_view who, char dir, std::string_view text) {
  if (!lines_enabled()) return;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    stamp();
    buf_.append(who);
    buf_.push_back(' ');
    buf_.push_back(dir);
    buf_.push_back(' ');
    buf_.append(line);
    buf_.push_back('\n');
    ++buf_lines_;
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  // try_lock: should the writer hold the lock this instant, keep
  // buffering and hand over on a later call rather than wait.
  if (buf_.size() >= hand_bytes_) hand_over(false, true);
}

void ServerLog::event(std::string_view text) {
  if (!open_) return;
  const std::size_t at = buf_.size();
  stamp();
  buf_.append(text);
  buf_.push_back('\n');
  ++buf_lines_;
  buf_events_.emplace_back(at, buf_.size() - at);
  hand_over(false);  // events are the most useful lines after a crash
}

void ServerLog::flush() {
  if (open_) hand_over(false);
}

void ServerLog::sync() {
  if (!open_) return;
  hand_over(true);
  const std::uint64_t target = handed_;
  std::unique_lock lk(mu_);
  done_cv_.wait(lk, [&] { return written_ >= target; });
}

std::uint64_t ServerLog::dropped_lines() const {
  std::lock_guard lk(mu_);
  return dropped_;
}

bool ServerLog::admit(std::string&& text, std::uint64_t lines, bool force) {
  // Called with mu_ held.
  const std::uint64_t cost = text.size() + kChunkOverhead;
  if (!force && queued_cost_ + cost > options_.queue_bytes) return false;
  Chunk c;
  c.text = std::move(text);
  c.lines = lines;
  c.dropped_before = pending_dropped_;
  c.cost = cost;
  queue_.push_back(std::move(c));
  queued_cost_ += cost;
  pending_dropped_ = 0;
  ++handed_;
  return true;
}

void ServerLog::hand_over(bool force, bool try_only) {
  if (buf_.empty() && pending_dropped_ == 0) return;
  bool queued = false;
  bool wake = false;
  {
    std::unique_lock lk(mu_, std::defer_lock);
    if (!try_only) {
      lk.lock();
    } else if (!lk.try_lock()) {
      return;
    }
    wake = !paused_ || stop_;  // a paused writer is not woken (tests)
    const std::uint64_t cost = buf_.size() + kChunkOverhead;
    if (force || queued_cost_ + cost <= options_.queue_bytes) {
      std::string text;
      if (buf_.size() < kCopyBelow) {
        text.assign(buf_);  // small: the buffer keeps its capacity
        buf_.clear();
      } else {
        text = std::move(buf_);
        if (!spares_.empty()) {
          buf_ = std::move(spares_.back());
          spares_.pop_back();
        } else {
          buf_ = std::string();
          buf_.reserve(hand_bytes_ + kSlackBytes);
        }
      }
      queued = admit(std::move(text), buf_lines_, true);
    } else {
      // No room: the protocol lines go; the events try on their own.
      const std::uint64_t events = buf_events_.size();
      dropped_ += buf_lines_ - events;
      pending_dropped_ += buf_lines_ - events;
      if (events > 0) {
        std::string text;
        for (const auto& [at, n] : buf_events_) text.append(buf_, at, n);
        if (admit(std::move(text), events, false)) {
          queued = true;
        } else {
          dropped_ += events;
          pending_dropped_ += events;
        }
      }
      buf_.clear();
    }
  }
  buf_lines_ = 0;
  buf_events_.clear();
  if (queued && wake) work_cv_.notify_one();
}

// ---- the writer thread ----------------------------------------------------

void ServerLog::pause_writer(bool paused) {
  {
    std::lock_guard lk(mu_);
    paused_ = paused;
  }
  work_cv_.notify_one();
}

void ServerLog::writer_loop() {
  std::unique_lock lk(mu_);
  writer_started_ = true;
  done_cv_.notify_all();
  for (;;) {
    work_cv_.wait(lk, [&] { return stop_ || (!paused_ && !queue_.empty()); });
    if (queue_.empty()) {
      if (stop_) return;
      continue;
    }
    Chunk c = std::move(queue_.front());
    queue_.pop_front();
    lk.unlock();
    write_chunk(c);
    lk.lock();
    queued_cost_ -= c.cost;
    ++written_;
    // Keep a few big buffers for the server's thread to reuse.
    if (c.text.capacity() >= hand_bytes_ && c.text.capacity() <= 4 * hand_bytes_ && spares_.size() < kSpares) {
      c.text.clear();
      spares_.push_back(std::move(c.text));
    }
    done_cv_.notify_all();
  }
}

void ServerLog::write_chunk(const Chunk& c) {
  if (c.dropped_before > 0) {
    long long sec = -1;
    char prefix[32];
    std::string notice;
    append_time(notice, sec, prefix);
    notice += "log: " + std::to_string(c.dropped_before) + " lines dropped (log queue full, log_queue_bytes=" +
              std::to_string(options_.queue_bytes) + ")\n";
    write_text(notice, false);
  }
  if (!c.text.empty()) write_text(c.text, true);
}

void ServerLog::write_text(std::string_view text, bool count_losses) {
  const std::uint64_t max = options_.max_bytes;
  while (!text.empty()) {
    const std::uint64_t room = file_bytes_ < max ? max - file_bytes_ : 0;
    if (text.size() <= room) {
      put(text, count_losses);
      return;
    }
    // The longest run of whole lines that fits, then a fresh file.
    const auto cut = room > 0 ? text.rfind('\n', static_cast<std::size_t>(room - 1)) : std::string_view::npos;
    if (cut != std::string_view::npos) {
      put(text.substr(0, cut + 1), count_losses);
      text.remove_prefix(cut + 1);
      rotate();
    } else if (file_bytes_ > 0) {
      rotate();
    } else {
      // A fresh file and a first line longer than max_bytes: it goes in
      // whole, alone (the next write rotates).
      const auto nl = text.find('\n');
      const std::size_t n = nl == std::string_view::npos ? text.size() : nl + 1;
      put(text.substr(0, n), count_losses);
      text.remove_prefix(n);
    }
  }
}

void ServerLog::put(std::string_view piece, bool count_losses) {
  if (fd_ < 0 && !reopen(false)) {
    if (count_losses) {
      std::lock_guard lk(mu_);
      dropped_ += count_lines(piece);
    }
    return;
  }
  while (!piece.empty()) {
    const ssize_t n = ::write(fd_, piece.data(), piece.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (count_losses) {
        std::lock_guard lk(mu_);
        dropped_ += count_lines(piece);
      }
      return;
    }
    piece.remove_prefix(static_cast<std::size_t>(n));
    file_bytes_ += static_cast<std::uint64_t>(n);
  }
}

void ServerLog::rotate() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  file_bytes_ = 0;
  if (options_.keep == 0) {
    ::unlink(path_.c_str());
  } else {
    for (unsigned k = options_.keep; k-- > 1;) {  // .keep-1 -> .keep, ..., .1 -> .2
      const std::string from = path_ + "." + std::to_string(k);
      const std::string to = path_ + "." + std::to_string(k + 1);
      ::rename(from.c_str(), to.c_str());  // absent: nothing to move
    }
    ::rename(path_.c_str(), (path_ + ".1").c_str());
  }
  // Truncating: should a rename have failed, the bound still holds.
  reopen(true);
}

bool ServerLog::reopen(bool truncate) {
  const int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0);
  fd_ = ::open(path_.c_str(), flags, 0644);
  if (fd_ < 0) return false;
  struct stat st {};
  file_bytes_ = ::fstat(fd_, &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  return true;
}

}  // namespace herd::live
