#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>

#include "engine/memory/memory_network.h"
#include "topology/presets.h"

using namespace herd;
using memory::MemoryNetwork;

namespace {
constexpr Nanos kNow = 1621464828223371889;

std::uint64_t next(std::uint64_t& s) {
  s = s * 6364136223846793005ULL + 1442695040888963407ULL;
  return s >> 33;
}

bool everyone_holds(MemoryNetwork& net, const std::string& client, const std::string& at_line) {
  for (std::size_t i = 0; i < net.size(); ++i) {
    const auto& t = net.node(i).table();
    if (t.size() != 1) return false;
    bool found = false;
    for (ClientId c = 0; c < 16; ++c) {
      if (auto* r = t.find(c); r && (*r)->client_name() == client) found = (*r)->at_line() == at_line;
    }
    if (!found) return false;
  }
  return true;
}
}  // namespace

TEST_CASE("flooding reaches every server of every preset, from every origin, at a known cost") {
  for (const Preset& p : presets()) {
    const Topology topo = topology_of(p);
    const std::size_t expected = 2 * topo.links.size() - (topo.size() - 1);
    for (std::size_t origin = 0; origin < topo.size(); ++origin) {
      INFO(p.name << " from " << topo.names[origin]);
      MemoryNetwork net(topo, kNow);
      net.client_send(origin, 1, "IAMAT kiwi +34-118 1621464827.5\n");
      const std::string at = net.take_output(origin, 1);
      const std::size_t delivered = net.deliver_all();
      CHECK(delivered == expected);
      CHECK(net.peer_messages_sent() == expected);
      CHECK(net.in_flight().empty());  // nothing circulates
      CHECK(everyone_holds(net, "kiwi", at.substr(0, at.size() - 1)));
    }
  }
}

TEST_CASE("any delivery order converges with the same number of messages") {
  for (const Preset& p : presets()) {
    const Topology topo = topology_of(p);
    const std::size_t expected = 2 * topo.links.size() - (topo.size() - 1);
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
      INFO(p.name << " seed " << seed);
      MemoryNetwork net(topo, kNow);
      net.client_send(seed % topo.size(), 1, "IAMAT kiwi +34-118 1621464827.5\n");
      std::uint64_t s = seed;
      std::size_t delivered = 0;
      while (!net.in_flight().empty()) {
        net.deliver(next(s) % net.in_flight().size());
        ++delivered;
      }
      CHECK(delivered == expected);
      for (std::size_t i = 0; i < net.size(); ++i) CHECK(net.node(i).table().size() == 1);
    }
  }
}

TEST_CASE("concurrent reports for one client converge on the newest everywhere") {
  const Topology topo = topology_of(*find_preset("goloman"));
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    MemoryNetwork net(topo, kNow);
    net.client_send(0, 1, "IAMAT kiwi +1+1 1621464827.1\n");
    net.client_send(3, 1, "IAMAT kiwi +2+2 1621464827.3\n");  // newest
    net.client_send(4, 1, "IAMAT kiwi +3+3 1621464827.2\n");
    const std::string newest = net.take_output(3, 1);
    std::uint64_t s = seed;
    while (!net.in_flight().empty()) net.deliver(next(s) % net.in_flight().size());
    INFO("seed " << seed);
    CHECK(everyone_holds(net, "kiwi", newest.substr(0, newest.size() - 1)));
  }
}

TEST_CASE("equal client times converge on one report on every server") {
  const Topology topo = topology_of(*find_preset("hill"));
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    MemoryNetwork net(topo, kNow);
    net.client_send(0, 1, "IAMAT kiwi +1+1 1621464827\n");  // at Hill
    net.client_send(4, 1, "IAMAT kiwi +1+1 1621464827\n");  // at Singleton
    std::uint64_t s = seed;
    while (!net.in_flight().empty()) net.deliver(next(s) % net.in_flight().size());
    // "AT Singleton ..." > "AT Hill ..." byte-wise: Singleton's report wins.
    CHECK(everyone_holds(net, "kiwi", "AT Singleton +1.223371889 kiwi +1+1 1621464827"));
  }
}

TEST_CASE("a dropped message to a leaf leaves it uninformed - a ring routes around one") {
  {
    MemoryNetwork net(topology_of(*find_preset("goloman")), kNow);
    const std::size_t welsh = net.index_of("Welsh");
    net.client_send(0, 1, "IAMAT kiwi +1+1 1621464827\n");
    while (!net.in_flight().empty()) {
      if (net.in_flight().front().to == welsh) {
        net.drop(0);
      } else {
        net.deliver(0);
      }
    }
    CHECK(net.node(welsh).table().size() == 0);
    CHECK(net.node(net.index_of("Wilkes")).table().size() == 1);
  }
  {
    MemoryNetwork net(topology_of(*find_preset("alford")), kNow);
    net.client_send(0, 1, "IAMAT kiwi +1+1 1621464827\n");
    net.drop(0);  // one direction around the ring
    net.deliver_all();
    for (std::size_t i = 0; i < net.size(); ++i) CHECK(net.node(i).table().size() == 1);
  }
}

TEST_CASE("a node does not send over a link it knows is down") {
  MemoryNetwork net(topology_of(*find_preset("alford")), kNow);
  const std::size_t alford = net.index_of("Alford"), welsh = net.index_of("Welsh");
  net.set_link(alford, welsh, false);
  net.client_send(alford, 1, "IAMAT kiwi +1+1 1621464827\n");
  REQUIRE(net.in_flight().size() == 1);
  CHECK(net.in_flight()[0].to == net.index_of("Hamilton"));
  net.deliver_all();
  // Around the ring the long way; Welsh learns from Ball and stops there.
  CHECK(net.node(welsh).table().size() == 1);
  CHECK(net.peer_messages_sent() == 4);
  net.set_link(alford, welsh, true);
  net.client_send(alford, 1, "IAMAT kiwi +1+1 1621464828\n");
  CHECK(net.in_flight().size() == 2);
}

TEST_CASE("hop counts grow by one per link") {
  MemoryNetwork net(topology_of(*find_preset("goloman")), kNow);
  net.client_send(net.index_of("Welsh"), 1, "IAMAT kiwi +1+1 1621464827\n");
  net.deliver_all();
  // Welsh -> Holiday (1) -> Goloman, Wilkes (2) -> Hands (3), in FIFO order.
  const auto& trace = net.trace();
  REQUIRE(trace.size() >= 3);
  CHECK(trace[0].rfind("Welsh -> Holiday UPDATE 1 AT Welsh", 0) == 0);
  CHECK(trace[1].rfind("Holiday -> Goloman UPDATE 2 ", 0) == 0);
  CHECK(trace[2].rfind("Holiday -> Wilkes UPDATE 2 ", 0) == 0);
  CHECK(std::any_of(trace.begin(), trace.end(),
                    [](const std::string& l) { return l.find("-> Hands UPDATE 3 ") != std::string::npos; }));
}

TEST_CASE("a far server answers WHATSAT with the origin's AT line") {
  MemoryNetwork net(topology_of(*find_preset("hill")), kNow);
  net.set_auto_places(true);
  net.client_send(0, 1, "IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503\n");
  const std::string at = net.take_output(0, 1);
  net.deliver_all();
  const std::size_t campbell = net.index_of("Campbell");
  net.client_send(campbell, 7, "WHATSAT kiwi.cs.ucla.edu 10 3\n");
  const std::string out = net.take_output(campbell, 7);
  CHECK(out.rfind(at + "{\n", 0) == 0);
}

TEST_CASE("a hub with more than 64 links tracks each link's state (inline bits and beyond)") {
  // A star: hub 0 with 100 leaves. The node keeps the first 64 link states
  // in a word and the rest in a vector; cut one link on each side of that line.
  Topology star;
  star.names.push_back("hub");
  for (std::size_t i = 1; i <= 100; ++i) {
    star.names.push_back("leaf" + std::to_string(i));
    star.links.emplace_back(0, i);
  }
  MemoryNetwork net(star, kNow);
  const std::vector<std::size_t> cut = {1, 63, 64, 65, 100};  // neighbour indices 0, 62, 63, 64, 99
  for (std::size_t leaf : cut) net.set_link(0, leaf, false);
  net.client_send(0, 1, "IAMAT kiwi +1+1 1621464827\n");
  REQUIRE(net.in_flight().size() == 100 - cut.size());
  for (const auto& m : net.in_flight()) {
    CHECK(std::find(cut.begin(), cut.end(), m.to) == cut.end());
  }
  net.deliver_all();
  for (std::size_t leaf = 1; leaf <= 100; ++leaf) {
    const bool is_cut = std::find(cut.begin(), cut.end(), leaf) != cut.end();
    CHECK(net.node(leaf).table().size() == (is_cut ? 0u : 1u));
  }
  // Bring them back: the next report reaches every leaf.
  for (std::size_t leaf : cut) net.set_link(0, leaf, true);
  net.client_send(0, 1, "IAMAT kiwi +1+1 1621464828\n");
  CHECK(net.in_flight().size() == 100);
}
