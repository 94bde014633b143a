#pragma once
// Bytes waiting to go out on one socket, with a hard cap. Double-buffered:
// `pending` collects appends while `inflight` is being written, so every
// write carries everything queued so far (one syscall for many replies).
#include <cstddef>
#include <string>
#include <string_view>

namespace herd::live {

class OutputQueue {
 public:
  explicit OutputQueue(std::size_t cap) : cap_(cap) {}

  // False (and nothing queued) if the queue would exceed its cap.
  bool append(std::string_view bytes) {
    if (size() + bytes.size() > cap_) return false;
    pending_.append(bytes);
    return true;
  }
  std::size_t size() const { return pending_.size() + inflight_.size(); }
  bool writing() const { return !inflight_.empty(); }
  bool has_pending() const { return !pending_.empty(); }
  // Moves pending bytes in flight; the caller writes inflight() in full.
  const std::string& start_write() {
    inflight_.swap(pending_);
    pending_.clear();
    return inflight_;
  }
  void write_done() { inflight_.clear(); }

 private:
  std::size_t cap_;
  std::string pending_;
  std::string inflight_;
};

}  // namespace herd::live
