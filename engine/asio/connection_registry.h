#pragma once
// The connections one live server holds, and the caps on them (internal to
// the Asio driver): its client sessions, and the inbound peer sessions,
// pending (in the handshake) or authenticated. It decides who goes when a
// cap is reached; the sessions do the closing, and report back through
// remove_client()/remove_peer().
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "engine/asio/herd_config.h"
#include "herd/types.h"

namespace herd::live {

class ClientSession;
class PeerSession;

class ConnectionRegistry {
 public:
  explicit ConnectionRegistry(const Limits& limits) : limits_(limits) {}

  // --- client connections -----------------------------------------------------
  // Makes room for a new connection from `source` and returns its id. A new
  // connection is always served: at a cap the longest-idle one goes, so idle
  // connections can never lock active clients out. The per-source cap comes
  // first, so one address churning connections only ever evicts its own.
  ConnId make_room_for_client(const boost::asio::ip::address& source);
  void add_client(ConnId id, std::shared_ptr<ClientSession> session);
  // Null when the connection is gone.
  ClientSession* client(ConnId id) const;
  void remove_client(ConnId id, const boost::asio::ip::address& source);
  std::size_t client_count() const { return clients_.size(); }

  // --- inbound peer connections -------------------------------------------------
  // Makes room for a new connection on the peer port and returns its id.
  // Strangers can open peer connections too, so those that have not
  // authenticated are capped (limits.max_pending_peers), and at the cap the
  // oldest goes: a flood of silent connections cannot crowd out a
  // neighbour, whose handshake takes one round trip. Authenticated links are
  // one per neighbour (peer_authenticated), so they need no cap of their own.
  std::uint64_t make_room_for_peer();
  void add_peer(std::uint64_t id, std::shared_ptr<PeerSession> session);
  void remove_peer(std::uint64_t id);
  // Connection `id`'s HELLO named neighbour p (called `name`): at most two
  // unauthenticated connections claim one neighbour, the oldest claim goes.
  void peer_named(std::uint64_t id, PeerId p, const std::string& name);
  // Connection `id` authenticated as p: older links from p are closed.
  void peer_authenticated(std::uint64_t id, PeerId p);
  // Closes every authenticated connection from p (fault injection).
  void close_peers_from(PeerId p, const std::string& reason);
  // The neighbour of each authenticated inbound connection, oldest first.
  std::vector<PeerId> authenticated_peers() const;

  // Closes everything (the server is stopping).
  void close_all(const std::string& reason);

 private:
  // Closes the longest-idle client connection (of `source` only, when
  // given); false if there is none.
  bool evict_idlest(const std::optional<boost::asio::ip::address>& source, const char* limit);
  // Closes the oldest peer connection that has not finished its handshake,
  // preferring those that have not even said HELLO.
  void evict_pending_peer();

  const Limits& limits_;
  std::unordered_map<ConnId, std::shared_ptr<ClientSession>> clients_;
  std::map<boost::asio::ip::address, std::size_t> clients_per_source_;  // open client connections by remote address
  std::map<std::uint64_t, std::shared_ptr<PeerSession>> peers_;         // ascending id: oldest first
  ConnId next_client_ = 1;
  std::uint64_t next_peer_ = 1;
};

}  // namespace herd::live
