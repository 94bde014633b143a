#pragma once
// What every connection of a live server sees of it (internal to the Asio
// driver): the io_context it runs on, the server's log and the limits. Each
// kind of connection has a narrow interface of its own built on this one
// (ClientSessionHost, PeerSessionHost, PeerLinkHost), in the style of the
// Boost.Asio chat example where a participant sees only its room: a session
// can reach what its job needs and nothing else of the server.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "engine/asio/herd_config.h"
#include "engine/asio/server_log.h"

namespace herd::live {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class ConnectionHost {
 public:
  virtual asio::io_context& io() = 0;
  virtual ServerLog& log() = 0;
  virtual const Limits& limits() const = 0;

 protected:
  ~ConnectionHost() = default;  // never owned through this interface
};

}  // namespace herd::live
