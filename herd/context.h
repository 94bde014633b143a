#pragma once
// The node's one window on the world. A driver implements it: the simulator
// with virtual time and an event queue, live mode with the system clock,
// TCP and HTTPS, tests with an in-memory network. The node never blocks:
// every method returns at once, and results come back as node inputs.
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
