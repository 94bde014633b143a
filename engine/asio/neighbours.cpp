#include "engine/asio/neighbours.h"

#include <boost/asio/ip/tcp.hpp>

namespace herd::live {

Neighbours::Neighbours(boost::asio::io_context& io, const HerdConfig& config, const ServerConfig& self) : io_(io) {
  for (const auto& name : self.neighbours) {
    const ServerConfig* sc = config.find(name);
    Neighbour n{name, sc->host, sc->peer_port, {}};
    resolve(n);
    list_.push_back(std::move(n));
  }
}

std::optional<PeerId> Neighbours::index(std::string_view name) const {
  for (std::size_t i = 0; i < list_.size(); ++i) {
    if (list_[i].name == name) return static_cast<PeerId>(i);
  }
  return std::nullopt;
}

void Neighbours::set_address(PeerId p, const std::string& host, std::uint16_t peer_port) {
  list_[p].host = host;
  list_[p].peer_port = peer_port;
  resolve(list_[p]);
}

void Neighbours::resolve(Neighbour& n) {
  n.addresses.clear();
  boost::system::error_code ec;
  const auto addr = boost::asio::ip::make_address(n.host, ec);
  if (!ec) {
    n.addresses.push_back(addr);
    return;
  }
  boost::asio::ip::tcp::resolver r(io_);
  for (const auto& e : r.resolve(n.host, "", ec)) n.addresses.push_back(e.endpoint().address());
}

}  // namespace herd::live
