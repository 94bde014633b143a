#include "engine/asio/live_server.h"

#include <algorithm>
#include <cstdlib>
#include <future>
#include <iostream>
#include <thread>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include "engine/asio/peer_link.h"
#include "engine/asio/peer_session.h"
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
