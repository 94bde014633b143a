#pragma once
// The node's observer in a live server (internal to the Asio driver): every
// node event goes on to the observer the server was given (ServerOptions),
// and refusals by a limit are logged, at most once a second per kind with a
// count of those not logged, so an attacker cannot turn the log into the
// bottleneck.
#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/asio/herd_config.h"
#include "engine/asio/server_log.h"
#include "herd/client_directory.h"
#include "herd/observer.h"

namespace herd::live {

// The kinds of rate-limited log events.
enum class LimitEvent : std::size_t { FutureTime, ClientCap, PeerUpdate, kCount };

class LimitLog final : public NodeObserver {
 public:
  // `inner` null: node events go nowhere else.
  LimitLog(ServerLog& log, NodeObserver* inner, const Limits& limits, const ClientDirectory& clients);

  // Logs `text` unless an event of this kind was logged less than a second ago.
  void event(LimitEvent kind, const std::string& text);

  void client_report(const ReportRef& r, bool stored, const Report* previous) override {
    inner().client_report(r, stored, previous);
  }
  void peer_report(PeerId from, const PeerMessage& m, bool stored, const Report* previous) override {
    inner().peer_report(from, m, stored, previous);
  }
  void peer_sent(PeerId to, const PeerMessage& m) override { inner().peer_sent(to, m); }
  void whatsat(ClientId c, const Report& served) override { inner().whatsat(c, served); }
  void invalid_line(ConnId conn, std::string_view line, bool oversized) override {
    inner().invalid_line(conn, line, oversized);
  }
  void limit_hit(ConnId conn, Limit which, std::string_view line) override;

 private:
  struct RateLimited {
    std::chrono::steady_clock::time_point last{};
    std::uint64_t suppressed = 0;
  };
  NodeObserver& inner() { return inner_ ? *inner_ : none_; }

  ServerLog& log_;
  NodeObserver* inner_;
  NodeObserver none_;
  const Limits& limits_;
  const ClientDirectory& clients_;
  std::array<RateLimited, static_cast<std::size_t>(LimitEvent::kCount)> events_{};
};

}  // namespace herd::live
