#pragma once
// One herd server, sans I/O. Inputs are the on_* methods; every effect goes
// out through the NodeContext. No clock reads, sockets, threads or globals:
// the same node runs in the simulator, in live mode and in tests.
//
// Guarantees:
// - replies on one client connection leave in the order the commands came,
//   even while an earlier WHATSAT waits for places;
// - a line on a client connection is only ever a client command: an AT or
//   UPDATE line there is answered "? ..." and changes nothing;
// - a report is stored and handed to the strategy only if newer than the
//   held one (Report::newer_than), so stale or duplicate reports stop here.
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "herd/client_directory.h"
#include "herd/context.h"
#include "herd/location_table.h"
#include "herd/strategy.h"

// The driver rule of herd/context.h (no input into the node from inside a
// context callback) is checked in builds without NDEBUG, in sanitizer
// builds (-DHERD_SANITIZE=ON keeps RelWithDebInfo, so NDEBUG is set there
// too) and with -DHERD_CHECK_REENTRY. Elsewhere the check costs nothing.
#if !defined(NDEBUG) || defined(HERD_CHECK_REENTRY) || defined(__SANITIZE_ADDRESS__) || \
    defined(__SANITIZE_THREAD__)
#define HERD_NODE_CHECKS_REENTRY 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define HERD_NODE_CHECKS_REENTRY 1
#endif
#endif

namespace herd {

struct NodeConfig {
  std::string name;               // appears in every AT line this node makes
  std::vector<PeerId> neighbours; // links in the topology
  // Live mode starts with every link down and reports each as it connects;
  // the simulator and tests start with every link up.
  bool peers_start_up = true;
  // Where the location table keeps its slots: its own vector (null), or
  // column `table_column` of a storage shared with other nodes (the
  // simulator; see LocationTable).
  SharedTableStorage* shared_table = nullptr;
  std::size_t table_column = 0;
  // An IAMAT whose client time is more than this ahead of the node's clock
  // is refused ("? line"): once stored, a far-future report could never be
  // replaced (newest wins) and would pin that client herd-wide. 0 = no bound
  // (the simulator; live servers set limits.max_future_skew_ms).
  Nanos max_future_skew = 0;
  // Call NodeContext::persist for every report the table stores (live
  // servers with a durable table).
  bool persist = false;
};

class Node final : private PropagationHost {
 public:
  // True when this build checks the driver rule of herd/context.h: an input
  // method called while another input method of the same node is running
  // (from inside a context callback) throws std::logic_error.
#ifdef HERD_NODE_CHECKS_REENTRY
  static constexpr bool kChecksReentry = true;
#else
  static constexpr bool kChecksReentry = false;
#endif

  // `clients` may be shared by many nodes (the simulator shares one).
  Node(NodeConfig config, NodeContext& ctx, ClientDirectory& clients,
       std::unique_ptr<PropagationStrategy> strategy);
  ~Node() override;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // --- client connections -------------------------------------------------
  // One complete line without its '\n'. `oversized`: the line exceeded
  // kMaxLineBytes and `line` is its first kMaxLineBytes bytes.
  void on_client_line(ConnId conn, std::string_view line, bool oversized = false);
  // The client shut down its sending side: answer what is pending, then close.
  void on_client_eof(ConnId conn);
  // The connection is gone; pending replies to it are dropped.
  void on_client_closed(ConnId conn);

  // --- peers ----------------------------------------------------------------
  void on_peer_message(PeerId from, const PeerMessage& m);
  void on_peer_up(PeerId p);
  void on_peer_down(PeerId p);

  // --- start-up -------------------------------------------------------------
  // The driver calls this once, after building the node (and after any
  // restore), before other inputs: the strategy starts its timers. The
  // simulator and the in-memory driver call it; a driver that never does
  // runs strategies without periodic work (flooding, gossip) the same.
  void on_start();

  // Puts a report read back from durable storage into the table (if newer
  // than the held one), before the node sees any input. Nothing is sent,
  // observed or persisted. Returns true if stored.
  bool restore(ReportRef r);

  // --- completions ----------------------------------------------------------
  void on_places_result(LookupId id, const PlacesResult& result);
  void on_timer(TimerId id);

  const std::string& name() const { return config_.name; }
  const LocationTable& table() const override { return table_; }
  const PropagationStrategy& strategy() const { return *strategy_; }
  std::size_t open_connections() const { return conns_.size(); }
  std::size_t pending_lookups() const { return lookups_.size(); }

 private:
  struct Reply {
    std::uint64_t seq = 0;
    bool ready = false;
    int bound = 0;        // for a WHATSAT waiting on places
    std::string text;     // the full reply, or the AT line while waiting
  };
  struct Conn {
    std::deque<Reply> replies;
    std::uint64_t next_seq = 0;
    bool eof = false;
  };
  struct Lookup { ConnId conn; std::uint64_t seq; };
  class InputScope;  // the re-entry check (node.cpp)

  void handle_iamat(ConnId conn, Conn& c, const struct IamAt& cmd, std::string_view line);
  void refuse(ConnId conn, Conn& c, std::string_view line, Limit why);
  // Offers `r` to the table; `replaced` receives what it replaced.
  bool store(const ReportRef& r, ReportRef& replaced);
  void handle_whatsat(ConnId conn, Conn& c, const struct WhatsAt& cmd, std::string_view line);
  void answer(ConnId conn, Conn& c, std::string text);
  void answer_invalid(ConnId conn, Conn& c, std::string_view line, bool oversized);
  void flush(ConnId conn, Conn& c);

  // PropagationHost
  std::span<const PeerId> neighbours() const override { return config_.neighbours; }
  bool link_up(std::size_t index) const override {
    return index < 64 ? (up_first_ >> index) & 1u : up_rest_[index - 64];
  }
  void set_link_up(std::size_t index, bool up);
  void send(PeerId to, const PeerMessage& m) override;
  void start_timer(TimerId id, Nanos delay) override { ctx_.start_timer(id, delay); }
  Nanos now() const override { return ctx_.now(); }
  const TableDigest& digest() override { return table_.digest(); }

  // What handling a peer message touches comes first, so it shares the
  // node's first two cache lines (the simulator prefetches them).
  NodeContext& ctx_;
  std::unique_ptr<PropagationStrategy> strategy_;
  LocationTable table_;
  // Up-state of each link, parallel to config_.neighbours: one bit each, the
  // first 64 inside the node (a flood reads them for every stored report, and
  // a separate allocation would cost a cache miss each time), the rest of a
  // hub's in a vector.
  std::uint64_t up_first_ = 0;
  NodeConfig config_;
  ClientDirectory& clients_;
  std::vector<bool> up_rest_;
  // Looked up by key only, never iterated, so hash order cannot leak into
  // results.
  std::unordered_map<ConnId, Conn> conns_;
  std::unordered_map<LookupId, Lookup> lookups_;
  LookupId next_lookup_ = 1;
  // The input method running now (null between inputs), for the re-entry
  // check. Present in every build so the layout does not depend on NDEBUG.
  [[maybe_unused]] const char* running_input_ = nullptr;
};

}  // namespace herd
