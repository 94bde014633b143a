#pragma once
// Internal to the Asio driver (engine/asio/*.cpp only): what one server's
// connections share, and the node's context. Heavy includes live here, not in
// live_server.h.
#include <array>
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

namespace herd::durable {
class DurableTable;
}

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
  std::unique_ptr<durable::DurableTable> table;  // null: durability off or no data_dir
  std::size_t table_restored = 0, table_not_restored = 0;

  tcp::acceptor client_acceptor{io};
  asio::ip::address local_address;  // this server's host, resolved: outgoing peer links bind to it
  tcp::acceptor peer_acceptor{io};
  asio::steady_timer log_timer{io};

  std::unordered_map<ConnId, std::shared_ptr<ClientSession>> sessions;
  std::map<asio::ip::address, std::size_t> sessions_per_source;  // open client connections by remote address
  std::size_t largest_whatsat_reply = 0;  // bytes; ClientSession's flow control estimate
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
  // HMAC unless the config opted into address checks ("peer_auth": "address").
  bool secret_mode() const { return config.peer_auth == PeerAuth::Hmac; }

  // From the connection classes.
  void client_closed(ConnId id, const asio::ip::address& source);  // removes the session; tells the node (posted)
  void link_up(PeerId p);
  void link_down(PeerId p);
  void inbound_authenticated(std::uint64_t id, PeerId p);
  void pending_named(std::uint64_t id, PeerId p);  // an inbound HELLO named neighbour p
  void inbound_closed(std::uint64_t id);

  // NodeContext
  Nanos now() override;
  void send_to_client(ConnId conn, std::string_view bytes) override;
  void close_client(ConnId conn) override;
  void send_to_peer(PeerId peer, const PeerMessage& m) override;
  void start_timer(TimerId id, Nanos delay) override;
  void lookup_places(LookupId id, const PlacesQuery& q) override;
  void persist(const Report& r) override;
  NodeObserver& observer() override { return limit_log_; }

  // Logs a refusal by a limit, at most once a second per kind with a count of
  // those not logged, so an attacker cannot turn the log into the bottleneck.
  void limit_event(std::size_t kind, const std::string& text);

 private:
  // Forwards every node event to options.observer and logs limit hits.
  class LimitLog final : public NodeObserver {
   public:
    explicit LimitLog(ServerState& s) : s_(s) {}
    void client_report(const ReportRef& r, bool stored, const Report* previous) override {
      inner().client_report(r, stored, previous);
    }
    void peer_report(PeerId from, const PeerMessage& m, bool stored, const Report* previous) override {
      inner().peer_report(from, m, stored, previous);
    }
    void peer_sent(PeerId to, const PeerMessage& m) override { inner().peer_sent(to, m); }
    void whatsat(ClientId c, const Report& served) override { inner().whatsat(c, served); }
    void invalid_line(ConnId conn, std::string_view line, bool oversized) override {
      inner().invalid_line(conn, line, oversized);
    }
    void limit_hit(ConnId conn, Limit which, std::string_view line) override;

   private:
    NodeObserver& inner() { return s_.options.observer ? *s_.options.observer : s_.default_observer_; }
    ServerState& s_;
  };
  struct RateLimited {
    std::chrono::steady_clock::time_point last{};
    std::uint64_t suppressed = 0;
  };
  void open_table();
  void accept_client();
  void accept_peer();
  // At a connection cap: closes the longest-idle client connection (of
  // `source` only, when given) so that a new one can be served.
  bool evict_idlest(const std::optional<asio::ip::address>& source, const char* limit);
  // At limits.max_pending_peers: closes the oldest peer connection that has
  // not finished its handshake (those that have not even said HELLO first).
  void evict_pending_peer();
  void flush_log_later();

  NodeObserver default_observer_;
  LimitLog limit_log_{*this};
  std::array<RateLimited, 4> limit_events_{};
  // The node sends one message to each neighbour in turn; format it once.
  ReportRef formatted_report_;  // held, so its address cannot be reused meanwhile
  std::uint16_t formatted_hops_ = 0;
  std::string formatted_;
};

}  // namespace herd::live
