#pragma once
// How a node propagates reports to its neighbours. The node decides what is
// new (LocationTable); the strategy decides who hears about it. New
// strategies (gossip, spanning tree, anti-entropy) implement this interface
// and need no change to the node: they see the node's neighbours and link
// states, read its table (and the table's digest), run their own timers and
// send and receive their own peer message kinds.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "herd/location_table.h"
#include "herd/peer_message.h"
#include "herd/types.h"

namespace herd {

// What a strategy may do: see the node's neighbours and table, send, and
// run timers; nothing more (it never changes the table: a report it wants
// stored it sends, and the receiving node decides).
class PropagationHost {
 public:
  virtual ~PropagationHost() = default;
  virtual std::span<const PeerId> neighbours() const = 0;
  // Whether the link to neighbours()[index] is up (O(1)).
  virtual bool link_up(std::size_t index) const = 0;
  virtual void send(PeerId to, const PeerMessage& m) = 0;
  // Calls the strategy's on_timer(id) after `delay`. The node routes every
  // timer to its strategy; a strategy that wraps another (AntiEntropy)
  // keeps ids with the top bit set for itself.
  virtual void start_timer(TimerId id, Nanos delay) = 0;
  virtual Nanos now() const = 0;
  // The node's table, read-only.
  virtual const LocationTable& table() const = 0;
  // Its digest (herd/table_digest.h): built on the first call, kept up to
  // date from then on.
  virtual const TableDigest& digest() = 0;
};

class PropagationStrategy {
 public:
  virtual ~PropagationStrategy() = default;
  virtual std::string name() const = 0;
  // `r` just became the newest report this node holds for its client.
  // `from` is the neighbour it came from, or nullopt for a client's IAMAT;
  // `hops` is the links it crossed to get here (0 for an IAMAT).
  virtual void on_stored(PropagationHost& host, const ReportRef& r,
                         std::optional<PeerId> from, std::uint16_t hops) = 0;
  // A report arrived that was not newer than the held one.
  virtual void on_stale(PropagationHost& /*host*/, const ReportRef& /*r*/,
                        std::optional<PeerId> /*from*/) {}
  virtual void on_peer_up(PropagationHost& /*host*/, PeerId /*p*/) {}
  virtual void on_peer_down(PropagationHost& /*host*/, PeerId /*p*/) {}
  virtual void on_timer(PropagationHost& /*host*/, TimerId /*id*/) {}
  // The node is built and its links are as NodeConfig says (Node::on_start):
  // a strategy with periodic work starts its timers here.
  virtual void on_start(PropagationHost& /*host*/) {}
  // A peer message of a kind that carries no report for the node to store
  // (carries_report() is false: a strategy's control kinds) arrived from `from`.
  virtual void on_message(PropagationHost& /*host*/, PeerId /*from*/, const PeerMessage& /*m*/) {}
};

// Plain flooding: forward each new report once to every up neighbour except
// the one it came from. On any connected graph every node learns the report;
// each node forwards it at most once, so an update costs at most
// 2*|E| - (|V| - 1) messages and none circulates forever.
class FloodingStrategy final : public PropagationStrategy {
 public:
  std::string name() const override { return "flooding"; }
  void on_stored(PropagationHost& host, const ReportRef& r, std::optional<PeerId> from,
                 std::uint16_t hops) override;
};

std::unique_ptr<PropagationStrategy> make_flooding();

// Push gossip (herd/gossip.cpp): each new report goes to `fanout` up
// neighbours chosen at random (never its sender), or to all of them if fewer.
// `seed` fixes the choices (the simulator derives one per node and run).
std::unique_ptr<PropagationStrategy> make_gossip(std::uint32_t fanout, std::uint64_t seed);

}  // namespace herd
