#include "engine/asio/connection_registry.h"

#include <chrono>

#include "engine/asio/client_session.h"
#include "engine/asio/peer_session.h"

namespace herd::live {

ConnId ConnectionRegistry::make_room_for_client(const boost::asio::ip::address& source) {
  if (auto it = clients_per_source_.find(source);
      it != clients_per_source_.end() && it->second >= limits_.max_connections_per_source) {
    evict_idlest(source, "limits.max_connections_per_source");
  }
  if (clients_.size() >= limits_.max_connections) evict_idlest(std::nullopt, "limits.max_connections");
  return next_client_++;
}

void ConnectionRegistry::add_client(ConnId id, std::shared_ptr<ClientSession> session) {
  ++clients_per_source_[session->source()];
  clients_.emplace(id, std::move(session));
}

ClientSession* ConnectionRegistry::client(ConnId id) const {
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second.get();
}

void ConnectionRegistry::remove_client(ConnId id, const boost::asio::ip::address& source) {
  clients_.erase(id);
  if (auto it = clients_per_source_.find(source); it != clients_per_source_.end() && --it->second == 0) {
    clients_per_source_.erase(it);
  }
}

bool ConnectionRegistry::evict_idlest(const std::optional<boost::asio::ip::address>& source, const char* limit) {
  std::shared_ptr<ClientSession> victim;
  for (const auto& [id, c] : clients_) {
    if (source && c->source() != *source) continue;
    if (!victim || c->last_progress() < victim->last_progress()) victim = c;
  }
  if (!victim) return false;
  const auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                          victim->last_progress());
  victim->abort("longest idle (" + std::to_string(idle.count()) + " ms) at " + limit +
                ": closed to make room for a new connection");
  return true;
}

std::uint64_t ConnectionRegistry::make_room_for_peer() {
  std::size_t pending = 0;
  for (const auto& [id, p] : peers_) pending += p->pending() ? 1 : 0;
  if (pending >= limits_.max_pending_peers) evict_pending_peer();
  return next_peer_++;
}

void ConnectionRegistry::add_peer(std::uint64_t id, std::shared_ptr<PeerSession> session) {
  peers_.emplace(id, std::move(session));
}

void ConnectionRegistry::remove_peer(std::uint64_t id) { peers_.erase(id); }

void ConnectionRegistry::evict_pending_peer() {
  std::shared_ptr<PeerSession> victim;
  for (const auto& [id, p] : peers_) {  // oldest first
    if (!p->pending()) continue;
    if (!victim || (victim->named() && !p->named())) victim = p;
    if (!victim->named()) break;
  }
  if (victim) victim->close("oldest unauthenticated connection at limits.max_pending_peers");
}

void ConnectionRegistry::peer_named(std::uint64_t id, PeerId p, const std::string& name) {
  // A newer claim replaces the oldest: a restarted neighbour's redial beats
  // a stranger replaying its HELLO.
  std::vector<std::shared_ptr<PeerSession>> claims;
  for (auto& [k, s] : peers_) {
    if (k != id && s->pending() && s->named() && s->claimed() == p) claims.push_back(s);
  }
  for (std::size_t i = 0; i + 1 < claims.size(); ++i) claims[i]->close("older unauthenticated claim to be " + name);
}

void ConnectionRegistry::peer_authenticated(std::uint64_t id, PeerId p) {
  // A neighbour that restarted may leave a half-open old link: keep the newest.
  std::vector<std::shared_ptr<PeerSession>> old;
  for (auto& [k, s] : peers_) {
    if (k != id && s->authenticated_as(p)) old.push_back(s);
  }
  for (auto& s : old) s->close("replaced by a newer link from the same neighbour");
}

void ConnectionRegistry::close_peers_from(PeerId p, const std::string& reason) {
  // Copies: closing a session removes it from the map.
  std::vector<std::shared_ptr<PeerSession>> from;
  for (auto& [id, s] : peers_) {
    if (s->authenticated_as(p)) from.push_back(s);
  }
  for (auto& s : from) s->close(reason);
}

std::vector<PeerId> ConnectionRegistry::authenticated_peers() const {
  std::vector<PeerId> out;
  for (const auto& [id, s] : peers_) {
    if (auto p = s->authenticated()) out.push_back(*p);
  }
  return out;
}

void ConnectionRegistry::close_all(const std::string& reason) {
  // Copies: closing a session removes it from its map.
  auto clients = clients_;
  for (auto& [id, c] : clients) c->abort(reason);
  clients_.clear();
  auto peers = peers_;
  for (auto& [id, p] : peers) p->close(reason);
  peers_.clear();
}

}  // namespace herd::live
