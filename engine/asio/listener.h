#pragma once
// One listening port of a live server (internal to the Asio driver): binds
// it, then accepts connections for as long as the server runs and hands
// each socket to a callback. The client port and the peer port are both one
// of these; only what a new connection becomes differs.
#include <cstdint>
#include <functional>
#include <string>

#include "engine/asio/connection_host.h"

namespace herd::live {

class Listener {
 public:
  using OnAccept = std::function<void(tcp::socket)>;

  // `what` names the port in messages: "clients" or "peers".
  Listener(asio::io_context& io, ServerLog& log, std::string what);

  // Binds self.host:port and listens. Throws ConfigError naming `field`.host
  // when the host does not resolve or is not an address of this machine,
  // std::runtime_error naming `field`.`port_field` when the port cannot be
  // had (e.g. it is taken).
  void listen(const HerdConfig& config, const ServerConfig& self, std::uint16_t port, const std::string& field,
              const char* port_field);
  // Accepts until close(); an accept that fails is logged and retried.
  void start(OnAccept on_accept);
  // Stops accepting; completions still queued are ignored. Idempotent.
  void close();
  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

 private:
  void accept();

  tcp::acceptor acceptor_;
  ServerLog& log_;
  std::string what_;
  OnAccept on_accept_;
  bool closed_ = false;
};

}  // namespace herd::live
