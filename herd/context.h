#pragma once
// The node's one window on the world. A driver implements it: the simulator
// with virtual time and an event queue, live mode with the system clock,
// TCP and HTTPS, tests with an in-memory network. The node never blocks:
// every method returns at once, and results come back as node inputs.
//
// The one rule for drivers: **no driver calls into the node from inside a
// context callback.** While the node runs an input (any Node::on_* method,
// or Node::restore) and calls a method of this interface, that method must
// not call back into any Node input of the same node, directly or through
// anything it calls: send_to_client must not hand the connection's next
// line to the node, send_to_peer must not report the link down, and
// lookup_places must not deliver its result before it returns. A driver
// queues such an input (an event queue, asio::post, a list the caller
// drains) and delivers it after the node's call has returned. The node's
// state is mid-update during a callback (a flood half sent, a reply queue
// being flushed), so a nested input would see, and could break, a
// half-done step. Debug builds and sanitizer builds check it: a nested
// input throws std::logic_error (Node::kChecksReentry, herd/node.h). The
// observer (observer() below) is under the same rule.
#include <string_view>

#include "herd/observer.h"
#include "herd/peer_message.h"
#include "herd/places.h"
#include "herd/types.h"

namespace herd {

class NodeContext {
 public:
  virtual ~NodeContext() = default;

  // This server's clock: POSIX time in nanoseconds. May jump or be skewed;
  // the node only uses it to compute IAMAT time differences.
  virtual Nanos now() = 0;

  // Queues `bytes` for the client connection; bytes for one connection go out
  // in call order. Unknown or closed connections drop them silently.
  virtual void send_to_client(ConnId conn, std::string_view bytes) = 0;

  // Closes the connection once everything queued for it has been written.
  virtual void close_client(ConnId conn) = 0;

  // Sends a message to a neighbour. Delivery is best effort: a down link or a
  // lossy network may drop it; the node never waits for an acknowledgement.
  virtual void send_to_peer(PeerId peer, const PeerMessage& m) = 0;

  // Calls node.on_timer(id) after `delay` (>= 0). Timers cannot be cancelled;
  // the node ignores ids it no longer cares about.
  virtual void start_timer(TimerId id, Nanos delay) = 0;

  // Starts a places lookup; the driver later calls
  // node.on_places_result(id, result) exactly once, even on failure.
  virtual void lookup_places(LookupId id, const PlacesQuery& q) = 0;

  // The table now holds `r` for its client (only with NodeConfig::persist):
  // a durable driver records it. Called before the reply or flood it causes.
  virtual void persist(const Report& /*r*/) {}

  virtual NodeObserver& observer() = 0;
};

}  // namespace herd
