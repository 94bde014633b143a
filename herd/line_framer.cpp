#include "herd/line_framer.h"

namespace herd {

void LineFramer::feed(std::string_view bytes, const Sink& sink) {
  while (!bytes.empty()) {
    const auto nl = bytes.find('\n');
    const std::string_view chunk = bytes.substr(0, nl);
    if (discarding_) {
      if (nl == std::string_view::npos) return;
      discarding_ = false;
    } else if (buf_.size() + chunk.size() > max_) {
      buf_.append(chunk.substr(0, max_ - buf_.size()));
      sink(buf_, true);
      buf_.clear();
      discarding_ = nl == std::string_view::npos;
      if (discarding_) return;
    } else if (nl == std::string_view::npos) {
      buf_.append(chunk);
      return;
    } else if (buf_.empty()) {
      sink(chunk, false);  // the common case: a whole line in one read, no copy
    } else {
      buf_.append(chunk);
      sink(buf_, false);
      buf_.clear();
    }
    bytes.remove_prefix(nl + 1);
  }
}

void LineFramer::finish(const Sink& sink) {
  if (!buf_.empty() && !discarding_) sink(buf_, false);
  buf_.clear();
  discarding_ = false;
}

}  // namespace herd
