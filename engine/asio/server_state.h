#pragma once
// Internal to the Asio driver (engine/asio/*.cpp only): what one server's
// connections share, and the node's context. Heavy includes live here, not in
// live_server.h.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/asio/herd_config.h"
#include "engine/asio/live_server.h"
#include "engine/asio/server_log.h"
#include "engine/places/places_provider.h"
#include "herd/client_directory.h"
#include "herd/context.h"
#include "herd/node.h"

namespace herd::live {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class ClientSession;
class PeerLink;
class PeerSession;

// Where a neighbour is and which addresses it may connect from.
struct Neighbour {
  std::string name;
  std::string host;
  std::uint16_t peer_port = 0;
  std::vector<asio::ip::address> addresses;  // resolved `host`, for the address check
};

class ServerState final : public NodeContext {
 public:
  ServerState(const HerdConfig& config, const ServerConfig& self, ServerOptions options);
  ~ServerState() override;

  // Declared first so it is destroyed last: every socket and timer below
  // must go before it.
  asio::io_context io{1};

  HerdConfig config;
  ServerConfig self;
  ServerOptions options;
  ServerLog log;
  ClientDirectory clients;
  std::vector<Neighbour> neighbours;  // index = PeerId
  std::unique_ptr<places::PlacesProvider> places;
  std::unique_ptr<Node> node;

  tcp::acceptor client_acceptor{io};
  tcp::acceptor peer_acceptor{io};
  asio::steady_timer log_timer{io};

  std::unordered_map<ConnId, std::shared_ptr<ClientSession>> sessions;
  std::vector<std::shared_ptr<PeerLink>> links;  // index = PeerId
  std::vector<bool> cut;  // index = PeerId: link cut by fault injection (LiveServer::set_link_cut)
  std::map<std::uint64_t, std::shared_ptr<PeerSession>> inbound;
  ConnId next_conn = 1;
  std::uint64_t next_inbound = 1;
  std::uint64_t refused_peers = 0;
  std::mt19937_64 link_seeds{std::random_device{}()};  // each link's back-off jitter
  bool stopped = false;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  // Starts accepting, dialing and flushing the log (on the io thread).
  void begin();
  // Closes every socket and timer; the io_context then runs out of work.
  void shutdown();
  std::string banner() const;

  std::optional<PeerId> neighbour_index(std::string_view name) const;
  // Fault injection: takes the link to neighbour p down and keeps it down
  // (no dialing, inbound handshakes from p refused), or lets it come back.
  void set_cut(PeerId p, bool cut);
  void resolve_neighbour(Neighbour& n);
  bool secret_mode() const { return !config.secret.empty(); }

  // From the connection classes.
  void client_closed(ConnId id);   // removes the session; tells the node (posted)
  void link_up(PeerId p);
  void link_down(PeerId p);
  void inbound_authenticated(std::uint64_t id, PeerId p);
  void inbound_closed(std::uint64_t id);

  // NodeContext
  Nanos now() override;
  void send_to_client(ConnId conn, std::string_view bytes) override;
  void close_client(ConnId conn) override;
  void send_to_peer(PeerId peer, const PeerMessage& m) override;
  void start_timer(TimerId id, Nanos delay) override;
  void lookup_places(LookupId id, const PlacesQuery& q) override;
  NodeObserver& observer() override { return options.observer ? *options.observer : default_observer_; }

 private:
  void accept_client();
  void accept_peer();
  void flush_log_later();

  NodeObserver default_observer_;
  // The node sends one message to each neighbour in turn; format it once.
  ReportRef formatted_report_;  // held, so its address cannot be reused meanwhile
  std::uint16_t formatted_hops_ = 0;
  std::string formatted_;
};

}  // namespace herd::live
