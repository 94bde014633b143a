#include "engine/memory/memory_network.h"

#include <stdexcept>

#include "engine/places/offline_places.h"

namespace herd::memory {

class MemoryNetwork::Ctx final : public NodeContext {
 public:
  Ctx(MemoryNetwork& net, std::size_t self) : net_(net), self_(self) {}
  Nanos now() override { return net_.now_; }
  void send_to_client(ConnId conn, std::string_view bytes) override {
    auto it = net_.conns_.find({self_, conn});
    if (it != net_.conns_.end() && !it->second.closed) it->second.output.append(bytes);
  }
  void close_client(ConnId conn) override {
    auto it = net_.conns_.find({self_, conn});
    if (it != net_.conns_.end()) it->second.closed = true;
  }
  void send_to_peer(PeerId peer, const PeerMessage& m) override {
    ++net_.sent_;
    ++net_.sent_by_kind_[static_cast<std::size_t>(m.kind)];
    net_.bytes_sent_ += format_peer_message(m).size() + 1;
    net_.in_flight_.push_back(Envelope{self_, peer, m});
  }
  void start_timer(TimerId id, Nanos delay) override { net_.timers_.push_back(Timer{self_, id, delay}); }
  // Never answered from inside this call (herd/context.h): with auto places
  // the network answers once the node's input returns.
  void lookup_places(LookupId id, const PlacesQuery& q) override { net_.lookups_.push_back(Lookup{self_, id, q}); }
  NodeObserver& observer() override { return observer_; }

 private:
  MemoryNetwork& net_;
  std::size_t self_;
  NodeObserver observer_;
};

MemoryNetwork::MemoryNetwork(const Topology& t, Nanos start_time, const MakeStrategy& make_strategy)
    : names_(t.names), now_(start_time) {
  const auto adj = t.adjacency();
  for (std::size_t i = 0; i < t.size(); ++i) {
    auto slot = std::make_unique<Slot>();
    slot->ctx = std::make_unique<Ctx>(*this, i);
    NodeConfig cfg{t.names[i], {}, true};
    for (std::size_t n : adj[i]) cfg.neighbours.push_back(static_cast<PeerId>(n));
    slot->node = std::make_unique<Node>(std::move(cfg), *slot->ctx, clients_,
                                        make_strategy ? make_strategy(i) : make_flooding());
    nodes_.push_back(std::move(slot));
  }
  for (auto& slot : nodes_) slot->node->on_start();
}

void MemoryNetwork::fire_timer(std::size_t i) {
  const Timer t = timers_.at(i);
  timers_.erase(timers_.begin() + static_cast<std::ptrdiff_t>(i));
  node(t.node).on_timer(t.id);
}

MemoryNetwork::~MemoryNetwork() = default;

std::size_t MemoryNetwork::index_of(std::string_view name) const {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return i;
  }
  throw std::out_of_range("no server named " + std::string(name));
}

void MemoryNetwork::client_send(std::size_t n, ConnId conn, std::string_view bytes) {
  ClientSide& c = conns_[{n, conn}];
  c.framer.feed(bytes, [&](std::string_view line, bool oversized) {
    node(n).on_client_line(conn, line, oversized);
    answer_auto_lookups();
  });
}

void MemoryNetwork::answer_auto_lookups() {
  while (auto_places_ && !lookups_.empty()) answer_lookup(0, offline_places(lookups_.front().query));
}

void MemoryNetwork::client_shutdown(std::size_t n, ConnId conn) {
  ClientSide& c = conns_[{n, conn}];
  c.framer.finish([&](std::string_view line, bool oversized) {
    node(n).on_client_line(conn, line, oversized);
    answer_auto_lookups();
  });
  node(n).on_client_eof(conn);
}

std::string MemoryNetwork::take_output(std::size_t n, ConnId conn) {
  auto it = conns_.find({n, conn});
  if (it == conns_.end()) return {};
  return std::exchange(it->second.output, {});
}

bool MemoryNetwork::closed(std::size_t n, ConnId conn) const {
  auto it = conns_.find({n, conn});
  return it != conns_.end() && it->second.closed;
}

void MemoryNetwork::deliver(std::size_t i) {
  Envelope e = std::move(in_flight_.at(i));
  in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(i));
  deliver_envelope(std::move(e));
}

void MemoryNetwork::deliver_envelope(Envelope e) {
  ++delivered_;
  if (tracing_) trace_.push_back(names_[e.from] + " -> " + names_[e.to] + " " + format_peer_message(e.message));
  node(e.to).on_peer_message(static_cast<PeerId>(e.from), e.message);
  answer_auto_lookups();
}

void MemoryNetwork::drop(std::size_t i) {
  in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(i));
}

std::size_t MemoryNetwork::deliver_all() {
  // Oldest first, as deliver(0) again and again would, but a batch at a
  // time: what the batch sends queues behind it (no O(n) erase per message).
  std::size_t n = 0;
  while (!in_flight_.empty()) {
    std::vector<Envelope> batch = std::move(in_flight_);
    in_flight_.clear();
    for (Envelope& e : batch) deliver_envelope(std::move(e));
    n += batch.size();
  }
  return n;
}

void MemoryNetwork::set_link(std::size_t a, std::size_t b, bool up) {
  if (up) {
    node(a).on_peer_up(static_cast<PeerId>(b));
    node(b).on_peer_up(static_cast<PeerId>(a));
  } else {
    node(a).on_peer_down(static_cast<PeerId>(b));
    node(b).on_peer_down(static_cast<PeerId>(a));
  }
}

void MemoryNetwork::answer_lookup(std::size_t i, const PlacesResult& r) {
  Lookup l = lookups_.at(i);
  lookups_.erase(lookups_.begin() + static_cast<std::ptrdiff_t>(i));
  node(l.node).on_places_result(l.id, r);
}

}  // namespace herd::memory
