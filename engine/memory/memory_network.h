#pragma once
// An in-memory herd for tests and demos: every node of a topology on one
// thread, with nothing delivered until the test says so. Peer messages wait
// in a list the test can deliver in any order, hold back, or drop; places
// lookups wait until answered (or answer at once from the offline provider).
// Deterministic: no clocks, no randomness, no hash-order iteration.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "herd/line_framer.h"
#include "herd/node.h"
#include "topology/topology.h"

namespace herd::memory {

class MemoryNetwork {
 public:
  // Builds the strategy of node `node` (default: flooding).
  using MakeStrategy = std::function<std::unique_ptr<PropagationStrategy>(std::size_t node)>;

  // PeerIds are node indices in `topology`. Every node gets on_start() once
  // all are built.
  explicit MemoryNetwork(const Topology& topology, Nanos start_time = 1'621'464'827'000'000'000,
                         const MakeStrategy& make_strategy = nullptr);
  ~MemoryNetwork();

  std::size_t size() const { return nodes_.size(); }
  // The client directory every node shares (reports for Node::restore).
  ClientDirectory& clients() { return clients_; }
  Node& node(std::size_t i) { return *nodes_[i]->node; }
  std::size_t index_of(std::string_view name) const;

  Nanos now() const { return now_; }
  void set_now(Nanos t) { now_ = t; }

  // --- a client's side of connection `conn` to node `n` ----------------------
  // Bytes as a socket would carry them; split into lines by a LineFramer.
  void client_send(std::size_t n, ConnId conn, std::string_view bytes);
  void client_shutdown(std::size_t n, ConnId conn);  // half-close: EOF
  std::string take_output(std::size_t n, ConnId conn);
  bool closed(std::size_t n, ConnId conn) const;

  // --- peer messages in flight, in send order --------------------------------
  struct Envelope {
    std::size_t from, to;
    PeerMessage message;
  };
  const std::vector<Envelope>& in_flight() const { return in_flight_; }
  void deliver(std::size_t i);  // deliver the i-th in flight (any order)
  void drop(std::size_t i);
  // Delivers the oldest message until none are left; returns how many.
  std::size_t deliver_all();

  // Takes a link down or up; both ends get on_peer_down/on_peer_up. Messages
  // already in flight on it are still deliverable (the test decides).
  void set_link(std::size_t a, std::size_t b, bool up);

  // --- places lookups ---------------------------------------------------------
  struct Lookup {
    std::size_t node;
    LookupId id;
    PlacesQuery query;
  };
  const std::vector<Lookup>& lookups() const { return lookups_; }
  void answer_lookup(std::size_t i, const PlacesResult& r);
  // When set, lookups are answered from the offline provider as soon as the
  // node input that started them returns (never from inside it).
  void set_auto_places(bool on) {
    auto_places_ = on;
    answer_auto_lookups();
  }

  // --- timers -----------------------------------------------------------------
  // Timers a strategy started, in start order; they fire only when the test
  // says so.
  struct Timer {
    std::size_t node;
    TimerId id;
    Nanos delay;
  };
  const std::vector<Timer>& timers() const { return timers_; }
  void fire_timer(std::size_t i);

  // --- counters ---------------------------------------------------------------
  std::uint64_t peer_messages_sent() const { return sent_; }
  std::uint64_t peer_messages_sent(PeerMessage::Kind k) const { return sent_by_kind_[static_cast<std::size_t>(k)]; }
  std::uint64_t peer_messages_delivered() const { return delivered_; }
  // Bytes of the messages sent, each as its text line and '\n'
  // (format_peer_message: the simulator's size model).
  std::uint64_t peer_bytes_sent() const { return bytes_sent_; }
  // One line per delivered message: "<from> -> <to> <peer message>".
  const std::vector<std::string>& trace() const { return trace_; }
  // Whether trace() records (on by default; a benchmark turns it off).
  void set_trace(bool on) { tracing_ = on; }

 private:
  class Ctx;
  struct Slot {
    std::unique_ptr<Ctx> ctx;
    std::unique_ptr<Node> node;
  };
  struct ClientSide {
    LineFramer framer;
    std::string output;
    bool closed = false;
  };

  void answer_auto_lookups();
  void deliver_envelope(Envelope e);
  friend class Ctx;
  ClientDirectory clients_;
  std::vector<std::unique_ptr<Slot>> nodes_;
  std::vector<std::string> names_;
  std::map<std::pair<std::size_t, ConnId>, ClientSide> conns_;
  std::vector<Envelope> in_flight_;
  std::vector<Lookup> lookups_;
  std::vector<std::string> trace_;
  Nanos now_;
  std::vector<Timer> timers_;
  bool auto_places_ = false, tracing_ = true;
  std::uint64_t sent_ = 0, delivered_ = 0, bytes_sent_ = 0;
  std::array<std::uint64_t, PeerMessage::kKinds> sent_by_kind_{};
};

}  // namespace herd::memory
