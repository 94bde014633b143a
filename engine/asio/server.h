#pragma once
// One live server, assembled from parts with one job each (internal to the
// Asio driver; LiveServer in live_server.h is its thread-safe front):
//
//   NodeHost            the node and its context: clock, sends, timers,
//                       places, the durable table
//   ConnectionRegistry  client sessions and inbound peer sessions, and the
//                       caps on them
//   PeerLinks           the outbound links, one per neighbour
//   Listener x 2        the client port and the peer port
//
// It wires them together and is what each session sees of its server, but
// a session sees it only through the narrow interface of its kind
// (ClientSessionHost, PeerSessionHost, PeerLinkHost), as a participant of
// the Boost.Asio chat example sees only its room. Everything here runs on
// the one thread that runs io().
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/asio/client_session.h"
#include "engine/asio/connection_registry.h"
#include "engine/asio/listener.h"
#include "engine/asio/live_server.h"
#include "engine/asio/neighbours.h"
#include "engine/asio/node_host.h"
#include "engine/asio/peer_link.h"
#include "engine/asio/peer_links.h"
#include "engine/asio/peer_session.h"
#include "engine/asio/server_log.h"

namespace herd::live {

class Server final : private ClientSessionHost, private PeerSessionHost, private PeerLinkHost {
 public:
  // Binds both listeners, loads the table and opens the log; starts nothing.
  Server(const HerdConfig& config, const ServerConfig& self, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Starts accepting, dialing and flushing the log (on the io thread).
  void begin();
  // Closes every socket and timer; the io_context then runs out of work.
  // Idempotent.
  void shutdown();

  const std::string& name() const { return self_.name; }
  std::uint16_t client_port() const { return clients_listener_.local_endpoint().port(); }
  std::uint16_t peer_port() const { return peers_listener_.local_endpoint().port(); }
  std::optional<PeerId> neighbour_index(std::string_view name) const { return neighbours_.index(name); }
  // Only before begin() (LiveServer::set_peer_address).
  void set_peer_address(PeerId p, const std::string& host, std::uint16_t peer_port);
  // Fault injection: takes the link to neighbour p down and keeps it down
  // (no dialing, inbound handshakes from p refused), or lets it come back.
  void set_cut(PeerId p, bool cut);
  ServerStatus status() const;

  // ConnectionHost (public: LiveServer runs io() and logs signals too)
  asio::io_context& io() override { return io_; }
  ServerLog& log() override { return log_; }
  const Limits& limits() const override { return config_.limits; }

 private:
  std::string banner() const;
  void accept_client(tcp::socket socket);
  void accept_peer(tcp::socket socket);
  void flush_log_later();

  // ClientSessionHost
  std::size_t& largest_whatsat_reply() override { return largest_whatsat_reply_; }
  void client_line(ConnId id, std::string_view line, bool oversized) override;
  void client_eof(ConnId id) override;
  void client_closed(ConnId id, const asio::ip::address& source) override;
  // PeerSessionHost and PeerLinkHost
  const PeerCredentials& credentials() const override { return credentials_; }
  const Neighbours& neighbours() const override { return neighbours_; }
  bool link_cut(PeerId p) const override { return links_.cut(p); }
  void peer_named(std::uint64_t id, PeerId p) override;
  void peer_authenticated(std::uint64_t id, PeerId p) override;
  void peer_refused() override { ++refused_peers_; }
  void peer_closed(std::uint64_t id) override { connections_.remove_peer(id); }
  void peer_line(PeerId from, std::string_view line, const std::string& who, int version) override;
  const Neighbour& neighbour(PeerId p) const override { return neighbours_[p]; }
  const asio::ip::address& local_address() const override { return local_address_; }
  void link_up(PeerId p) override;
  void link_down(PeerId p) override;
  void link_down_later(PeerId p) override;

  // Declared first so it is destroyed last: every socket and timer below
  // must go before it.
  asio::io_context io_{1};
  HerdConfig config_;
  ServerConfig self_;
  ServerOptions options_;
  PeerCredentials credentials_;
  ServerLog log_;
  Neighbours neighbours_;
  // Before the connections and links: the node outlives every session.
  NodeHost host_;
  ConnectionRegistry connections_;
  PeerLinks links_;
  Listener clients_listener_;
  Listener peers_listener_;
  asio::ip::address local_address_;  // this server's host, resolved
  asio::steady_timer log_timer_{io_};
  std::size_t largest_whatsat_reply_ = 0;  // bytes; ClientSession's flow control estimate
  std::uint64_t refused_peers_ = 0;
  bool stopped_ = false;
};

}  // namespace herd::live
