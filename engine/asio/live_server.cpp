#include "engine/asio/live_server.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <ctime>
#include <future>
#include <iostream>
#include <random>
#include <thread>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include "engine/asio/client_session.h"
#include "engine/asio/peer_link.h"
#include "engine/asio/peer_session.h"
#include "engine/durable/durable_table.h"
#include "engine/places/google_api.h"
#include "engine/places/http_places_provider.h"
#include "engine/places/offline_provider.h"
#include "herd/peer_message.h"

namespace herd::live {

// --- places -------------------------------------------------------------------

std::unique_ptr<places::PlacesProvider> make_places_provider(asio::io_context& io, const HerdConfig& config) {
  const auto delay = std::chrono::milliseconds(config.places.offline_delay_ms);
  if (config.places.provider == "offline") return std::make_unique<places::OfflineProvider>(io, delay);
  const char* key = std::getenv(places::kApiKeyEnv);
  if (!key || !*key) {
    // The herd must work out of the box: no key means synthetic places, said openly.
    std::cerr << "herd: warning: places.provider is \"" << config.places.provider << "\" but "
              << places::kApiKeyEnv << " is not set; using the offline provider\n";
    return std::make_unique<places::OfflineProvider>(io, delay);
  }
  places::HttpProviderConfig hc;
  hc.api = config.places.provider == "google-new" ? places::GoogleApi::New : places::GoogleApi::Legacy;
  hc.base_url = config.places.base_url;
  hc.api_key = key;
  hc.timeout = std::chrono::milliseconds(config.places.timeout_ms);
  hc.ca_file = config.places.ca_file;
  try {
    return std::make_unique<places::HttpPlacesProvider>(io, std::move(hc));
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(config.source + ": places: " + e.what());
  }
}

// --- ServerState ----------------------------------------------------------------

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
  node = std::make_unique<Node>(std::move(nc), *this, clients, make_flooding());

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
         (config.durability == Durability::Fsync ? "fsync" : "batch") + ")";
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

// --- LiveServer -------------------------------------------------------------------

struct LiveServer::Impl {
  std::unique_ptr<ServerState> state;
  std::thread thread;
  bool began = false;
};

LiveServer::LiveServer(const HerdConfig& config, const std::string& name, ServerOptions options)
    : impl_(std::make_unique<Impl>()) {
  const ServerConfig* self = config.find(name);
  if (!self) throw std::runtime_error(config.source + ": no server named '" + name + "'");
  impl_->state = std::make_unique<ServerState>(config, *self, std::move(options));
}

LiveServer::~LiveServer() {
  stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->state->shutdown();  // if it never ran
}

std::uint16_t LiveServer::client_port() const { return impl_->state->client_acceptor.local_endpoint().port(); }
std::uint16_t LiveServer::peer_port() const { return impl_->state->peer_acceptor.local_endpoint().port(); }
const std::string& LiveServer::log_path() const { return impl_->state->log.path(); }

void LiveServer::set_peer_address(const std::string& name, const std::string& host, std::uint16_t port) {
  auto& s = *impl_->state;
  const auto p = s.neighbour_index(name);
  if (!p) throw std::runtime_error(s.self.name + ": '" + name + "' is not a neighbour");
  s.neighbours[*p].host = host;
  s.neighbours[*p].peer_port = port;
  s.resolve_neighbour(s.neighbours[*p]);
}

void LiveServer::run(bool stop_on_signals) {
  auto& s = *impl_->state;
  impl_->began = true;
  s.begin();
  std::unique_ptr<asio::signal_set> signals;
  if (stop_on_signals) {
    signals = std::make_unique<asio::signal_set>(s.io, SIGINT, SIGTERM);
    signals->async_wait([&s](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      s.log.event("signal " + std::to_string(sig) + ": stopping");
      s.shutdown();
      s.io.stop();
    });
  }
  s.io.run();
  s.shutdown();
}

void LiveServer::start() {
  impl_->began = true;
  impl_->thread = std::thread([this] { run(false); });
}

void LiveServer::stop() {
  auto& s = *impl_->state;
  asio::post(s.io, [&s] {
    s.shutdown();
    s.io.stop();
  });
}

void LiveServer::set_link_cut(const std::string& neighbour, bool cut) {
  auto& s = *impl_->state;
  const auto p = s.neighbour_index(neighbour);
  if (!p) throw std::invalid_argument("set_link_cut: '" + neighbour + "' is not a neighbour of " + s.self.name);
  auto done = std::make_shared<std::promise<void>>();
  auto f = done->get_future();
  asio::post(s.io, [&s, p = *p, cut, done] {
    s.set_cut(p, cut);
    done->set_value();
  });
  if (f.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    throw std::runtime_error("set_link_cut(): server thread did not answer (not running?)");
  }
}

ServerStatus LiveServer::status() {
  auto& s = *impl_->state;
  // Shared: the server thread may still be inside set_value() when the
  // caller wakes up and returns.
  auto p = std::make_shared<std::promise<ServerStatus>>();
  auto f = p->get_future();
  asio::post(s.io, [&s, p] {
    ServerStatus st;
    st.client_connections = s.sessions.size();
    for (std::size_t i = 0; i < s.links.size(); ++i) {
      if (s.links[i]->up()) st.peers_up.push_back(s.neighbours[i].name);
    }
    for (const auto& [id, ps] : s.inbound) {
      for (std::size_t i = 0; i < s.neighbours.size(); ++i) {
        if (ps->authenticated_as(static_cast<PeerId>(i))) st.peers_inbound.push_back(s.neighbours[i].name);
      }
    }
    std::sort(st.peers_up.begin(), st.peers_up.end());
    std::sort(st.peers_inbound.begin(), st.peers_inbound.end());
    st.reports = s.node->table().size();
    st.refused_peers = s.refused_peers;
    p->set_value(std::move(st));
  });
  if (f.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    throw std::runtime_error("status(): server thread did not answer (not running?)");
  }
  return f.get();
}

}  // namespace herd::live
