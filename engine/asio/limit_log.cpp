#include "engine/asio/limit_log.h"

namespace herd::live {

LimitLog::LimitLog(ServerLog& log, NodeObserver* inner, const Limits& limits, const ClientDirectory& clients)
    : log_(log), inner_(inner), limits_(limits), clients_(clients) {}

void LimitLog::event(LimitEvent kind, const std::string& text) {
  auto& r = events_[static_cast<std::size_t>(kind)];
  const auto now = std::chrono::steady_clock::now();
  if (now - r.last < std::chrono::seconds(1)) {
    ++r.suppressed;
    return;
  }
  r.last = now;
  std::string line = text;
  if (r.suppressed) line += " (and " + std::to_string(r.suppressed) + " more like it in the last second(s), not logged)";
  r.suppressed = 0;
  log_.event(line);
}

void LimitLog::limit_hit(ConnId conn, Limit which, std::string_view line) {
  inner().limit_hit(conn, which, line);
  const std::string who = "client#" + std::to_string(conn);
  const std::string head(line.substr(0, 80));
  switch (which) {
    case Limit::FutureTime:
      event(LimitEvent::FutureTime, who + " refused an IAMAT more than limits.max_future_skew_ms (" +
                                        std::to_string(limits_.max_future_skew_ms) +
                                        ") ahead of this server's clock: " + head);
      break;
    case Limit::ClientCap:
      event(LimitEvent::ClientCap, who + " refused an IAMAT from a new client: the client directory is full (" +
                                       std::to_string(clients_.size()) + " clients, " +
                                       std::to_string(clients_.bytes()) +
                                       " bytes of IDs; limits.max_clients, limits.max_client_bytes): " + head);
      break;
  }
}

}  // namespace herd::live
