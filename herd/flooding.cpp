#include "herd/strategy.h"

namespace herd {

void FloodingStrategy::on_stored(PropagationHost& host, const ReportRef& r,
                                 std::optional<PeerId> from, std::uint16_t hops) {
  PeerMessage m{PeerMessage::Kind::Update, static_cast<std::uint16_t>(hops == 0xFFFF ? hops : hops + 1), r};
  const auto peers = host.neighbours();
  for (std::size_t i = 0; i < peers.size(); ++i) {
    if ((from && peers[i] == *from) || !host.link_up(i)) continue;
    host.send(peers[i], m);
  }
}

std::unique_ptr<PropagationStrategy> make_flooding() { return std::make_unique<FloodingStrategy>(); }

}  // namespace herd
