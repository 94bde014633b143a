#pragma once
// Splits a byte stream into protocol lines with a hard memory bound.
// Sans I/O: a driver feeds whatever bytes a read returned.
#include <functional>
#include <string>
#include <string_view>

#include "herd/types.h"

namespace herd {

class LineFramer {
 public:
  // Called once per line, without its '\n'. `oversized`: the line was longer
  // than the bound and `line` holds only its first `max_line` bytes; the rest
  // of that line is discarded as it arrives and never buffered.
  using Sink = std::function<void(std::string_view line, bool oversized)>;

  explicit LineFramer(std::size_t max_line = kMaxLineBytes) : max_(max_line) {}

  void feed(std::string_view bytes, const Sink& sink);
  // End of stream: a last line without '\n' still counts as a line.
  void finish(const Sink& sink);
  // Bytes currently held (never more than the bound).
  std::size_t buffered() const { return buf_.size(); }

 private:
  std::size_t max_;
  std::string buf_;
  bool discarding_ = false;  // inside the tail of an oversized line
};

}  // namespace herd
