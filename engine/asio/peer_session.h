#pragma once
// An inbound connection on the peer port (internal to the Asio driver). The
// dialer must authenticate (docs/peer-protocol.md) before anything it sends
// counts; after that, every line must be an UPDATE and goes to the node as a
// message from that neighbour. A failed handshake is answered HERD-DENIED,
// logged, and closed. This session never sends reports: this server sends
// to that neighbour on its own outbound PeerLink.
#include <memory>
#include <string>
#include <string_view>

#include "engine/asio/server_state.h"
#include "herd/line_framer.h"

namespace herd::live {

class PeerSession final : public std::enable_shared_from_this<PeerSession> {
 public:
  PeerSession(ServerState& s, tcp::socket socket, std::uint64_t id);
  void start();
  void close(const std::string& reason);
  bool authenticated_as(PeerId p) const { return state_ == State::Authenticated && peer_ == p; }
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

  ServerState& s_;
  tcp::socket socket_;
  asio::steady_timer deadline_;
  std::uint64_t id_;
  std::string who_;
  State state_ = State::AwaitHello;
  PeerId peer_ = 0;
  std::string dialer_nonce_, nonce_;
  asio::ip::address remote_;
  LineFramer framer_;
  std::unique_ptr<char[]> rbuf_;
};

}  // namespace herd::live
