#include "harness/virtual_world.h"

#include <chrono>

#include <time.h>

namespace herd::harness {

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

VirtualWorld::VirtualWorld(const Topology& topo, virt::NetworkConfig config, WorldEvents& events,
                           virt::NetworkObserver* tap)
    : topo_(topo), events_(events), tap_(tap) {
  config.due = [&events](std::uint32_t token) { events.due(token); };
  virt::NetworkObserver& self = *this;
  net_ = std::make_unique<virt::VirtualNetwork>(topo, std::move(config), self);
}

void VirtualWorld::crash(std::uint32_t n) {
  if (const Node* node = net_->node(n)) {
    const LocationTable& table = node->table();
    for (ClientId c = 0; c < net_->clients().size(); ++c) {
      if (const ReportRef* held = table.find(c)) events_.lost(n, c, held->get());
    }
  }
  net_->crash(n);
}

bool VirtualWorld::client_command(std::uint32_t n, std::string_view line, bool) {
  return net_->client_command(n, line);
}

void VirtualWorld::run(Nanos end) {
  const auto start = std::chrono::steady_clock::now();
  const double cpu = thread_cpu_seconds();
  net_->run_until(end);
  loop_cpu_seconds_ = thread_cpu_seconds() - cpu;
  loop_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

NetworkCounts VirtualWorld::counts() const {
  const virt::NetworkCounters& k = net_->counters();
  NetworkCounts out;
  out.sent = k.sent;
  out.delivered = k.delivered;
  out.dropped_in_flight = k.dropped_in_flight;
  out.has_drop_causes = true;
  out.dropped_link_down = k.dropped_link_down;
  out.dropped_loss = k.dropped_loss;
  out.events = k.events;
  for (std::size_t i = 0; i < k.kinds.size(); ++i) {
    if (k.kinds[i].sent == 0) continue;
    out.kinds.push_back({kind_name(static_cast<PeerMessage::Kind>(i)), k.kinds[i].sent, k.kinds[i].delivered,
                         k.kinds[i].bytes});
  }
  return out;
}

results::NodeRow VirtualWorld::node_row(std::uint32_t n) const {
  return {n, topo_.names[n], static_cast<std::uint32_t>(net_->degree(n)), net_->clock_skew(n)};
}

results::LinkRow VirtualWorld::link_row(std::size_t link) const {
  const auto [a, b] = net_->link_ends(link);
  return {a, b, net_->link_latency(link).describe(), net_->link_loss(link)};
}

void VirtualWorld::client_report(std::uint32_t node, const ReportRef& r, bool stored, const Report* previous) {
  events_.client_report(node, r, stored, previous, net_->now());
  if (tap_) tap_->client_report(node, r, stored, previous);
}

void VirtualWorld::peer_report(std::uint32_t node, PeerId from, const PeerMessage& m, bool stored,
                               const Report* previous) {
  if (m.kind == PeerMessage::Kind::Repair) {
    events_.repair_report(node, m.report, stored, previous, net_->now());
  } else {
    events_.peer_report(node, m.report, m.hops, stored, previous, net_->now());
  }
  if (tap_) tap_->peer_report(node, from, m, stored, previous);
}

void VirtualWorld::whatsat(std::uint32_t node, ClientId, const Report& served) {
  events_.whatsat(node, served, net_->now());
}

void VirtualWorld::invalid_line(std::uint32_t node, std::string_view line) {
  events_.invalid_line(node, line, net_->now());
}

}  // namespace herd::harness
