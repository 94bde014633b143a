#include "herd/strategy.h"

#include <random>
#include <vector>

namespace herd {

namespace {

// Push gossip: each new report goes to `fanout` neighbours drawn uniformly
// (without replacement) from the up links, never back to its sender. Cheaper
// than flooding, but a report can die out before reaching everyone: the
// coverage-against-messages trade-off the simulator measures.
class GossipStrategy final : public PropagationStrategy {
 public:
  GossipStrategy(std::uint32_t fanout, std::uint64_t seed) : fanout_(fanout), rng_(seed) {}
  std::string name() const override { return "gossip"; }

  void on_stored(PropagationHost& host, const ReportRef& r, std::optional<PeerId> from,
                 std::uint16_t hops) override {
    const auto peers = host.neighbours();
    candidates_.clear();
    for (std::size_t i = 0; i < peers.size(); ++i) {
      if ((!from || peers[i] != *from) && host.link_up(i)) candidates_.push_back(peers[i]);
    }
    // A partial Fisher-Yates shuffle picks the first `fanout` of them. The
    // engine's output is fixed by the standard; `% n` (not a std::
    // distribution, whose algorithm varies by library) keeps every platform
    // on the same choice.
    const std::size_t k = std::min<std::size_t>(fanout_, candidates_.size());
    for (std::size_t i = 0; i < k; ++i) {
      const std::size_t j = i + static_cast<std::size_t>(rng_() % (candidates_.size() - i));
      std::swap(candidates_[i], candidates_[j]);
    }
    const PeerMessage m{PeerMessage::Kind::Update, static_cast<std::uint16_t>(hops == 0xFFFF ? hops : hops + 1), r};
    for (std::size_t i = 0; i < k; ++i) host.send(candidates_[i], m);
  }

 private:
  std::uint32_t fanout_;
  std::mt19937_64 rng_;
  std::vector<PeerId> candidates_;  // reused: no allocation per report
};

}  // namespace

std::unique_ptr<PropagationStrategy> make_gossip(std::uint32_t fanout, std::uint64_t seed) {
  return std::make_unique<GossipStrategy>(fanout, seed);
}

}  // namespace herd
