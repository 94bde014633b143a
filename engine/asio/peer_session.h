#pragma once
// An inbound connection on the peer port (internal to the Asio driver). The
// dialer must authenticate (docs/peer-protocol.md) before anything it sends
// counts; after that, every line is a peer message of the version it
// dialed with (1: UPDATE only; 2: anti-entropy lines too) and goes to the
// node as a message from that neighbour. A failed handshake is answered HERD-DENIED,
// logged, and closed. This session never sends reports: this server sends
// to that neighbour on its own outbound PeerLink.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/steady_timer.hpp>

#include "engine/asio/connection_host.h"
#include "engine/asio/neighbours.h"
#include "engine/asio/peer_auth.h"
#include "herd/line_framer.h"

namespace herd::live {

// What an inbound peer connection sees of its server.
class PeerSessionHost : public ConnectionHost {
 public:
  virtual const PeerCredentials& credentials() const = 0;
  virtual const Neighbours& neighbours() const = 0;
  // Fault injection has cut the link to p: its handshakes are refused.
  virtual bool link_cut(PeerId p) const = 0;
  // Handshake steps (the server caps claims and keeps one link per neighbour).
  virtual void peer_named(std::uint64_t id, PeerId p) = 0;
  virtual void peer_authenticated(std::uint64_t id, PeerId p) = 0;
  virtual void peer_refused() = 0;  // counted in ServerStatus::refused_peers
  virtual void peer_closed(std::uint64_t id) = 0;
  // A line from authenticated neighbour `from`, for the node; `who` names
  // this connection in the log; `version` is the protocol version it dialed with.
  virtual void peer_line(PeerId from, std::string_view line, const std::string& who, int version) = 0;

 protected:
  ~PeerSessionHost() = default;
};

class PeerSession final : public std::enable_shared_from_this<PeerSession> {
 public:
  PeerSession(PeerSessionHost& host, tcp::socket socket, std::uint64_t id);
  void start();
  void close(const std::string& reason);
  bool authenticated_as(PeerId p) const { return state_ == State::Authenticated && peer_ == p; }
  std::optional<PeerId> authenticated() const {
    return state_ == State::Authenticated ? std::optional<PeerId>(peer_) : std::nullopt;
  }
  // Still in the handshake (connected, not authenticated, not closed).
  bool pending() const { return state_ == State::AwaitHello || state_ == State::AwaitAuth; }
  // Its HELLO named a neighbour (claimed()), which must now prove it.
  bool named() const { return state_ == State::AwaitAuth; }
  PeerId claimed() const { return peer_; }

 private:
  enum class State { AwaitHello, AwaitAuth, Authenticated, Closed };

  void read();
  void on_line(std::string_view line);
  void refuse(const std::string& reason);
  void send(std::string text, bool close_after);

  PeerSessionHost& host_;
  tcp::socket socket_;
  asio::steady_timer deadline_;
  std::uint64_t id_;
  std::string who_;
  State state_ = State::AwaitHello;
  PeerId peer_ = 0;
  int version_ = 0;  // of its HELLO
  std::string dialer_nonce_, nonce_;
  asio::ip::address remote_;
  LineFramer framer_;
  std::unique_ptr<char[]> rbuf_;
};

}  // namespace herd::live
