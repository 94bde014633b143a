// LiveServer: the thread-safe front of one Server (engine/asio/server.h):
// it runs the server's io_context on a thread and hands every call from
// another thread over to it.
#include "engine/asio/live_server.h"

#include <future>
#include <thread>

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include "engine/asio/server.h"

namespace herd::live {

struct LiveServer::Impl {
  std::unique_ptr<Server> server;
  std::thread thread;
  bool began = false;
};

LiveServer::LiveServer(const HerdConfig& config, const std::string& name, ServerOptions options)
    : impl_(std::make_unique<Impl>()) {
  const ServerConfig* self = config.find(name);
  if (!self) throw std::runtime_error(config.source + ": no server named '" + name + "'");
  impl_->server = std::make_unique<Server>(config, *self, std::move(options));
}

LiveServer::~LiveServer() {
  stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->server->shutdown();  // if it never ran
}

std::uint16_t LiveServer::client_port() const { return impl_->server->client_port(); }
std::uint16_t LiveServer::peer_port() const { return impl_->server->peer_port(); }
const std::string& LiveServer::log_path() const { return impl_->server->log().path(); }

void LiveServer::set_peer_address(const std::string& name, const std::string& host, std::uint16_t port) {
  auto& s = *impl_->server;
  const auto p = s.neighbour_index(name);
  if (!p) throw std::runtime_error(s.name() + ": '" + name + "' is not a neighbour");
  s.set_peer_address(*p, host, port);
}

void LiveServer::run(bool stop_on_signals) {
  auto& s = *impl_->server;
  impl_->began = true;
  s.begin();
  std::unique_ptr<asio::signal_set> signals;
  if (stop_on_signals) {
    signals = std::make_unique<asio::signal_set>(s.io(), SIGINT, SIGTERM);
    signals->async_wait([&s](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      s.log().event("signal " + std::to_string(sig) + ": stopping");
      s.shutdown();
      s.io().stop();
    });
  }
  s.io().run();
  s.shutdown();
}

void LiveServer::start() {
  impl_->began = true;
  impl_->thread = std::thread([this] { run(false); });
}

void LiveServer::stop() {
  auto& s = *impl_->server;
  asio::post(s.io(), [&s] {
    s.shutdown();
    s.io().stop();
  });
}

void LiveServer::set_link_cut(const std::string& neighbour, bool cut) {
  auto& s = *impl_->server;
  const auto p = s.neighbour_index(neighbour);
  if (!p) throw std::invalid_argument("set_link_cut: '" + neighbour + "' is not a neighbour of " + s.name());
  auto done = std::make_shared<std::promise<void>>();
  auto f = done->get_future();
  asio::post(s.io(), [&s, p = *p, cut, done] {
    s.set_cut(p, cut);
    done->set_value();
  });
  if (f.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    throw std::runtime_error("set_link_cut(): server thread did not answer (not running?)");
  }
}

ServerStatus LiveServer::status() {
  auto& s = *impl_->server;
  // Shared: the server thread may still be inside set_value() when the
  // caller wakes up and returns.
  auto p = std::make_shared<std::promise<ServerStatus>>();
  auto f = p->get_future();
  asio::post(s.io(), [&s, p] { p->set_value(s.status()); });
  if (f.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    throw std::runtime_error("status(): server thread did not answer (not running?)");
  }
  return f.get();
}

}  // namespace herd::live
