#include "harness/live_events.h"

#include "herd/report.h"

namespace herd::harness {

class LiveEvents::ServerObserver final : public NodeObserver {
 public:
  ServerObserver(LiveEvents& e, std::uint32_t node) : e_(e), node_(node) {}
  void client_report(const ReportRef& r, bool stored, const Report*) override {
    e_.post_([&e = e_, n = node_, line = r->at_line(), stored, at = e_.clock_()] { e.client_report(n, line, stored, at); });
  }
  void peer_report(PeerId, const PeerMessage& m, bool stored, const Report*) override {
    if (!m.report) return;
    e_.post_([&e = e_, n = node_, line = m.report->at_line(), hops = m.hops, stored, at = e_.clock_()] {
      e.peer_report(n, line, hops, stored, at);
    });
  }
  void peer_sent(PeerId, const PeerMessage&) override { ++e_.peer_sent_; }
  void whatsat(ClientId, const Report& served) override {
    e_.post_([&e = e_, n = node_, line = served.at_line(), at = e_.clock_()] { e.whatsat(n, line, at); });
  }
  void invalid_line(ConnId, std::string_view line, bool) override {
    e_.post_([&e = e_, n = node_, line = std::string(line), at = e_.clock_()] {
      ++e.events_handled_;
      e.events_.invalid_line(n, line, at);
    });
  }

 private:
  LiveEvents& e_;
  std::uint32_t node_;
};

LiveEvents::LiveEvents(WorldEvents& events, std::function<void(std::function<void()>)> post,
                       std::function<Nanos()> clock)
    : events_(events), post_(std::move(post)), clock_(std::move(clock)) {}

std::unique_ptr<NodeObserver> LiveEvents::observer(std::uint32_t node) {
  return std::make_unique<ServerObserver>(*this, node);
}

const ReportRef* LiveEvents::canonical(const std::string& at_line) {
  auto it = reports_.find(at_line);
  if (it != reports_.end()) return &it->second;
  ReportRef r = parse_at_line(at_line, clients_);
  if (!r) return nullptr;
  return &reports_.emplace(at_line, std::move(r)).first->second;
}

const Report* LiveEvents::replace_held(std::uint32_t node, const ReportRef& r) {
  const Report*& slot = held_[{node, r->client()}];
  const Report* before = slot;
  slot = r.get();
  return before;
}

bool LiveEvents::after_crash(std::uint32_t node, Nanos at) const {
  const auto it = crashed_at_.find(node);
  return it != crashed_at_.end() && at >= it->second;
}

void LiveEvents::server_crashed(std::uint32_t node, Nanos at) {
  crashed_at_[node] = at;
  lose_held(node);  // at the fault's time, as in the simulator
}

void LiveEvents::server_restarted(std::uint32_t node) {
  // Only the crash this restart ends: a later crash of the same server,
  // dispatched before this runs, stays in force.
  const auto it = crashed_at_.find(node);
  const Nanos crash = it == crashed_at_.end() ? -1 : it->second;
  post_([this, node, crash] {
    const auto now = crashed_at_.find(node);
    if (now != crashed_at_.end() && now->second == crash) crashed_at_.erase(now);
  });
}

void LiveEvents::lose_held(std::uint32_t node) {
  for (auto it = held_.lower_bound({node, 0}); it != held_.end() && it->first.first == node;) {
    events_.lost(node, it->first.second, it->second);
    it = held_.erase(it);
  }
}

void LiveEvents::client_report(std::uint32_t node, const std::string& at_line, bool stored, Nanos at) {
  ++events_handled_;
  const ReportRef* r = stored ? canonical(at_line) : nullptr;
  if (!r) return events_.client_report(node, ReportRef(), false, nullptr, at);
  const Report* previous = replace_held(node, *r);
  events_.client_report(node, *r, true, previous, at);
}

void LiveEvents::peer_report(std::uint32_t node, const std::string& at_line, std::uint16_t hops, bool stored,
                             Nanos at) {
  ++events_handled_;
  // Not delivered, as in the simulator: lost with the crashed server.
  if (after_crash(node, at)) return;
  if (!stored) {
    ++duplicates_;
    return events_.peer_report(node, ReportRef(), hops, false, nullptr, at);
  }
  ++stored_;
  const ReportRef* r = canonical(at_line);
  if (!r) return;
  const Report* previous = replace_held(node, *r);
  events_.peer_report(node, *r, hops, true, previous, at);
}

void LiveEvents::whatsat(std::uint32_t node, const std::string& served_at_line, Nanos at) {
  ++events_handled_;
  if (const ReportRef* r = canonical(served_at_line)) events_.whatsat(node, **r, at);
}

void LiveEvents::server_stopped(std::uint32_t node) {
  post_([this, node] {
    ++events_handled_;
    lose_held(node);  // what its answers in the grace stored
  });
}

}  // namespace herd::harness
