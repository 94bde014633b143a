#include "engine/asio/listener.h"

#include <stdexcept>

namespace herd::live {

Listener::Listener(asio::io_context& io, ServerLog& log, std::string what)
    : acceptor_(io), log_(log), what_(std::move(what)) {}

void Listener::listen(const HerdConfig& config, const ServerConfig& self, std::uint16_t port,
                      const std::string& field, const char* port_field) {
  boost::system::error_code ec;
  const auto addr = asio::ip::make_address(self.host, ec);
  tcp::endpoint ep;
  if (!ec) {
    ep = tcp::endpoint(addr, port);
  } else {
    tcp::resolver r(acceptor_.get_executor());
    auto res = r.resolve(self.host, std::to_string(port), ec);
    if (ec || res.empty()) {
      throw ConfigError(config.source, field + ".host",
                        "cannot resolve '" + self.host + "' to listen on: " + (ec ? ec.message() : "no address"));
    }
    ep = *res.begin();
  }
  acceptor_.open(ep.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(ep, ec);
  if (ec == boost::system::errc::address_not_available) {
    // A bad config, not a busy machine: the host is not one of this machine's addresses.
    throw ConfigError(config.source, field + ".host",
                      "'" + self.host + "' is not an address of this machine (cannot listen for " + what_ + ": " +
                          ec.message() + ")");
  }
  if (ec) {
    throw std::runtime_error(config.source + ": " + field + "." + port_field + ": " + self.name +
                             " cannot listen for " + what_ + " on " + self.host + ":" + std::to_string(port) + ": " +
                             ec.message());
  }
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

void Listener::start(OnAccept on_accept) {
  on_accept_ = std::move(on_accept);
  accept();
}

void Listener::close() {
  closed_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
}

void Listener::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (closed_) return;
    if (!ec) {
      on_accept_(std::move(socket));
    } else if (ec != asio::error::operation_aborted) {
      log_.event("accept (" + what_ + ") failed: " + ec.message());
    }
    accept();
  });
}

}  // namespace herd::live
