#pragma once
// The virtual-time driver: every node of a topology on one thread, a virtual
// clock, and a simulated network between them (NodeContext for each node,
// PeerId = node index).
//
// - A peer send becomes a PeerMessage event at now + the link's sampled
//   latency, or is dropped with the link's loss probability. An update
//   rides in the event itself; any other kind (a strategy's control
//   messages, repairs) waits in a slot beside the queue, kind and all.
// - A link is up when it is open (the driver's fault state decides: cuts and
//   partitions live there) and both ends are alive. When it goes down both
//   ends get on_peer_down and
//   every message still in flight on it is dropped on arrival (a reset TCP
//   connection loses its buffers); when it comes up both get on_peer_up.
// - crash(n) destroys node n (its table is lost); restart(n) builds a fresh
//   node with an empty table.
// - Each node's clock is epoch + virtual time + its skew.
// - Places lookups answer from herd::offline_places after a delay drawn from
//   the places model.
// - Randomness: one seeded Rng, drawn from in event order only.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/virtual/event_queue.h"
#include "engine/virtual/latency_model.h"
#include "engine/virtual/network_observer.h"
#include "herd/client_directory.h"
#include "herd/node.h"
#include "topology/topology.h"

namespace herd::virt {

struct NetworkConfig {
  Nanos epoch = 1'621'464'827'000'000'000;  // POSIX time at virtual time 0
  std::uint64_t seed = 0;
  LatencyModel latency = LatencyModel::constant(10'000'000);  // every link unless overridden
  double loss = 0;
  LatencyModel places_delay = LatencyModel::constant(50'000'000);
  // Builds a fresh strategy for node `node` (and again on each restart,
  // `generation` counting them from 0).
  std::function<std::unique_ptr<PropagationStrategy>(std::uint32_t node, std::uint32_t generation)> make_strategy =
      [](std::uint32_t, std::uint32_t) { return make_flooding(); };
  // What schedule(at, token) calls at `at`.
  std::function<void(std::uint32_t token)> due = [](std::uint32_t) {};
};

struct NetworkCounters {
  std::uint64_t events = 0;            // all events processed
  std::uint64_t message_events = 0;    // peer messages (every kind) that reached their arrival time
  std::uint64_t sent = 0;              // update messages handed to the network
  std::uint64_t delivered = 0;         // update messages handed to the receiving node
  // Every kind of message (updates and the rest) lost:
  std::uint64_t dropped_loss = 0;      // to the link's loss probability
  std::uint64_t dropped_in_flight = 0; // because the link went down while in flight
  std::uint64_t dropped_link_down = 0; // because it was sent on a link that was down
  std::uint64_t timers = 0, lookups = 0, client_commands = 0;
  // Messages of the other kinds, by PeerMessage::Kind (the Update entry stays
  // zero: updates are `sent` and `delivered` above, and their bytes are not
  // counted, which keeps flooding's hot path free of formatting). `bytes`:
  // the length of the message's text line with its '\n', as live mode
  // would send it (format_peer_message).
  struct Kind {
    std::uint64_t sent = 0, delivered = 0, bytes = 0;
  };
  std::array<Kind, PeerMessage::kKinds> kinds{};
};

class VirtualNetwork {
 public:
  VirtualNetwork(const Topology& topology, NetworkConfig config, NetworkObserver& observer);
  ~VirtualNetwork();
  VirtualNetwork(const VirtualNetwork&) = delete;
  VirtualNetwork& operator=(const VirtualNetwork&) = delete;

  std::size_t size() const { return size_; }
  std::size_t link_count() const { return links_.size(); }
  // The node, or null while crashed.
  Node* node(std::uint32_t n) { return nodes_[n].node ? &*nodes_[n].node : nullptr; }
  bool alive(std::uint32_t n) const { return nodes_[n].alive; }
  std::size_t degree(std::uint32_t n) const { return adj_begin_[n + 1] - adj_begin_[n]; }
  ClientDirectory& clients() { return clients_; }
  const NetworkCounters& counters() const { return counters_; }
  Nanos now() const { return now_; }  // virtual time since the start
  Nanos epoch() const { return config_.epoch; }
  std::size_t pending_events() const { return queue_.size(); }

  // --- links ------------------------------------------------------------------
  // Link index of the undirected link a–b, or -1.
  std::int64_t link_index(std::uint32_t a, std::uint32_t b) const;
  std::pair<std::uint32_t, std::uint32_t> link_ends(std::size_t link) const {
    return {links_[link].a, links_[link].b};
  }
  bool link_up(std::size_t link) const { return links_[link].up; }
  void set_link_latency(std::size_t link, const LatencyModel& m);
  void set_link_loss(std::size_t link, double p);
  const LatencyModel& link_latency(std::size_t link) const { return models_[links_[link].model]; }
  // As configured (the draw uses a float copy; see Link::loss).
  double link_loss(std::size_t link) const { return link_loss_[link]; }

  // --- clocks -------------------------------------------------------------------
  void set_clock_skew(std::uint32_t n, Nanos skew) { nodes_[n].skew = skew; }
  Nanos clock_skew(std::uint32_t n) const { return nodes_[n].skew; }

  // --- faults (take effect now) -----------------------------------------------
  // Opens or closes a link; both ends hear of it if that changes whether it
  // is up. Links start open.
  void set_link_open(std::size_t link, bool open);
  void crash(std::uint32_t n);
  void restart(std::uint32_t n);

  // --- clients ------------------------------------------------------------------
  // Opens a fresh connection to node n, sends `line`, half-closes. Returns
  // false if the node is crashed (the command is refused).
  bool client_command(std::uint32_t n, std::string_view line);

  // --- time -----------------------------------------------------------------------
  // Calls config.due(token) at virtual time `at` (>= now), after every event
  // already scheduled for that time.
  void schedule(Nanos at, std::uint32_t token);
  // Processes every event due at or before `end`, then sets now to `end`.
  // Returns the number of events processed.
  std::uint64_t run_until(Nanos end);

 private:
  // One node's window on the simulated world; also its observer, forwarding
  // each call to the network's observer with the node index attached.
  class Ctx final : public NodeContext, public NodeObserver {
   public:
    void init(VirtualNetwork& net, std::uint32_t index) { net_ = &net; index_ = index; }
    Nanos now() override;
    void send_to_client(ConnId conn, std::string_view bytes) override;
    void close_client(ConnId) override {}
    void send_to_peer(PeerId peer, const PeerMessage& m) override;
    void start_timer(TimerId id, Nanos delay) override;
    void lookup_places(LookupId id, const PlacesQuery& q) override;
    NodeObserver& observer() override { return *this; }
    void client_report(const ReportRef& r, bool stored, const Report* previous) override;
    void peer_report(PeerId from, const PeerMessage& m, bool stored, const Report* previous) override;
    void whatsat(ClientId client, const Report& served) override;
    void invalid_line(ConnId, std::string_view line, bool) override;

   private:
    VirtualNetwork* net_ = nullptr;
    std::uint32_t index_ = 0;
  };
  // Everything of one node in one place: a message's receiver, its context
  // and the node itself sit in one array, not in allocations scattered over
  // the heap (a big run is bound by cache and TLB misses on exactly these).
  struct alignas(64) Slot {
    Ctx ctx;
    std::optional<Node> node;  // empty while crashed
    Nanos skew = 0;
    std::uint32_t generation = 0;
    bool alive = true;
  };
  struct Link {
    std::uint32_t a = 0, b = 0;  // a < b
    std::uint32_t epoch = 0;     // bumped whenever the link goes down
    std::uint32_t model = 0;     // index into models_
    float loss = 0;              // what the draw uses; a float keeps Link small
    bool open = true;
    bool up = true;              // cached: open && both ends alive
  };
  struct Lookup {
    LookupId id;
    PlacesQuery query;
  };
  struct Other {  // a message in flight that is not an update
    PeerMessage message;
    std::uint32_t epoch = 0;
  };
  friend class Ctx;

  void build_node(std::uint32_t n);
  void send(std::uint32_t from, PeerId to, const PeerMessage& m);
  void timer(std::uint32_t n, TimerId id, Nanos delay);
  void lookup(std::uint32_t n, LookupId id, const PlacesQuery& q);
  void dispatch(Event& e);
  void notify(std::size_t link, bool up);
  bool compute_up(std::size_t link) const;
  std::uint32_t take_slot(std::vector<std::uint32_t>& free_list, std::size_t size);

  NetworkConfig config_;
  NetworkObserver& observer_;
  ClientDirectory clients_;
  std::vector<std::string> names_;
  // Every node's location table, client-major (see LocationTable): one
  // flood walks one client's row. Declared before nodes_ so it outlives them.
  SharedTableStorage tables_;
  struct SlotsDeleter {
    SlotsDeleter() noexcept {}
    SlotsDeleter(std::size_t cap) noexcept : capacity(cap) {}
    std::size_t capacity = 0, constructed = 0;
    void operator()(Slot* p) const;
  };
  std::size_t size_ = 0;
  std::unique_ptr<Slot[], SlotsDeleter> nodes_;  // on huge pages (huge_pages.h)
  // CSR adjacency: neighbours of n are adj_[adj_begin_[n] .. adj_begin_[n+1]),
  // sorted by peer, each with its link index beside it (a send looks both up).
  struct Adj {
    std::uint32_t peer, link;
  };
  std::vector<std::uint32_t> adj_begin_;
  std::vector<Adj> adj_;
  std::vector<double> link_loss_;  // per link, as configured (for results)
  std::vector<Link> links_;
  std::vector<LatencyModel> models_;  // models_[0] is the default
  std::vector<TimerId> timer_slots_;
  std::vector<std::uint32_t> timer_free_;
  std::vector<Lookup> lookup_slots_;
  std::vector<std::uint32_t> lookup_free_;
  std::vector<Other> other_slots_;
  std::vector<std::uint32_t> other_free_;
  EventQueue queue_;
  Rng rng_;
  Nanos now_ = 0;
  ConnId next_conn_ = 1;
  NetworkCounters counters_;
};

}  // namespace herd::virt
