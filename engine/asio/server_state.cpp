// ServerState: one server's connections, node context, table and log
// (engine/asio/server_state.h). LiveServer (live_server.cpp) wraps it.
#include "engine/asio/server_state.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <random>

#include <boost/asio/post.hpp>

#include "engine/asio/client_session.h"
#include "engine/asio/peer_link.h"
#include "engine/asio/peer_session.h"
#include "engine/durable/durable_table.h"
#include "herd/peer_message.h"

namespace herd::live {

void ServerState::limit_event(std::size_t kind, const std::string& text) {
  auto& r = limit_events_[kind % limit_events_.size()];
  const auto now = std::chrono::steady_clock::now();
  if (now - r.last < std::chrono::seconds(1)) {
    ++r.suppressed;
    return;
  }
  r.last = now;
  std::string line = text;
  if (r.suppressed) line += " (and " + std::to_string(r.suppressed) + " more like it in the last second(s), not logged)";
  r.suppressed = 0;
  log.event(line);
}

void ServerState::LimitLog::limit_hit(ConnId conn, Limit which, std::string_view line) {
  inner().limit_hit(conn, which, line);
  const std::string who = "client#" + std::to_string(conn);
  const std::string head(line.substr(0, 80));
  switch (which) {
    case Limit::FutureTime:
      s_.limit_event(0, who + " refused an IAMAT more than limits.max_future_skew_ms (" +
                            std::to_string(s_.config.limits.max_future_skew_ms) + ") ahead of this server's clock: " + head);
      break;
    case Limit::ClientCap:
      s_.limit_event(1, who + " refused an IAMAT from a new client: the client directory is full (" +
                            std::to_string(s_.clients.size()) + " clients, " + std::to_string(s_.clients.bytes()) +
                            " bytes of IDs; limits.max_clients, limits.max_client_bytes): " + head);
      break;
  }
}

ServerState::ServerState(const HerdConfig& cfg, const ServerConfig& me, ServerOptions opts)
    : config(cfg), self(me), options(std::move(opts)) {
  if (secret_mode() && config.secret.size() < kMinSecretBytes) {
    // A config read from a file has its secret resolved (load_herd_config);
    // one built in code must bring its own.
    throw ConfigError(config.source, "secret",
                      "peer_auth is \"hmac\" but there is no shared secret (set \"secret\", $HERD_SECRET or "
                      "\"secret_file\", or opt into \"peer_auth\": \"address\")");
  }
  clients.set_limits(config.limits.max_clients, config.limits.max_client_bytes);
  NodeConfig nc{self.name, {}, /*peers_start_up=*/false};
  nc.max_future_skew = static_cast<Nanos>(config.limits.max_future_skew_ms) * 1'000'000;
  for (const auto& n : self.neighbours) {
    const ServerConfig* sc = config.find(n);
    Neighbour nb{n, sc->host, sc->peer_port, {}};
    resolve_neighbour(nb);
    nc.neighbours.push_back(static_cast<PeerId>(neighbours.size()));
    neighbours.push_back(std::move(nb));
  }
  cut.assign(neighbours.size(), false);
  places = options.places ? options.places(io, config) : make_places_provider(io, config);
  const bool durable_table = !config.data_dir.empty() && config.durability != Durability::Off;
  nc.persist = durable_table;
  node = std::make_unique<Node>(std::move(nc), *this, clients, make_strategy(config.strategy, std::random_device{}()));

  std::size_t index = 0;
  while (index < config.servers.size() && config.servers[index].name != self.name) ++index;
  const std::string field = "servers[" + std::to_string(index) + "]";
  auto listen = [&](tcp::acceptor& a, std::uint16_t port, const char* what, const char* port_field) {
    boost::system::error_code ec;
    const auto addr = asio::ip::make_address(self.host, ec);
    tcp::endpoint ep;
    if (!ec) {
      ep = tcp::endpoint(addr, port);
    } else {
      tcp::resolver r(io);
      auto res = r.resolve(self.host, std::to_string(port), ec);
      if (ec || res.empty()) {
        throw ConfigError(config.source, field + ".host",
                          "cannot resolve '" + self.host + "' to listen on: " + (ec ? ec.message() : "no address"));
      }
      ep = *res.begin();
    }
    a.open(ep.protocol());
    a.set_option(tcp::acceptor::reuse_address(true));
    a.bind(ep, ec);
    if (ec == boost::system::errc::address_not_available) {
      // A bad config, not a busy machine: the host is not one of this machine's addresses.
      throw ConfigError(config.source, field + ".host",
                        "'" + self.host + "' is not an address of this machine (cannot listen for " + what + ": " +
                            ec.message() + ")");
    }
    if (ec) {
      throw std::runtime_error(config.source + ": " + field + "." + port_field + ": " + self.name +
                               " cannot listen for " + what + " on " + self.host + ":" + std::to_string(port) + ": " +
                               ec.message());
    }
    a.listen(asio::socket_base::max_listen_connections);
  };
  listen(client_acceptor, self.port, "clients", "port");
  local_address = client_acceptor.local_endpoint().address();
  listen(peer_acceptor, self.peer_port, "peers", "peer_port");
  // The table is loaded before anything is accepted: no client ever sees a
  // server that has forgotten what it had.
  if (durable_table) open_table();
  // Only once the server can run: a failed start leaves no log directory behind.
  if (!config.log_dir.empty()) {
    LogOptions lo;
    lo.lines = config.log_lines;
    lo.max_bytes = config.log_max_bytes;
    lo.keep = config.log_keep;
    lo.queue_bytes = config.limits.log_queue_bytes;
    try {
      log.open(config.log_dir, self.name, lo);
    } catch (const std::exception& e) {
      throw ConfigError(config.source, "log_dir", e.what());
    }
  }
}

void ServerState::open_table() {
  const std::string path = (std::filesystem::path(config.data_dir) / (self.name + ".sqlite")).string();
  try {
    table = std::make_unique<durable::DurableTable>(path, self.name, config.durability);
    for (const auto& [client, line] : table->load()) {
      ReportRef r = parse_at_line(line, clients);
      // The table checked every line, so only a limit lowered since can refuse one.
      if (!r) {
        ++table_not_restored;
        continue;
      }
      table_restored += node->restore(std::move(r)) ? 1 : 0;
    }
  } catch (const durable::DurableTableError& e) {
    throw std::runtime_error(self.name + ": durable table refused: " + e.what() +
                             " (move the file aside, or point data_dir elsewhere)");
  }
}

void ServerState::persist(const Report& r) {
  if (table && !stopped) table->put(r.client_name(), r.at_line());
}

ServerState::~ServerState() { shutdown(); }

void ServerState::resolve_neighbour(Neighbour& n) {
  n.addresses.clear();
  boost::system::error_code ec;
  const auto addr = asio::ip::make_address(n.host, ec);
  if (!ec) {
    n.addresses.push_back(addr);
    return;
  }
  tcp::resolver r(io);
  for (const auto& e : r.resolve(n.host, "", ec)) n.addresses.push_back(e.endpoint().address());
}

std::optional<PeerId> ServerState::neighbour_index(std::string_view name) const {
  for (std::size_t i = 0; i < neighbours.size(); ++i) {
    if (neighbours[i].name == name) return static_cast<PeerId>(i);
  }
  return std::nullopt;
}

std::string ServerState::banner() const {
  std::string b = "herd: " + self.name + " clients " + self.host + ":" +
                  std::to_string(client_acceptor.local_endpoint().port()) + " peers " + self.host + ":" +
                  std::to_string(peer_acceptor.local_endpoint().port()) + " neighbours";
  for (std::size_t i = 0; i < neighbours.size(); ++i) {
    b += (i ? ", " : " ") + neighbours[i].name + "@" + neighbours[i].host + ":" +
         std::to_string(neighbours[i].peer_port);
  }
  if (neighbours.empty()) b += " (none)";
  b += secret_mode() ? "; peer auth HMAC" : "; peer auth by address only (peer_auth \"address\")";
  b += "; places " + config.places.provider;
  b += "; log " + (log.enabled() ? log.path() : std::string("off"));
  if (table) {
    b += "; table " + table->path() + " (" + std::to_string(table_restored) + " reports restored, durability " +
         durable::durability_name(config.durability) + ")";
  } else {
    b += "; table in memory only";
  }
  return b;
}

void ServerState::begin() {
  log.event("start: " + banner());
  if (table_not_restored) {
    log.event("warning: " + std::to_string(table_not_restored) + " reports in " + table->path() +
              " were not restored: over limits.max_clients or limits.max_client_bytes (they stay in the file)");
  }
  if (!secret_mode()) {
    log.event("warning: no shared secret (peer_auth \"address\"): peers are checked by address only, so any "
              "process that can connect from a neighbour's address can pose as it");
  }
  if (options.banner) std::cerr << banner() << std::endl;
  accept_client();
  accept_peer();
  for (std::size_t i = 0; i < neighbours.size(); ++i) {
    links.push_back(std::make_shared<PeerLink>(*this, static_cast<PeerId>(i), link_seeds()));
    if (!cut[i]) links.back()->start();
  }
  flush_log_later();
}

void ServerState::set_cut(PeerId p, bool c) {
  if (stopped || p >= neighbours.size() || cut[p] == c) return;
  cut[p] = c;
  const std::string& name = neighbours[p].name;
  if (c) {
    log.event("peer " + name + " link cut (fault injection)");
    const bool was_up = links[p]->up();
    links[p]->stop();  // what it had queued is lost, as on a dropped connection
    if (was_up) link_down(p);
    std::vector<std::shared_ptr<PeerSession>> from;
    for (auto& [id, ps] : inbound) {
      if (ps->authenticated_as(p)) from.push_back(ps);
    }
    for (auto& ps : from) ps->close("link cut (fault injection)");
  } else {
    log.event("peer " + name + " link restored (fault injection)");
    links[p] = std::make_shared<PeerLink>(*this, p, link_seeds());  // a stopped link does not restart
    links[p]->start();
  }
}

void ServerState::flush_log_later() {
  log_timer.expires_after(std::chrono::milliseconds(200));
  log_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped) return;
    log.flush();
    flush_log_later();
  });
}

bool ServerState::evict_idlest(const std::optional<asio::ip::address>& source, const char* limit) {
  std::shared_ptr<ClientSession> victim;
  for (const auto& [id, c] : sessions) {
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

void ServerState::accept_client() {
  client_acceptor.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (stopped) return;
    if (!ec) {
      boost::system::error_code ep_ec;
      const auto ep = socket.remote_endpoint(ep_ec);
      const asio::ip::address source = ep_ec ? asio::ip::address() : ep.address();
      // A new connection is always served: at a cap, the longest-idle one
      // goes, so idle connections can never lock active clients out. The
      // per-source cap comes first, so one address churning connections
      // only ever evicts its own.
      if (sessions_per_source[source] >= config.limits.max_connections_per_source) {
        evict_idlest(source, "limits.max_connections_per_source");
      }
      if (sessions.size() >= config.limits.max_connections) {
        evict_idlest(std::nullopt, "limits.max_connections");
      }
      const ConnId id = next_conn++;
      auto s = std::make_shared<ClientSession>(*this, std::move(socket), id, source);
      sessions.emplace(id, s);
      ++sessions_per_source[source];
      s->start();
    } else if (ec != asio::error::operation_aborted) {
      log.event("accept (clients) failed: " + ec.message());
    }
    accept_client();
  });
}

void ServerState::evict_pending_peer() {
  std::shared_ptr<PeerSession> victim;
  for (const auto& [id, p] : inbound) {  // ascending id: oldest first
    if (!p->pending()) continue;
    if (!victim || (victim->named() && !p->named())) victim = p;
    if (!victim->named()) break;
  }
  if (victim) victim->close("oldest unauthenticated connection at limits.max_pending_peers");
}

void ServerState::accept_peer() {
  peer_acceptor.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (stopped) return;
    if (!ec) {
      // Strangers can open peer connections too, so those that have not
      // authenticated are capped, and at the cap the oldest goes: a flood of
      // silent connections cannot crowd out a neighbour, whose handshake
      // takes one round trip. Authenticated links are one per neighbour
      // (inbound_authenticated), so they need no cap of their own.
      std::size_t pending = 0;
      for (const auto& [id, p] : inbound) pending += p->pending() ? 1 : 0;
      if (pending >= config.limits.max_pending_peers) evict_pending_peer();
      const auto id = next_inbound++;
      auto s = std::make_shared<PeerSession>(*this, std::move(socket), id);
      inbound.emplace(id, s);
      s->start();
    } else if (ec != asio::error::operation_aborted) {
      log.event("accept (peers) failed: " + ec.message());
    }
    accept_peer();
  });
}

void ServerState::shutdown() {
  if (stopped) return;
  stopped = true;
  *alive = false;
  boost::system::error_code ec;
  client_acceptor.close(ec);
  peer_acceptor.close(ec);
  log_timer.cancel();
  // Copies: closing a session removes it from its map.
  auto s = sessions;
  for (auto& [id, c] : s) c->abort("server stopping");
  sessions.clear();
  for (auto& l : links) l->stop();
  auto in = inbound;
  for (auto& [id, p] : in) p->close("server stopping");
  inbound.clear();
  if (table) {
    try {
      table->close();
    } catch (const std::exception& e) {
      log.event(std::string("error: the durable table's last commit failed: ") + e.what());
    }
  }
  log.event("stop: " + self.name);
  log.flush();
  log.sync();
}

void ServerState::client_closed(ConnId id, const asio::ip::address& source) {
  sessions.erase(id);
  if (auto it = sessions_per_source.find(source); it != sessions_per_source.end() && --it->second == 0) {
    sessions_per_source.erase(it);
  }
  if (stopped) return;
  // Posted: this can run inside a node call (a reply over the queue cap), and
  // the node must not be re-entered.
  asio::post(io, [this, id, alive = alive] {
    if (*alive) node->on_client_closed(id);
  });
}

void ServerState::link_up(PeerId p) { node->on_peer_up(p); }
void ServerState::link_down(PeerId p) {
  if (!stopped) node->on_peer_down(p);
}

void ServerState::inbound_authenticated(std::uint64_t id, PeerId p) {
  // A neighbour that restarted may leave a half-open old link: keep the newest.
  std::vector<std::shared_ptr<PeerSession>> old;
  for (auto& [k, s] : inbound) {
    if (k != id && s->authenticated_as(p)) old.push_back(s);
  }
  for (auto& s : old) s->close("replaced by a newer link from the same neighbour");
  // The neighbour is back (it may have restarted): our own link to it may be
  // waiting out a back-off of seconds, so dial now and updates flow both
  // ways at once.
  if (p < links.size() && !cut[p]) links[p]->dial_now();
}

void ServerState::pending_named(std::uint64_t id, PeerId p) {
  // At most two unauthenticated connections claim one neighbour; a newer
  // claim replaces the oldest (a restarted neighbour's redial beats a
  // stranger replaying its HELLO).
  std::vector<std::shared_ptr<PeerSession>> claims;
  for (auto& [k, s] : inbound) {
    if (k != id && s->pending() && s->named() && s->claimed() == p) claims.push_back(s);
  }
  for (std::size_t i = 0; i + 1 < claims.size(); ++i) {
    claims[i]->close("older unauthenticated claim to be " + neighbours[p].name);
  }
}

void ServerState::inbound_closed(std::uint64_t id) { inbound.erase(id); }

Nanos ServerState::now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<Nanos>(ts.tv_sec) * kNanosPerSecond + ts.tv_nsec;
}

void ServerState::send_to_client(ConnId conn, std::string_view bytes) {
  auto it = sessions.find(conn);
  if (it != sessions.end()) it->second->send(bytes);
}

void ServerState::close_client(ConnId conn) {
  auto it = sessions.find(conn);
  if (it != sessions.end()) it->second->close_when_flushed();
}

void ServerState::send_to_peer(PeerId peer, const PeerMessage& m) {
  if (peer >= links.size()) return;
  if (formatted_report_.get() != m.report.get() || formatted_hops_ != m.hops) {
    formatted_report_ = m.report;
    formatted_hops_ = m.hops;
    formatted_ = format_peer_message(m);
    formatted_ += '\n';
  }
  links[peer]->send_line(formatted_);
}

void ServerState::start_timer(TimerId id, Nanos delay) {
  auto t = std::make_shared<asio::steady_timer>(io, std::chrono::nanoseconds(delay));
  t->async_wait([this, t, id, alive = alive](const boost::system::error_code& ec) {
    if (!ec && *alive) node->on_timer(id);
  });
}

void ServerState::lookup_places(LookupId id, const PlacesQuery& q) {
  places->lookup(q, [this, id, alive = alive](PlacesResult r) {
    if (*alive) node->on_places_result(id, r);
  });
}

}  // namespace herd::live
