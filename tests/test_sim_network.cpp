// The virtual-time driver on its own: latency, loss, link faults,
// partitions, crashes, clock skew and the places model.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "engine/virtual/virtual_network.h"
#include "topology/presets.h"

using namespace herd;
using virt::LatencyModel;
using virt::VirtualNetwork;

namespace {

constexpr Nanos kMs = 1'000'000;

// Records first stores and client output.
struct Recorder : virt::NetworkObserver {
  std::map<std::uint32_t, Nanos> stored_at;  // node -> virtual time of first store
  std::map<std::uint32_t, std::uint16_t> hops;
  std::vector<std::string> output;
  VirtualNetwork* net = nullptr;
  std::uint64_t duplicates = 0;
  void client_report(std::uint32_t node, const ReportRef&, bool stored, const Report*) override {
    if (stored) {
      stored_at.emplace(node, net->now());
      hops.emplace(node, 0);
    }
  }
  void peer_report(std::uint32_t node, PeerId, const PeerMessage& m, bool stored, const Report*) override {
    if (stored) {
      stored_at.emplace(node, net->now());
      hops.emplace(node, m.hops);
    } else {
      ++duplicates;
    }
  }
  void client_output(std::uint32_t, ConnId, std::string_view bytes) override { output.emplace_back(bytes); }
};

Topology hill() { return topology_of(*find_preset("hill")); }

std::uint32_t idx(const Topology& t, const char* name) { return static_cast<std::uint32_t>(*t.index_of(name)); }

std::string iamat(const VirtualNetwork& net, const char* client = "kiwi") {
  const Nanos t = net.epoch() + net.now();
  return std::string("IAMAT ") + client + " +34.068930-118.445127 " + std::to_string(t / kNanosPerSecond) + "." +
         std::string(9 - std::to_string(t % kNanosPerSecond).size(), '0') + std::to_string(t % kNanosPerSecond);
}

virt::NetworkConfig constant(Nanos latency, double loss = 0) {
  virt::NetworkConfig cfg;
  cfg.latency = LatencyModel::constant(latency);
  cfg.loss = loss;
  cfg.seed = 1;
  return cfg;
}

}  // namespace

TEST_CASE("constant latency: each server stores the report at distance x latency") {
  const Topology t = hill();
  Recorder rec;
  VirtualNetwork net(t, constant(10 * kMs), rec);
  rec.net = &net;
  REQUIRE(net.client_command(idx(t, "Hill"), iamat(net)));
  net.run_until(kNanosPerSecond);
  // Hill: Jaquez and Smith at 1 hop, Singleton and Campbell at 2.
  CHECK(rec.stored_at == std::map<std::uint32_t, Nanos>{{idx(t, "Hill"), 0},
                                                        {idx(t, "Jaquez"), 10 * kMs},
                                                        {idx(t, "Smith"), 10 * kMs},
                                                        {idx(t, "Singleton"), 20 * kMs},
                                                        {idx(t, "Campbell"), 20 * kMs}});
  CHECK(rec.hops[idx(t, "Campbell")] == 2);
  // Flooding: 2|E| - (|V| - 1) = 12 - 4 = 8 messages, 4 of them duplicates.
  CHECK(net.counters().sent == 8);
  CHECK(net.counters().delivered == 8);
  CHECK(rec.duplicates == 4);
  for (std::uint32_t n = 0; n < net.size(); ++n) CHECK(net.node(n)->table().size() == 1);
}

TEST_CASE("per-link latency overrides the default") {
  const Topology t = hill();
  Recorder rec;
  VirtualNetwork net(t, constant(10 * kMs), rec);
  rec.net = &net;
  const auto li = net.link_index(idx(t, "Hill"), idx(t, "Smith"));
  REQUIRE(li >= 0);
  net.set_link_latency(static_cast<std::size_t>(li), LatencyModel::constant(100 * kMs));
  net.client_command(idx(t, "Hill"), iamat(net));
  net.run_until(kNanosPerSecond);
  // Smith now hears first via Hill-Jaquez-Singleton-Smith (30 ms), not directly (100 ms).
  CHECK(rec.stored_at[idx(t, "Smith")] == 30 * kMs);
  CHECK(rec.hops[idx(t, "Smith")] == 3);
}

TEST_CASE("loss probability 1 drops every peer message") {
  const Topology t = hill();
  Recorder rec;
  VirtualNetwork net(t, constant(10 * kMs, 1.0), rec);
  rec.net = &net;
  net.client_command(idx(t, "Hill"), iamat(net));
  net.run_until(kNanosPerSecond);
  CHECK(rec.stored_at.size() == 1);
  CHECK(net.counters().dropped_loss == 2);
  CHECK(net.counters().delivered == 0);
}

TEST_CASE("a cut link is not used until restored - messages in flight on it are lost") {
  const Topology t = hill();
  Recorder rec;
  VirtualNetwork net(t, constant(10 * kMs), rec);
  rec.net = &net;
  const auto li = static_cast<std::size_t>(net.link_index(idx(t, "Hill"), idx(t, "Jaquez")));
  net.client_command(idx(t, "Hill"), iamat(net));
  net.run_until(5 * kMs);
  net.set_link_open(li, false);  // the message to Jaquez is half way
  CHECK_FALSE(net.link_up(li));
  net.run_until(kNanosPerSecond);
  CHECK(net.counters().dropped_in_flight == 1);
  // Jaquez still learns it, the long way round: Hill-Smith-Singleton-Jaquez.
  CHECK(rec.stored_at[idx(t, "Jaquez")] == 30 * kMs);
  net.set_link_open(li, true);
  CHECK(net.link_up(li));
}

TEST_CASE("closed links stop delivery across them until reopened") {
  const Topology t = hill();
  Recorder rec;
  VirtualNetwork net(t, constant(10 * kMs), rec);
  rec.net = &net;
  // Hill and Jaquez on one side, the rest on the other.
  const auto side = [&](std::size_t n) { return n == idx(t, "Hill") || n == idx(t, "Jaquez"); };
  std::vector<std::size_t> across;
  for (std::size_t li = 0; li < t.links.size(); ++li) {
    if (side(t.links[li].first) != side(t.links[li].second)) across.push_back(li);
  }
  REQUIRE_FALSE(across.empty());
  for (const auto li : across) net.set_link_open(li, false);
  net.client_command(idx(t, "Hill"), iamat(net));
  net.run_until(kNanosPerSecond);
  CHECK(rec.stored_at.size() == 2);  // Hill and Jaquez only
  for (const auto li : across) net.set_link_open(li, true);
  rec.stored_at.clear();
  net.client_command(idx(t, "Hill"), iamat(net));  // a newer report
  net.run_until(2 * kNanosPerSecond);
  CHECK(rec.stored_at.size() == 5);
}

TEST_CASE("a crash loses the node's table - restart brings back an empty node") {
  const Topology t = hill();
  Recorder rec;
  VirtualNetwork net(t, constant(10 * kMs), rec);
  rec.net = &net;
  const std::uint32_t s = idx(t, "Singleton");
  net.client_command(idx(t, "Hill"), iamat(net, "a"));
  net.run_until(kNanosPerSecond);
  REQUIRE(net.node(s)->table().size() == 1);
  net.crash(s);
  CHECK_FALSE(net.alive(s));
  CHECK(net.node(s) == nullptr);
  CHECK_FALSE(net.client_command(s, iamat(net, "b")));  // refused while down
  net.client_command(idx(t, "Campbell"), iamat(net, "c"));
  net.run_until(2 * kNanosPerSecond);
  net.restart(s);
  REQUIRE(net.node(s) != nullptr);
  CHECK(net.node(s)->table().size() == 0);  // the table was lost
  net.client_command(idx(t, "Hill"), iamat(net, "d"));
  net.run_until(3 * kNanosPerSecond);
  CHECK(net.node(s)->table().size() == 1);  // only what came after the restart
  CHECK(net.node(idx(t, "Hill"))->table().size() == 3);
}

TEST_CASE("clock skew shows in the AT line's time difference") {
  const Topology t = hill();
  Recorder rec;
  VirtualNetwork net(t, constant(10 * kMs), rec);
  rec.net = &net;
  net.set_clock_skew(idx(t, "Hill"), 250 * kMs);
  net.client_command(idx(t, "Hill"), iamat(net));
  REQUIRE(rec.output.size() == 1);
  CHECK(rec.output[0].rfind("AT Hill +0.250000000 kiwi ", 0) == 0);
}

TEST_CASE("places lookups answer after the modelled delay") {
  const Topology t = hill();
  Recorder rec;
  auto cfg = constant(10 * kMs);
  cfg.places_delay = LatencyModel::constant(80 * kMs);
  VirtualNetwork net(t, cfg, rec);
  rec.net = &net;
  net.client_command(idx(t, "Hill"), iamat(net));
  net.run_until(kNanosPerSecond);
  rec.output.clear();
  net.client_command(idx(t, "Smith"), "WHATSAT kiwi 10 2");
  CHECK(rec.output.empty());  // waiting for places
  net.run_until(kNanosPerSecond + 79 * kMs);
  CHECK(rec.output.empty());
  net.run_until(kNanosPerSecond + 80 * kMs);
  REQUIRE(rec.output.size() == 1);
  CHECK(rec.output[0].rfind("AT Hill ", 0) == 0);
  CHECK(rec.output[0].find("\"results\"") != std::string::npos);
  CHECK(net.counters().lookups == 1);
}

TEST_CASE("same seed - same random latencies - another seed differs") {
  const Topology t = topology_of(*find_preset("goloman"));
  auto times = [&](std::uint64_t seed) {
    Recorder rec;
    virt::NetworkConfig cfg;
    cfg.seed = seed;
    cfg.latency = LatencyModel::lognormal(std::log(20.0e6), 0.5);
    VirtualNetwork net(t, cfg, rec);
    rec.net = &net;
    net.client_command(0, iamat(net));
    net.run_until(10 * kNanosPerSecond);
    return rec.stored_at;
  };
  CHECK(times(5) == times(5));
  CHECK(times(5) != times(6));
}
