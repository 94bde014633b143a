#include "herd/plumtree.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace herd {

namespace {

constexpr TimerId kClientMask = 0xFFFFFFFFu;
constexpr std::uint64_t kGenerations = std::uint64_t{1} << 30;  // ids stay below 2^62

class Plumtree final : public PropagationStrategy {
 public:
  explicit Plumtree(Nanos graft_timeout) : timeout_(std::max<Nanos>(graft_timeout, 1)) {}
  std::string name() const override { return "plumtree"; }

  void on_stored(PropagationHost& host, const ReportRef& r, std::optional<PeerId> from,
                 std::uint16_t hops) override {
    init(host);
    // A payload came on this link: it is (again) part of the tree.
    if (from) set_eager(*from, true);
    if (auto it = missing_.find(r->client()); it != missing_.end() && it->second.time <= r->client_time())
      missing_.erase(it);
    const auto next = static_cast<std::uint16_t>(hops == 0xFFFF ? hops : hops + 1);
    const PeerMessage payload{PeerMessage::Kind::Update, next, r};
    PeerMessage announce;  // built on the first lazy link: one body shared by all
    const auto peers = host.neighbours();
    for (std::size_t i = 0; i < peers.size(); ++i) {
      if ((from && peers[i] == *from) || !host.link_up(i)) continue;
      if (eager_[i]) {
        host.send(peers[i], payload);
        continue;
      }
      if (!announce.control) {
        auto body = std::make_shared<ControlBody>();
        body->client = r->client();
        body->client_name = std::string(r->client_name());
        body->time = r->client_time();
        announce = PeerMessage{PeerMessage::Kind::PtIhave, next, {}, std::move(body)};
      }
      host.send(peers[i], announce);
    }
  }

  void on_stale(PropagationHost& host, const ReportRef& r, std::optional<PeerId> from) override {
    if (!from) return;
    init(host);
    const ReportRef* held = host.table().find(r->client());
    // The same report again: this link is a redundant path of the tree.
    // An older one is another broadcast, already superseded: no prune.
    if (!held || (*held)->newer_than(*r) || r->newer_than(**held)) return;
    set_eager(*from, false);
    host.send(*from, PeerMessage{PeerMessage::Kind::PtPrune, 0, {}, prune_body()});
  }

  void on_peer_up(PropagationHost& host, PeerId p) override {
    init(host);
    set_eager(p, true);
  }

  void on_message(PropagationHost& host, PeerId from, const PeerMessage& m) override {
    if (!m.control) return;
    init(host);
    switch (m.kind) {
      case PeerMessage::Kind::PtIhave: return on_ihave(host, from, m);
      case PeerMessage::Kind::PtGraft: return on_graft(host, from, m);
      case PeerMessage::Kind::PtPrune: return set_eager(from, false);
      default: return;
    }
  }

  void on_timer(PropagationHost& host, TimerId id) override {
    const auto client = static_cast<ClientId>(id & kClientMask);
    auto it = missing_.find(client);
    if (it == missing_.end() || it->second.generation != (id >> 32)) return;  // settled or superseded
    Missing& miss = it->second;
    if (held_at_least(host, client, miss.time)) {
      missing_.erase(it);
      return;
    }
    // Ask the next announcer whose link is up, preferring one already in
    // the tree: several reports missing at once (a part of the tree cut
    // off) then graft one link, not one each, which would make cycles that
    // the duplicates prune again, cutting the tree elsewhere. The rest wait
    // a shorter time.
    std::size_t pick = miss.announcers.size();
    for (std::size_t k = miss.next; k < miss.announcers.size(); ++k) {
      const auto i = index_of(miss.announcers[k]);
      if (!i || !host.link_up(*i)) continue;
      if (pick == miss.announcers.size()) pick = k;
      if (eager_[*i]) {
        pick = k;
        break;
      }
    }
    if (pick < miss.announcers.size()) {
      std::swap(miss.announcers[miss.next], miss.announcers[pick]);
      const PeerId p = miss.announcers[miss.next++];
      set_eager(p, true);
      host.send(p, PeerMessage{PeerMessage::Kind::PtGraft, miss.hops, {}, body_for(client, miss)});
      if (miss.next < miss.announcers.size()) {
        host.start_timer(timer_id(client, miss.generation), std::max<Nanos>(timeout_ / 2, 1));
      }
      return;
    }
    missing_.erase(it);  // every announcer tried: anti-entropy, if on, repairs the rest
  }

 private:
  // A report announced but not held: when it was announced (client time),
  // with what hop count, and by whom, in order.
  struct Missing {
    Nanos time = 0;
    std::uint16_t hops = 0;
    std::vector<PeerId> announcers;
    std::size_t next = 0;  // the next announcer to graft from
    std::uint64_t generation = 0;
    std::string client_name;
  };

  void init(PropagationHost& host) {
    if (initialised_) return;
    initialised_ = true;
    const auto peers = host.neighbours();
    eager_.assign(peers.size(), 1);  // every link starts in the tree
    for (std::size_t i = 0; i < peers.size(); ++i) index_.emplace(peers[i], static_cast<std::uint32_t>(i));
  }

  std::optional<std::size_t> index_of(PeerId p) const {
    const auto it = index_.find(p);
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }

  void set_eager(PeerId p, bool eager) {
    if (auto i = index_of(p)) eager_[*i] = eager ? 1 : 0;
  }

  static bool held_at_least(PropagationHost& host, ClientId client, Nanos time) {
    const ReportRef* held = host.table().find(client);
    return held && (*held)->client_time() >= time;
  }

  TimerId timer_id(ClientId client, std::uint64_t generation) const {
    return (generation % kGenerations) << 32 | client;
  }

  std::shared_ptr<const ControlBody> body_for(ClientId client, const Missing& miss) const {
    auto body = std::make_shared<ControlBody>();
    body->client = client;
    body->client_name = miss.client_name;
    body->time = miss.time;
    return body;
  }

  std::shared_ptr<const ControlBody> prune_body() {
    if (!prune_) prune_ = std::make_shared<const ControlBody>();
    return prune_;
  }

  void on_ihave(PropagationHost& host, PeerId from, const PeerMessage& m) {
    const ControlBody& b = *m.control;
    if (held_at_least(host, b.client, b.time)) return;
    auto [it, fresh] = missing_.try_emplace(b.client);
    Missing& miss = it->second;
    if (!fresh && b.time < miss.time) return;  // an older report than the one awaited
    if (!fresh && b.time == miss.time) {
      if (std::find(miss.announcers.begin(), miss.announcers.end(), from) == miss.announcers.end())
        miss.announcers.push_back(from);
      return;
    }
    // The first announcement of this report (or of a newer one): wait for
    // the tree to deliver it, then graft.
    miss = Missing{b.time, m.hops, {from}, 0, (++generations_) % kGenerations, b.client_name};
    host.start_timer(timer_id(b.client, miss.generation), timeout_);
  }

  void on_graft(PropagationHost& host, PeerId from, const PeerMessage& m) {
    set_eager(from, true);
    const ControlBody& b = *m.control;
    const ReportRef* held = host.table().find(b.client);
    if (!held || (*held)->client_time() < b.time) return;
    host.send(from, PeerMessage{PeerMessage::Kind::Update, m.hops, *held});
  }

  Nanos timeout_;
  bool initialised_ = false;
  std::vector<std::uint8_t> eager_;  // by neighbour index: 1 eager, 0 lazy
  std::unordered_map<PeerId, std::uint32_t> index_;
  std::unordered_map<ClientId, Missing> missing_;
  std::uint64_t generations_ = 0;
  std::shared_ptr<const ControlBody> prune_;
};

}  // namespace

std::unique_ptr<PropagationStrategy> make_plumtree(Nanos graft_timeout) {
  return std::make_unique<Plumtree>(graft_timeout);
}

}  // namespace herd
