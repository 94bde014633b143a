#pragma once
// Carries what the servers of a live run do to the harness (WorldEvents).
//
// Every LiveServer calls its observer on its own thread. The observer copies
// what it needs (the AT line: origin, time difference, client, coordinates
// and client time, unique per accepted IAMAT and copied verbatim by
// flooding) and the scenario time, and posts it to the run's one client
// thread, where the harness runs. Posting keeps each server's order, and a
// node calls its observer before it floods, so an update's issue always
// reaches the harness before any peer's store of it.
//
// Each server has its own Report objects and client ids, so the harness gets
// canonical ones: one Report per AT line, parsed once, in one client
// directory. What each server held is mirrored per (server, client), for
// `previous` and for what a crashed server loses.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "harness/world.h"
#include "herd/client_directory.h"
#include "herd/observer.h"

namespace herd::harness {

class LiveEvents {
 public:
  // `post` runs a function on the client thread; `clock` gives scenario time
  // (any thread).
  LiveEvents(WorldEvents& events, std::function<void(std::function<void()>)> post, std::function<Nanos()> clock);

  // An observer for server `node` (called on its thread); must not outlive this.
  std::unique_ptr<NodeObserver> observer(std::uint32_t node);

  // Server `node` crashed at scenario time `at`: what it held is lost now.
  // It still answers the commands it was sent before (and those answers
  // count: in the simulator they happened before the crash), but what
  // reaches it from peers from then on is not heard and not counted as
  // delivered: in the simulator a crash is instant.
  void server_crashed(std::uint32_t node, Nanos at);
  // Server `node` has stopped (joined): once everything it posted has been
  // handled, tells the harness what it held (WorldEvents::lost).
  void server_stopped(std::uint32_t node);
  // Server `node` is coming back (empty): once everything the old one posted
  // has been handled, it is heard again. Call before starting it.
  void server_restarted(std::uint32_t node);

  // --- client thread ------------------------------------------------------------------
  ClientId client_id(std::string_view name) const { return clients_.find(name).value_or(0); }
  std::uint64_t peer_sent() const { return peer_sent_.load(); }
  std::uint64_t peer_stored() const { return stored_; }
  std::uint64_t duplicates() const { return duplicates_; }
  std::uint64_t events() const { return events_handled_; }

 private:
  class ServerObserver;
  void client_report(std::uint32_t node, const std::string& at_line, bool stored, Nanos at);
  void peer_report(std::uint32_t node, const std::string& at_line, std::uint16_t hops, bool stored, Nanos at);
  void whatsat(std::uint32_t node, const std::string& served_at_line, Nanos at);
  // Tells the harness what `node` held (WorldEvents::lost) and forgets it.
  void lose_held(std::uint32_t node);
  // Whether a peer message reached `node` at `at`, after its crash.
  bool after_crash(std::uint32_t node, Nanos at) const;
  // The canonical Report for an AT line; null if malformed.
  const ReportRef* canonical(const std::string& at_line);
  // What `node` held for the report's client before; remembers `r`.
  const Report* replace_held(std::uint32_t node, const ReportRef& r);

  WorldEvents& events_;
  std::function<void(std::function<void()>)> post_;
  std::function<Nanos()> clock_;
  std::atomic<std::uint64_t> peer_sent_{0};
  ClientDirectory clients_;
  std::map<std::string, ReportRef, std::less<>> reports_;               // by AT line
  std::map<std::pair<std::uint32_t, ClientId>, const Report*> held_;  // (server, client)
  std::uint64_t stored_ = 0, duplicates_ = 0, events_handled_ = 0;
  std::map<std::uint32_t, Nanos> crashed_at_;  // servers down, and since when
};

}  // namespace herd::harness
