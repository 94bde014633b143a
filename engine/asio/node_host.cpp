#include "engine/asio/node_host.h"

#include <ctime>
#include <filesystem>
#include <random>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/asio/client_session.h"
#include "engine/asio/connection_registry.h"
#include "engine/asio/peer_links.h"
#include "engine/durable/durable_table.h"
#include "herd/peer_message.h"
#include "herd/strategy_spec.h"

namespace herd::live {

namespace asio = boost::asio;

std::unique_ptr<Node> make_live_node(const HerdConfig& config, const ServerConfig& self, std::size_t neighbours,
                                     bool persist, NodeContext& ctx, ClientDirectory& clients) {
  NodeConfig nc{self.name, {}, /*peers_start_up=*/false};
  for (std::size_t i = 0; i < neighbours; ++i) nc.neighbours.push_back(static_cast<PeerId>(i));
  nc.max_future_skew = static_cast<Nanos>(config.limits.max_future_skew_ms) * 1'000'000;
  nc.persist = persist;
  // Live gossip draws its own choices: a herd of real servers is not replayed.
  return std::make_unique<Node>(std::move(nc), ctx, clients, make_strategy(config.strategy, std::random_device{}()));
}

NodeHost::NodeHost(asio::io_context& io, const HerdConfig& config, const ServerConfig& self, std::size_t neighbours,
                   ServerLog& log, const ServerOptions& options, ConnectionRegistry& connections, PeerLinks& links)
    : io_(io),
      config_(config),
      self_(self),
      log_(log),
      connections_(connections),
      links_(links),
      durable_(!config.data_dir.empty() && config.durability != Durability::Off),
      limit_log_(log, options.observer, config.limits, clients_) {
  clients_.set_limits(config.limits.max_clients, config.limits.max_client_bytes);
  places_ = options.places ? options.places(io, config) : make_places_provider(io, config);
  node_ = make_live_node(config, self, neighbours, durable_, *this, clients_);
}

NodeHost::~NodeHost() = default;

void NodeHost::open_table() {
  if (!durable_) return;
  const std::string path = (std::filesystem::path(config_.data_dir) / (self_.name + ".sqlite")).string();
  try {
    table_ = std::make_unique<durable::DurableTable>(path, self_.name, config_.durability);
    for (const auto& [client, line] : table_->load()) {
      ReportRef r = parse_at_line(line, clients_);
      // The table checked every line, so only a limit lowered since can refuse one.
      if (!r) {
        ++table_not_restored_;
        continue;
      }
      table_restored_ += node_->restore(std::move(r)) ? 1 : 0;
    }
  } catch (const durable::DurableTableError& e) {
    throw std::runtime_error(self_.name + ": durable table refused: " + e.what() +
                             " (move the file aside, or point data_dir elsewhere)");
  }
}

std::string NodeHost::table_summary() const {
  if (!table_) return "table in memory only";
  return "table " + table_->path() + " (" + std::to_string(table_restored_) + " reports restored, durability " +
         durable::durability_name(config_.durability) + ")";
}

void NodeHost::log_restore_warning() {
  if (!table_not_restored_) return;
  log_.event("warning: " + std::to_string(table_not_restored_) + " reports in " + table_->path() +
             " were not restored: over limits.max_clients or limits.max_client_bytes (they stay in the file)");
}

void NodeHost::stop() {
  stopped_ = true;
  *alive_ = false;
}

void NodeHost::close_table() {
  if (!table_) return;
  try {
    table_->close();
  } catch (const std::exception& e) {
    log_.event(std::string("error: the durable table's last commit failed: ") + e.what());
  }
}

void NodeHost::post_input(std::function<void(Node&)> input) {
  if (stopped_) return;
  asio::post(io_, [this, input = std::move(input), alive = alive_] {
    if (*alive) input(*node_);
  });
}

void NodeHost::peer_line(PeerId from, std::string_view line, const std::string& who, int version) {
  PeerMessage m;
  if (!parse_peer_message(line, clients_, m)) {
    if (clients_.full_for(0)) {
      limit_log_.event(LimitEvent::PeerUpdate,
                       who + " sent an update this server did not store: malformed, or a new client while the "
                             "client directory is full (limits.max_clients, limits.max_client_bytes)");
    } else {
      log_.event(who + " sent a malformed peer message; ignored");
    }
    return;
  }
  if (version < 2 && m.kind != PeerMessage::Kind::Update) {
    log_.event(who + " sent an anti-entropy line on a protocol version " + std::to_string(version) +
               " link (UPDATE only); ignored");
    return;
  }
  if (version < 3 && is_plumtree(m.kind)) {
    log_.event(who + " sent a Plumtree line on a protocol version " + std::to_string(version) +
               " link (no Plumtree lines before version 3); ignored");
    return;
  }
  node_->on_peer_message(from, m);
}

Nanos NodeHost::now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<Nanos>(ts.tv_sec) * kNanosPerSecond + ts.tv_nsec;
}

void NodeHost::send_to_client(ConnId conn, std::string_view bytes) {
  if (ClientSession* c = connections_.client(conn)) c->send(bytes);
}

void NodeHost::close_client(ConnId conn) {
  if (ClientSession* c = connections_.client(conn)) c->close_when_flushed();
}

void NodeHost::send_to_peer(PeerId peer, const PeerMessage& m) {
  if (peer >= links_.size()) return;
  if (m.kind != PeerMessage::Kind::Update) {
    std::string line = format_peer_message(m);
    line += '\n';
    links_.send_line(peer, line);
    return;
  }
  if (formatted_report_.get() != m.report.get() || formatted_hops_ != m.hops) {
    formatted_report_ = m.report;
    formatted_hops_ = m.hops;
    formatted_ = format_peer_message(m);
    formatted_ += '\n';
  }
  links_.send_line(peer, formatted_);
}

void NodeHost::start_timer(TimerId id, Nanos delay) {
  auto t = std::make_shared<asio::steady_timer>(io_, std::chrono::nanoseconds(delay));
  t->async_wait([this, t, id, alive = alive_](const boost::system::error_code& ec) {
    if (!ec && *alive) node_->on_timer(id);
  });
}

void NodeHost::lookup_places(LookupId id, const PlacesQuery& q) {
  places_->lookup(q, [this, id, alive = alive_](PlacesResult r) {
    if (*alive) node_->on_places_result(id, r);
  });
}

void NodeHost::persist(const Report& r) {
  if (table_ && !stopped_) table_->put(r.client_name(), r.at_line());
}

}  // namespace herd::live
