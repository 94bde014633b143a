#include "engine/virtual/virtual_network.h"

#include <algorithm>
#include <stdexcept>

#include "engine/places/offline_places.h"
#include "engine/virtual/huge_pages.h"

namespace herd::virt {

Nanos VirtualNetwork::Ctx::now() { return net_->config_.epoch + net_->now_ + net_->nodes_[index_].skew; }
void VirtualNetwork::Ctx::send_to_client(ConnId conn, std::string_view bytes) {
  net_->observer_.client_output(index_, conn, bytes);
}
void VirtualNetwork::Ctx::send_to_peer(PeerId peer, const PeerMessage& m) { net_->send(index_, peer, m); }
void VirtualNetwork::Ctx::start_timer(TimerId id, Nanos delay) { net_->timer(index_, id, delay); }
void VirtualNetwork::Ctx::lookup_places(LookupId id, const PlacesQuery& q) { net_->lookup(index_, id, q); }

void VirtualNetwork::Ctx::client_report(const ReportRef& r, bool stored, const Report* previous) {
  net_->observer_.client_report(index_, r, stored, previous);
}
void VirtualNetwork::Ctx::peer_report(PeerId from, const PeerMessage& m, bool stored, const Report* previous) {
  net_->observer_.peer_report(index_, from, m, stored, previous);
}
void VirtualNetwork::Ctx::whatsat(ClientId client, const Report& served) {
  net_->observer_.whatsat(index_, client, served);
}
void VirtualNetwork::Ctx::invalid_line(ConnId, std::string_view line, bool) {
  net_->observer_.invalid_line(index_, line);
}

VirtualNetwork::VirtualNetwork(const Topology& topology, NetworkConfig config,
                               NetworkObserver& observer)
    : config_(std::move(config)), observer_(observer), names_(topology.names), tables_(topology.size(), HugePageResource::instance()), rng_(config_.seed) {
  const auto n = static_cast<std::uint32_t>(topology.size());
  models_.push_back(config_.latency);
  links_.reserve(topology.links.size());
  std::vector<std::uint32_t> degree(n, 0);
  for (auto [a, b] : topology.links) {
    if (a >= n || b >= n || a == b) throw std::invalid_argument("topology link out of range");
    Link l;
    l.a = static_cast<std::uint32_t>(std::min(a, b));
    l.b = static_cast<std::uint32_t>(std::max(a, b));
    l.loss = static_cast<float>(config_.loss);
    links_.push_back(l);
    link_loss_.push_back(config_.loss);
    ++degree[a];
    ++degree[b];
  }
  adj_begin_.assign(n + 1, 0);
  for (std::uint32_t i = 0; i < n; ++i) adj_begin_[i + 1] = adj_begin_[i] + degree[i];
  adj_.resize(adj_begin_[n]);
  std::vector<std::uint32_t> fill(adj_begin_.begin(), adj_begin_.end() - 1);
  for (std::uint32_t li = 0; li < links_.size(); ++li) {
    const Link& l = links_[li];
    adj_[fill[l.a]++] = {l.b, li};
    adj_[fill[l.b]++] = {l.a, li};
  }
  for (std::uint32_t i = 0; i < n; ++i) {
    // Sort each row by neighbour, keeping link indices alongside.
    const std::uint32_t lo = adj_begin_[i], hi = adj_begin_[i + 1];
    std::vector<std::pair<std::uint32_t, std::uint32_t>> row;
    row.reserve(hi - lo);
    for (std::uint32_t k = lo; k < hi; ++k) row.emplace_back(adj_[k].peer, adj_[k].link);
    std::sort(row.begin(), row.end());
    for (std::uint32_t k = lo; k < hi; ++k) {
      if (k > lo && row[k - lo].first == row[k - lo - 1].first)
        throw std::invalid_argument("topology has a duplicate link");
      adj_[k] = {row[k - lo].first, row[k - lo].second};
    }
  }
  size_ = n;
  nodes_ = std::unique_ptr<Slot[], SlotsDeleter>(
      static_cast<Slot*>(allocate_huge(n * sizeof(Slot))), SlotsDeleter(n));
  for (std::uint32_t i = 0; i < n; ++i) {
    new (&nodes_[i]) Slot();
    nodes_.get_deleter().constructed = i + 1;
  }
  for (std::uint32_t i = 0; i < n; ++i) {
    nodes_[i].ctx.init(*this, i);
    build_node(i);
  }
  for (std::uint32_t i = 0; i < n; ++i) nodes_[i].node->on_start();
}

VirtualNetwork::~VirtualNetwork() = default;

void VirtualNetwork::SlotsDeleter::operator()(Slot* p) const {
  for (std::size_t i = constructed; i-- > 0;) p[i].~Slot();
  deallocate_huge(p, capacity * sizeof(Slot));
}

void VirtualNetwork::build_node(std::uint32_t n) {
  NodeConfig cfg;
  cfg.name = names_[n];
  for (std::uint32_t k = adj_begin_[n]; k < adj_begin_[n + 1]; ++k) cfg.neighbours.push_back(adj_[k].peer);
  cfg.peers_start_up = true;
  cfg.shared_table = &tables_;
  cfg.table_column = n;
  nodes_[n].node.emplace(std::move(cfg), nodes_[n].ctx, clients_, config_.make_strategy(n, nodes_[n].generation));
}

std::int64_t VirtualNetwork::link_index(std::uint32_t a, std::uint32_t b) const {
  if (a >= size_ || b >= size_) return -1;
  const auto first = adj_.begin() + adj_begin_[a], last = adj_.begin() + adj_begin_[a + 1];
  const auto it = std::lower_bound(first, last, b, [](const Adj& x, std::uint32_t p) { return x.peer < p; });
  if (it == last || it->peer != b) return -1;
  return it->link;
}

bool VirtualNetwork::compute_up(std::size_t link) const {
  const Link& l = links_[link];
  return l.open && nodes_[l.a].alive && nodes_[l.b].alive;
}

void VirtualNetwork::set_link_latency(std::size_t link, const LatencyModel& m) {
  auto it = std::find(models_.begin(), models_.end(), m);
  if (it == models_.end()) it = models_.insert(models_.end(), m);
  links_[link].model = static_cast<std::uint32_t>(it - models_.begin());
}

void VirtualNetwork::set_link_loss(std::size_t link, double p) {
  links_[link].loss = static_cast<float>(p);
  link_loss_[link] = p;
}

void VirtualNetwork::send(std::uint32_t from, PeerId to, const PeerMessage& m) {
  const bool update = m.kind == PeerMessage::Kind::Update;
  if (update) {
    ++counters_.sent;
  } else {
    auto& k = counters_.kinds[static_cast<std::size_t>(m.kind)];
    ++k.sent;
    k.bytes += format_peer_message(m).size() + 1;
  }
  const std::int64_t li = link_index(from, to);
  if (li < 0 || !link_up(static_cast<std::size_t>(li))) {
    ++counters_.dropped_link_down;
    return;
  }
  const Link& l = links_[static_cast<std::size_t>(li)];
  if (l.loss > 0 && rng_.uniform01() < static_cast<double>(l.loss)) {
    ++counters_.dropped_loss;
    return;
  }
  Event e;
  e.time = now_ + models_[l.model].sample(rng_);
  e.a = static_cast<std::uint32_t>(li);
  e.b = to;
  if (update) {
    e.kind = Event::Kind::PeerMessage;
    e.c = l.epoch;
    e.hops = m.hops;
    e.report = m.report;
  } else {
    e.kind = Event::Kind::OtherMessage;
    e.c = take_slot(other_free_, other_slots_.size());
    if (e.c == other_slots_.size()) other_slots_.push_back({m, l.epoch}); else other_slots_[e.c] = {m, l.epoch};
  }
  queue_.push(std::move(e));
}

std::uint32_t VirtualNetwork::take_slot(std::vector<std::uint32_t>& free_list, std::size_t size) {
  if (!free_list.empty()) {
    const std::uint32_t s = free_list.back();
    free_list.pop_back();
    return s;
  }
  return static_cast<std::uint32_t>(size);
}

void VirtualNetwork::timer(std::uint32_t n, TimerId id, Nanos delay) {
  const std::uint32_t slot = take_slot(timer_free_, timer_slots_.size());
  if (slot == timer_slots_.size()) timer_slots_.push_back(id); else timer_slots_[slot] = id;
  Event e;
  e.time = now_ + std::max<Nanos>(delay, 0);
  e.kind = Event::Kind::Timer;
  e.a = n;
  e.b = nodes_[n].generation;
  e.c = slot;
  queue_.push(std::move(e));
}

void VirtualNetwork::lookup(std::uint32_t n, LookupId id, const PlacesQuery& q) {
  ++counters_.lookups;
  const std::uint32_t slot = take_slot(lookup_free_, lookup_slots_.size());
  if (slot == lookup_slots_.size()) lookup_slots_.push_back({id, q}); else lookup_slots_[slot] = {id, q};
  Event e;
  e.time = now_ + config_.places_delay.sample(rng_);
  e.kind = Event::Kind::Places;
  e.a = n;
  e.b = nodes_[n].generation;
  e.c = slot;
  queue_.push(std::move(e));
}

void VirtualNetwork::schedule(Nanos at, std::uint32_t token) {
  Event e;
  e.time = std::max(at, now_);
  e.kind = Event::Kind::External;
  e.a = token;
  queue_.push(std::move(e));
}

bool VirtualNetwork::client_command(std::uint32_t n, std::string_view line) {
  if (!nodes_[n].alive) return false;
  ++counters_.client_commands;
  const ConnId conn = next_conn_++;
  Node& node = *nodes_[n].node;
  node.on_client_line(conn, line);
  node.on_client_eof(conn);
  return true;
}

void VirtualNetwork::dispatch(Event& e) {
  switch (e.kind) {
    case Event::Kind::PeerMessage: {
      ++counters_.message_events;
      const Link& l = links_[e.a];
      // The epoch moves on whenever the link goes down, so a message sent
      // before a cut, partition or crash never arrives, even after a repair.
      if (l.epoch != e.c) {
        ++counters_.dropped_in_flight;
        return;
      }
      ++counters_.delivered;
      const PeerId from = l.a == e.b ? l.b : l.a;
      Node& node = *nodes_[e.b].node;
      PeerMessage m{PeerMessage::Kind::Update, e.hops, std::move(e.report)};
      node.on_peer_message(from, m);
      return;
    }
    case Event::Kind::OtherMessage: {
      ++counters_.message_events;
      Other o = std::move(other_slots_[e.c]);
      other_slots_[e.c] = Other{};
      other_free_.push_back(e.c);
      const Link& l = links_[e.a];
      if (l.epoch != o.epoch) {  // as for updates: lost with the link
        ++counters_.dropped_in_flight;
        return;
      }
      ++counters_.kinds[static_cast<std::size_t>(o.message.kind)].delivered;
      const PeerId from = l.a == e.b ? l.b : l.a;
      nodes_[e.b].node->on_peer_message(from, o.message);
      return;
    }
    case Event::Kind::Timer: {
      ++counters_.timers;
      const TimerId id = timer_slots_[e.c];
      timer_free_.push_back(e.c);
      if (nodes_[e.a].alive && nodes_[e.a].generation == e.b) nodes_[e.a].node->on_timer(id);
      return;
    }
    case Event::Kind::Places: {
      const Lookup l = lookup_slots_[e.c];
      lookup_free_.push_back(e.c);
      if (nodes_[e.a].alive && nodes_[e.a].generation == e.b)
        nodes_[e.a].node->on_places_result(l.id, offline_places(l.query));
      return;
    }
    case Event::Kind::External:
      config_.due(e.a);
      return;
  }
}

std::uint64_t VirtualNetwork::run_until(Nanos end) {
  std::uint64_t processed = 0;
  while (!queue_.empty() && queue_.next_time() <= end) {
    Event e = queue_.pop();
    now_ = e.time;
    // Most of a big run's time is cache misses on the receiving node and its
    // table slot; start loading the next message's while this one runs.
    std::uint32_t next_link = 0, next_node = 0;
    const Report* next_report = queue_.peek_message(next_link, next_node);
    if (next_report) {
      __builtin_prefetch(&links_[next_link]);
      tables_.prefetch(next_report->client(), next_node);
      const Slot& slot = nodes_[next_node];
      __builtin_prefetch(&slot);
      __builtin_prefetch(reinterpret_cast<const char*>(&slot) + 64);
      __builtin_prefetch(reinterpret_cast<const char*>(&slot) + 128);
    }
    dispatch(e);
    ++processed;
  }
  counters_.events += processed;
  if (end > now_) now_ = end;
  return processed;
}

// --- faults -------------------------------------------------------------------

void VirtualNetwork::notify(std::size_t link, bool up) {
  Link& l = links_[link];
  l.up = up;
  if (!up) ++l.epoch;  // in-flight messages on it are lost
  for (auto [self, other] : {std::pair{l.a, l.b}, std::pair{l.b, l.a}}) {
    if (!nodes_[self].alive) continue;
    if (up) nodes_[self].node->on_peer_up(other); else nodes_[self].node->on_peer_down(other);
  }
}

void VirtualNetwork::set_link_open(std::size_t link, bool open) {
  links_[link].open = open;
  const bool up = compute_up(link);
  if (up != links_[link].up) notify(link, up);
}

void VirtualNetwork::crash(std::uint32_t n) {
  if (!nodes_[n].alive) return;
  // Neighbours first learn the links are gone, then the node and its table go.
  std::vector<std::size_t> were_up;
  for (std::uint32_t k = adj_begin_[n]; k < adj_begin_[n + 1]; ++k) {
    if (link_up(adj_[k].link)) were_up.push_back(adj_[k].link);
  }
  nodes_[n].alive = false;
  for (std::size_t li : were_up) notify(li, false);
  nodes_[n].node.reset();
  ++nodes_[n].generation;  // its pending timers and lookups die with it
}

void VirtualNetwork::restart(std::uint32_t n) {
  if (nodes_[n].alive) return;
  nodes_[n].alive = true;
  build_node(n);
  for (std::uint32_t k = adj_begin_[n]; k < adj_begin_[n + 1]; ++k) {
    const std::uint32_t li = adj_[k].link;
    if (compute_up(li)) {
      links_[li].up = true;
      nodes_[adj_[k].peer].node->on_peer_up(n);  // the fresh node starts with links up
    } else {
      nodes_[n].node->on_peer_down(adj_[k].peer);
    }
  }
  nodes_[n].node->on_start();
}

}  // namespace herd::virt
