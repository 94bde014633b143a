#include "herd/anti_entropy.h"

#include <algorithm>
#include <vector>

namespace herd {

namespace {

using Node = ControlBody::Node;
using Entry = ControlBody::Entry;

constexpr TimerId kOwn = TimerId{1} << 63;
constexpr TimerId kPeriodic = kOwn;
constexpr TimerId kPeerUp = kOwn | (TimerId{1} << 62);  // | the peer's id

class AntiEntropy final : public PropagationStrategy {
 public:
  AntiEntropy(std::unique_ptr<PropagationStrategy> inner, Nanos interval, std::uint64_t seed)
      : inner_(std::move(inner)), interval_(std::max<Nanos>(interval, 1)), rng_(seed ^ 0xAE11AE11AE11AE11ull) {}

  std::string name() const override { return inner_->name() + "+anti_entropy"; }

  void on_stored(PropagationHost& host, const ReportRef& r, std::optional<PeerId> from, std::uint16_t hops) override {
    inner_->on_stored(host, r, from, hops);
  }
  void on_stale(PropagationHost& host, const ReportRef& r, std::optional<PeerId> from) override {
    inner_->on_stale(host, r, from);
  }
  void on_peer_down(PropagationHost& host, PeerId p) override { inner_->on_peer_down(host, p); }
  void on_peer_up(PropagationHost& host, PeerId p) override {
    inner_->on_peer_up(host, p);
    host.start_timer(kPeerUp | p, static_cast<Nanos>(below(static_cast<std::uint64_t>(interval_ / 4) + 1)));
  }
  void on_start(PropagationHost& host) override {
    inner_->on_start(host);
    host.start_timer(kPeriodic, static_cast<Nanos>(below(static_cast<std::uint64_t>(interval_))));
  }
  void on_timer(PropagationHost& host, TimerId id) override {
    if (!(id & kOwn)) return inner_->on_timer(host, id);
    if (id == kPeriodic) {
      const auto peers = host.neighbours();
      for (std::size_t i = 0; i < peers.size(); ++i) {
        if (host.link_up(i)) start_round(host, peers[i]);
      }
      const Nanos spread = interval_ / 2;
      host.start_timer(kPeriodic, interval_ - interval_ / 4 + static_cast<Nanos>(below(static_cast<std::uint64_t>(spread) + 1)));
      return;
    }
    const auto p = static_cast<PeerId>(id & 0xFFFFFFFFu);
    if (is_up(host, p)) start_round(host, p);
  }
  void on_message(PropagationHost& host, PeerId from, const PeerMessage& m) override {
    if (!m.control) return inner_->on_message(host, from, m);
    switch (m.kind) {
      case PeerMessage::Kind::AeDigest: return on_digest(host, from, *m.control);
      case PeerMessage::Kind::AeEntries: return on_entries(host, from, *m.control);
      case PeerMessage::Kind::AeWant: return on_want(host, from, *m.control);
      default: return inner_->on_message(host, from, m);
    }
  }

 private:
  // splitmix64: a fixed, portable stream (std:: distributions vary by library).
  std::uint64_t below(std::uint64_t n) {
    std::uint64_t z = (rng_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return n ? (z ^ (z >> 31)) % n : 0;
  }

  static bool is_up(PropagationHost& host, PeerId p) {
    const auto peers = host.neighbours();
    for (std::size_t i = 0; i < peers.size(); ++i) {
      if (peers[i] == p) return host.link_up(i);
    }
    return false;
  }

  static void send_control(PropagationHost& host, PeerId to, PeerMessage::Kind kind, ControlBody body) {
    host.send(to, PeerMessage{kind, 0, {}, std::make_shared<const ControlBody>(std::move(body))});
  }

  // Nodes of `level`, split into lines of at most kMaxNodes.
  static void send_digest(PropagationHost& host, PeerId to, unsigned depth, unsigned level,
                          const std::vector<Node>& nodes) {
    for (std::size_t i = 0; i < nodes.size(); i += ControlBody::kMaxNodes) {
      ControlBody b;
      b.depth = static_cast<std::uint8_t>(depth);
      b.level = static_cast<std::uint8_t>(level);
      b.nodes.assign(nodes.begin() + static_cast<std::ptrdiff_t>(i),
                     nodes.begin() + static_cast<std::ptrdiff_t>(std::min(nodes.size(), i + ControlBody::kMaxNodes)));
      send_control(host, to, PeerMessage::Kind::AeDigest, std::move(b));
    }
  }

  static void repair(PropagationHost& host, PeerId to, ClientId client) {
    if (const ReportRef* r = host.table().find(client)) host.send(to, PeerMessage{PeerMessage::Kind::Repair, 1, *r, nullptr});
  }

  static void start_round(PropagationHost& host, PeerId p) {
    const TableDigest& d = host.digest();
    const TableDigest::NodeDigest root = d.node(0, 0);
    send_digest(host, p, d.depth(), 0, {Node{0, root.count, root.hash}});
  }

  // Lists this node's reports in [lo, hi] to `to`, in lines of at most
  // kMaxEntries; each line names the exact sub-range it covers.
  static void send_entries(PropagationHost& host, PeerId to, std::uint64_t lo, std::uint64_t hi) {
    const LocationTable& table = host.table();
    ControlBody b;
    b.lo = lo;
    host.digest().for_each_in(lo, hi, [&](std::uint64_t ch, ClientId id, std::uint64_t rh) {
      // Never cut between two clients of one hash: a line's range must hold all of them.
      if (b.entries.size() >= ControlBody::kMaxEntries && ch != b.entries.back().client) {
        b.hi = b.entries.back().client;
        const std::uint64_t next = b.hi + 1;
        send_control(host, to, PeerMessage::Kind::AeEntries, std::move(b));
        b = ControlBody{};
        b.lo = next;
      }
      b.entries.push_back(Entry{ch, (*table.find(id))->client_time(), rh});
    });
    b.hi = hi;
    send_control(host, to, PeerMessage::Kind::AeEntries, std::move(b));
  }

  void on_digest(PropagationHost& host, PeerId from, const ControlBody& in) {
    const TableDigest& d = host.digest();
    const unsigned level = in.level, next = level + 1;
    const bool deeper = next <= std::min<unsigned>(d.depth(), in.depth);
    std::vector<Node> children, same;
    for (const Node& theirs : in.nodes) {
      const TableDigest::NodeDigest mine = d.node(level, theirs.index);
      if (mine.count == theirs.count && mine.hash == theirs.hash) continue;
      const std::uint64_t lo = TableDigest::range_lo(level, theirs.index), hi = TableDigest::range_hi(level, theirs.index);
      if (theirs.count == 0) {  // it holds nothing there: send everything
        d.for_each_in(lo, hi, [&](std::uint64_t, ClientId id, std::uint64_t) { repair(host, from, id); });
      } else if (deeper && std::min<std::uint64_t>(mine.count, theirs.count) > TableDigest::kLeafTarget) {
        for (std::uint32_t c = 0; c < TableDigest::kFanout; ++c) {
          const std::uint32_t index = theirs.index * TableDigest::kFanout + c;
          const TableDigest::NodeDigest n = d.node(next, index);
          children.push_back(Node{index, n.count, n.hash});
        }
      } else if (mine.count <= theirs.count) {
        send_entries(host, from, lo, hi);
      } else {
        same.push_back(Node{theirs.index, mine.count, mine.hash});  // it holds fewer: it lists
      }
    }
    send_digest(host, from, d.depth(), next, children);
    send_digest(host, from, d.depth(), level, same);
  }

  void on_entries(PropagationHost& host, PeerId from, const ControlBody& in) {
    struct Mine {
      std::uint64_t client;
      ClientId id;
      std::uint64_t report;
    };
    std::vector<Mine> mine;
    host.digest().for_each_in(in.lo, in.hi, [&](std::uint64_t ch, ClientId id, std::uint64_t rh) {
      mine.push_back({ch, id, rh});
    });
    const LocationTable& table = host.table();
    std::vector<std::uint64_t> wants;
    auto want = [&](std::uint64_t ch) {
      if (wants.empty() || wants.back() != ch) wants.push_back(ch);
    };
    const auto& theirs = in.entries;
    std::size_t i = 0, j = 0;
    while (i < mine.size() || j < theirs.size()) {
      if (j == theirs.size() || (i < mine.size() && mine[i].client < theirs[j].client)) {
        repair(host, from, mine[i++].id);  // it lacks this client
      } else if (i == mine.size() || theirs[j].client < mine[i].client) {
        want(theirs[j++].client);  // this node lacks it
      } else {
        const std::uint64_t ch = mine[i].client;
        std::size_t i2 = i, j2 = j;
        while (i2 < mine.size() && mine[i2].client == ch) ++i2;
        while (j2 < theirs.size() && theirs[j2].client == ch) ++j2;
        if (i2 - i == 1 && j2 - j == 1) {
          if (mine[i].report != theirs[j].report) {
            const Nanos t = (*table.find(mine[i].id))->client_time();
            // Newest wins (Report::newer_than): the later client time; on
            // equal times only the lines can tell, so both are sent.
            if (t >= theirs[j].time) repair(host, from, mine[i].id);
            if (t <= theirs[j].time) want(ch);
          }
        } else {  // two clients share a hash: exchange all of them
          for (std::size_t k = i; k < i2; ++k) repair(host, from, mine[k].id);
          want(ch);
        }
        i = i2;
        j = j2;
      }
    }
    for (std::size_t k = 0; k < wants.size(); k += ControlBody::kMaxWants) {
      ControlBody b;
      b.wants.assign(wants.begin() + static_cast<std::ptrdiff_t>(k),
                     wants.begin() + static_cast<std::ptrdiff_t>(std::min(wants.size(), k + ControlBody::kMaxWants)));
      send_control(host, from, PeerMessage::Kind::AeWant, std::move(b));
    }
  }

  void on_want(PropagationHost& host, PeerId from, const ControlBody& in) {
    for (const std::uint64_t ch : in.wants)
      host.digest().for_each_in(ch, ch, [&](std::uint64_t, ClientId id, std::uint64_t) { repair(host, from, id); });
  }

  std::unique_ptr<PropagationStrategy> inner_;
  Nanos interval_;
  std::uint64_t rng_;
};

}  // namespace

std::unique_ptr<PropagationStrategy> make_anti_entropy(std::unique_ptr<PropagationStrategy> inner, Nanos interval,
                                                       std::uint64_t seed) {
  return std::make_unique<AntiEntropy>(std::move(inner), interval, seed);
}

}  // namespace herd
