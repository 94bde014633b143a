#pragma once
// This server's neighbours (internal to the Asio driver): where each one
// listens for peers and which addresses it may connect from. The index of a
// neighbour is its PeerId, the node's name for it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include "engine/asio/herd_config.h"
#include "herd/types.h"

namespace herd::live {

struct Neighbour {
  std::string name;
  std::string host;
  std::uint16_t peer_port = 0;
  std::vector<boost::asio::ip::address> addresses;  // resolved `host`, for the address check
};

class Neighbours {
 public:
  // Resolves each neighbour `self` lists (the config was validated: each exists).
  Neighbours(boost::asio::io_context& io, const HerdConfig& config, const ServerConfig& self);

  std::size_t size() const { return list_.size(); }
  bool empty() const { return list_.empty(); }
  const Neighbour& operator[](PeerId p) const { return list_[p]; }
  std::optional<PeerId> index(std::string_view name) const;
  // Points neighbour p elsewhere and resolves it again (LiveServer::set_peer_address).
  void set_address(PeerId p, const std::string& host, std::uint16_t peer_port);

 private:
  void resolve(Neighbour& n);

  boost::asio::io_context& io_;
  std::vector<Neighbour> list_;
};

}  // namespace herd::live
