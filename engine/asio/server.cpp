#include "engine/asio/server.h"

#include <algorithm>
#include <iostream>

#include "engine/asio/peer_auth.h"
#include "herd/strategy_spec.h"

namespace herd::live {

namespace {

// A config read from a file has its secret resolved (load_herd_config); one
// built in code must bring its own.
const HerdConfig& with_secret_checked(const HerdConfig& config) {
  if (config.peer_auth == PeerAuth::Hmac && config.secret.size() < kMinSecretBytes) {
    throw ConfigError(config.source, "secret",
                      "peer_auth is \"hmac\" but there is no shared secret (set \"secret\", $HERD_SECRET or "
                      "\"secret_file\", or opt into \"peer_auth\": \"address\")");
  }
  return config;
}

// "servers[i]", the config path of `self` in messages.
std::string field_of(const HerdConfig& config, const ServerConfig& self) {
  std::size_t index = 0;
  while (index < config.servers.size() && config.servers[index].name != self.name) ++index;
  return "servers[" + std::to_string(index) + "]";
}

}  // namespace

Server::Server(const HerdConfig& config, const ServerConfig& self, ServerOptions options)
    : config_(with_secret_checked(config)),
      self_(self),
      options_(std::move(options)),
      credentials_{self_.name, config_.peer_auth == PeerAuth::Hmac, config_.secret},
      neighbours_(io_, config_, self_),
      host_(io_, config_, self_, neighbours_.size(), log_, options_, connections_, links_),
      connections_(config_.limits),
      links_(neighbours_.size()),
      clients_listener_(io_, log_, "clients"),
      peers_listener_(io_, log_, "peers") {
  const std::string field = field_of(config_, self_);
  clients_listener_.listen(config_, self_, self_.port, field, "port");
  local_address_ = clients_listener_.local_endpoint().address();
  peers_listener_.listen(config_, self_, self_.peer_port, field, "peer_port");
  host_.open_table();
  // Only once the server can run: a failed start leaves no log directory behind.
  if (!config_.log_dir.empty()) {
    LogOptions lo;
    lo.lines = config_.log_lines;
    lo.max_bytes = config_.log_max_bytes;
    lo.keep = config_.log_keep;
    lo.queue_bytes = config_.limits.log_queue_bytes;
    try {
      log_.open(config_.log_dir, self_.name, lo);
    } catch (const std::exception& e) {
      throw ConfigError(config_.source, "log_dir", e.what());
    }
  }
}

Server::~Server() { shutdown(); }

void Server::set_peer_address(PeerId p, const std::string& host, std::uint16_t peer_port) {
  neighbours_.set_address(p, host, peer_port);
}

std::string Server::banner() const {
  std::string b = "herd: " + self_.name + " clients " + self_.host + ":" + std::to_string(client_port()) + " peers " +
                  self_.host + ":" + std::to_string(peer_port()) + " neighbours";
  for (PeerId i = 0; i < neighbours_.size(); ++i) {
    b += (i ? ", " : " ") + neighbours_[i].name + "@" + neighbours_[i].host + ":" +
         std::to_string(neighbours_[i].peer_port);
  }
  if (neighbours_.empty()) b += " (none)";
  b += credentials_.hmac ? "; peer auth HMAC" : "; peer auth by address only (peer_auth \"address\")";
  b += "; strategy " + config_.strategy.describe();
  b += "; places " + config_.places.provider;
  b += "; log " + (log_.enabled() ? log_.path() : std::string("off"));
  b += "; " + host_.table_summary();
  return b;
}

void Server::begin() {
  log_.event("start: " + banner());
  host_.log_restore_warning();
  if (!credentials_.hmac) {
    log_.event("warning: no shared secret (peer_auth \"address\"): peers are checked by address only, so any "
               "process that can connect from a neighbour's address can pose as it");
  }
  if (options_.banner) std::cerr << banner() << std::endl;
  clients_listener_.start([this](tcp::socket s) { accept_client(std::move(s)); });
  peers_listener_.start([this](tcp::socket s) { accept_peer(std::move(s)); });
  // The strategy's periodic work (anti-entropy rounds) starts with the server.
  host_.node().on_start();
  links_.start(*this);
  flush_log_later();
}

void Server::accept_client(tcp::socket socket) {
  boost::system::error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  const asio::ip::address source = ec ? asio::ip::address() : ep.address();
  const ConnId id = connections_.make_room_for_client(source);
  auto s = std::make_shared<ClientSession>(static_cast<ClientSessionHost&>(*this), std::move(socket), id, source);
  connections_.add_client(id, s);
  s->start();
}

void Server::accept_peer(tcp::socket socket) {
  const auto id = connections_.make_room_for_peer();
  auto s = std::make_shared<PeerSession>(static_cast<PeerSessionHost&>(*this), std::move(socket), id);
  connections_.add_peer(id, s);
  s->start();
}

void Server::flush_log_later() {
  log_timer_.expires_after(std::chrono::milliseconds(200));
  log_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    log_.flush();
    flush_log_later();
  });
}

void Server::set_cut(PeerId p, bool cut) {
  if (stopped_ || p >= neighbours_.size() || links_.cut(p) == cut) return;
  const std::string& name = neighbours_[p].name;
  if (cut) {
    log_.event("peer " + name + " link cut (fault injection)");
    // What the link had queued is lost, as on a dropped connection.
    if (links_.set_cut(p, true)) link_down(p);
    connections_.close_peers_from(p, "link cut (fault injection)");
  } else {
    log_.event("peer " + name + " link restored (fault injection)");
    links_.set_cut(p, false);
  }
}

void Server::shutdown() {
  if (stopped_) return;
  stopped_ = true;
  host_.stop();
  clients_listener_.close();
  peers_listener_.close();
  log_timer_.cancel();
  links_.stop();
  connections_.close_all("server stopping");
  host_.close_table();
  log_.event("stop: " + self_.name);
  log_.flush();
  log_.sync();
}

ServerStatus Server::status() const {
  ServerStatus st;
  st.client_connections = connections_.client_count();
  for (PeerId i = 0; i < links_.size(); ++i) {
    if (links_.up(i)) st.peers_up.push_back(neighbours_[i].name);
  }
  for (PeerId p : connections_.authenticated_peers()) st.peers_inbound.push_back(neighbours_[p].name);
  std::sort(st.peers_up.begin(), st.peers_up.end());
  std::sort(st.peers_inbound.begin(), st.peers_inbound.end());
  st.reports = host_.node().table().size();
  st.refused_peers = refused_peers_;
  return st;
}

// --- what the sessions see ------------------------------------------------------

void Server::client_line(ConnId id, std::string_view line, bool oversized) {
  host_.node().on_client_line(id, line, oversized);
}

void Server::client_eof(ConnId id) { host_.node().on_client_eof(id); }

void Server::client_closed(ConnId id, const asio::ip::address& source) {
  connections_.remove_client(id, source);
  // Posted: a connection can close inside a node call (close_client).
  host_.post_input([id](Node& node) { node.on_client_closed(id); });
}

void Server::peer_named(std::uint64_t id, PeerId p) { connections_.peer_named(id, p, neighbours_[p].name); }

void Server::peer_authenticated(std::uint64_t id, PeerId p) {
  connections_.peer_authenticated(id, p);
  // The neighbour is back (it may have restarted): our own link to it may be
  // waiting out a back-off of seconds, so dial now and updates flow both
  // ways at once.
  links_.dial_now(p);
}

void Server::peer_line(PeerId from, std::string_view line, const std::string& who, int version) {
  host_.peer_line(from, line, who, version);
}

void Server::link_up(PeerId p) { host_.node().on_peer_up(p); }

void Server::link_down(PeerId p) {
  if (!stopped_) host_.node().on_peer_down(p);
}

void Server::link_down_later(PeerId p) {
  host_.post_input([p](Node& node) { node.on_peer_down(p); });
}

}  // namespace herd::live
