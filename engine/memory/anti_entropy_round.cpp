#include "engine/memory/anti_entropy_round.h"

#include <cstdio>
#include <string>

#include "engine/memory/memory_network.h"
#include "herd/anti_entropy.h"

namespace herd::memory {

namespace {

constexpr Nanos kEpoch = 1'621'464'827'000'000'000;

ReportRef report_of(ClientDirectory& clients, std::size_t c, Nanos at) {
  const std::string name = "client-" + std::to_string(c);
  const ClientId id = clients.intern(name);
  char time[32];
  std::snprintf(time, sizeof time, "%lld.%09lld", static_cast<long long>(at / kNanosPerSecond),
                static_cast<long long>(at % kNanosPerSecond));
  return make_client_report("Hill", 0, id, name, "+34.068930-118.445127", time, Coordinates{34.06893, -118.445127}, at);
}

}  // namespace

RoundCost measure_anti_entropy_round(std::size_t clients, std::size_t different) {
  Topology t;
  t.names = {"Hill", "Smith"};
  t.links = {{0, 1}};
  MemoryNetwork net(t, kEpoch, [](std::size_t node) {
    return make_anti_entropy(make_flooding(), kNanosPerSecond, node);
  });
  net.set_trace(false);
  // Different clients are spread over the table (every k-th), alternately
  // newer on node 0 and on node 1.
  const std::size_t step = different ? clients / different : 0;
  for (std::size_t c = 0; c < clients; ++c) {
    const ReportRef base = report_of(net.clients(), c, kEpoch + static_cast<Nanos>(c));
    const bool differs = step && c % step == 0 && c / step < different;
    const ReportRef newer = differs ? report_of(net.clients(), c, kEpoch + static_cast<Nanos>(c) + kNanosPerSecond) : base;
    const bool node0_newer = differs && (c / step) % 2 == 0;
    net.node(0).restore(node0_newer ? newer : base);
    net.node(1).restore(node0_newer ? base : newer);
  }
  // Node 0's periodic timer starts a round with every up neighbour (node 1).
  for (std::size_t i = 0; i < net.timers().size(); ++i) {
    if (net.timers()[i].node == 0) {
      net.fire_timer(i);
      break;
    }
  }
  net.deliver_all();
  RoundCost cost;  // restoring sends nothing: every message is the round's
  cost.messages = net.peer_messages_sent();
  cost.bytes = net.peer_bytes_sent();
  cost.repairs = net.peer_messages_sent(PeerMessage::Kind::Repair);
  const auto& a = net.node(0).table();
  const auto& b = net.node(1).table();
  cost.converged = a.size() == b.size();
  for (ClientId c = 0; c < net.clients().size() && cost.converged; ++c) {
    const ReportRef* x = a.find(c);
    const ReportRef* y = b.find(c);
    cost.converged = x && y && (*x)->at_line() == (*y)->at_line();
  }
  return cost;
}

}  // namespace herd::memory
