#pragma once
// The outbound link to one neighbour (internal to the Asio driver). This
// server dials, authenticates (docs/peer-protocol.md) and then only sends on
// it: reports to a neighbour always travel on the sender's own outbound link,
// so two servers dialing each other at once never need to agree on which
// connection wins. Loss (EOF, error, handshake timeout, output over its cap)
// drops the link, tells the node, and redials after exponential back-off
// with jitter.
//
// send_line() runs inside a node call (NodeContext::send_to_peer); when it
// drops the link, the node hears of it after that call (herd/context.h).
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/steady_timer.hpp>

#include "engine/asio/backoff.h"
#include "engine/asio/connection_host.h"
#include "engine/asio/neighbours.h"
#include "engine/asio/output_queue.h"
#include "engine/asio/peer_auth.h"
#include "herd/line_framer.h"

namespace herd::live {

// What an outbound link sees of its server.
class PeerLinkHost : public ConnectionHost {
 public:
  virtual const PeerCredentials& credentials() const = 0;
  virtual const Neighbour& neighbour(PeerId p) const = 0;
  // This server's host, resolved: outgoing links bind to it.
  virtual const asio::ip::address& local_address() const = 0;
  // The link to p authenticated, or went down (Node::on_peer_up/down).
  virtual void link_up(PeerId p) = 0;
  virtual void link_down(PeerId p) = 0;
  // The link to p went down inside a node call: the node hears of it once
  // that call has returned.
  virtual void link_down_later(PeerId p) = 0;

 protected:
  ~PeerLinkHost() = default;
};

class PeerLink final : public std::enable_shared_from_this<PeerLink> {
 public:
  PeerLink(PeerLinkHost& host, PeerId id, std::uint64_t seed);
  void start();
  void stop();
  bool up() const { return state_ == State::Up; }
  // If waiting out a redial back-off, dials now with the back-off reset (the
  // neighbour has just shown it is back).
  void dial_now();
  // Queues one line (with its '\n') if the link is up; drops it otherwise.
  void send_line(std::string_view line);

 private:
  enum class State { Idle, Connecting, Handshake, Up, Waiting, Stopped };

  void connect();
  void open_bound(const tcp::endpoint& to);
  void on_connect(const boost::system::error_code& ec);
  void read();
  void on_line(std::string_view line);
  void write();
  // `inside_node_call`: from send_line(), so the node is told later.
  void drop(const std::string& reason, bool inside_node_call = false);
  const Neighbour& peer() const { return host_.neighbour(id_); }

  PeerLinkHost& host_;
  PeerId id_;
  std::string who_;
  State state_ = State::Idle;
  tcp::socket socket_;
  asio::steady_timer timer_;  // handshake deadline, then reconnect delay
  LineFramer framer_;
  Backoff backoff_;
  std::string nonce_;
  OutputQueue out_;
  std::uint64_t generation_ = 0;  // bumped on every drop: stale completions are ignored
  std::unique_ptr<char[]> rbuf_;
};

}  // namespace herd::live
