// Anti-entropy (herd/anti_entropy.h) at node level on the in-memory driver:
// its lines, what a round repairs, and what a round costs.
#include <catch2/catch.hpp>

#include <string>

#include "engine/memory/anti_entropy_round.h"
#include "engine/memory/memory_network.h"
#include "herd/anti_entropy.h"
#include "herd/client_directory.h"
#include "herd/peer_message.h"

using namespace herd;

namespace {

std::shared_ptr<const ControlBody> body(ControlBody b) { return std::make_shared<const ControlBody>(std::move(b)); }

PeerMessage round_trip(const PeerMessage& m) {
  ClientDirectory d;
  const std::string text = format_peer_message(m);
  PeerMessage back;
  REQUIRE(parse_peer_message(text, d, back));
  CHECK(back.kind == m.kind);
  CHECK(format_peer_message(back) == text);
  return back;
}

}  // namespace

TEST_CASE("anti-entropy lines round-trip through their text form, one line each") {
  ControlBody digest;
  digest.depth = 4;
  digest.level = 2;
  digest.nodes = {{0, 3, 0x0123456789abcdefull}, {255, 0, 0}};
  const PeerMessage d = round_trip(PeerMessage{PeerMessage::Kind::AeDigest, 0, {}, body(digest)});
  CHECK(format_peer_message(d) == "AE-DIGEST 4 2 0:3:0123456789abcdef 255:0:0000000000000000");
  CHECK(*d.control == digest);

  ControlBody entries;
  entries.lo = 0x10;
  entries.hi = 0xffffffffffffffffull;
  entries.entries = {{0x11, -5, 1}, {0x11, 1621464827959498503, 2}};
  const PeerMessage e = round_trip(PeerMessage{PeerMessage::Kind::AeEntries, 0, {}, body(entries)});
  CHECK(*e.control == entries);
  ControlBody none;
  none.hi = 7;
  CHECK(format_peer_message(round_trip(PeerMessage{PeerMessage::Kind::AeEntries, 0, {}, body(none)})) ==
        "AE-ENTRIES 0000000000000000 0000000000000007");

  ControlBody want;
  want.wants = {1, 0xabcull};
  CHECK(*round_trip(PeerMessage{PeerMessage::Kind::AeWant, 0, {}, body(want)}).control == want);

  ClientDirectory dir;
  const std::string at = "AT Hill -0.263873386 kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503";
  const PeerMessage r = round_trip(PeerMessage{PeerMessage::Kind::Repair, 1, parse_at_line(at, dir)});
  CHECK(format_peer_message(r) == "AE-REPAIR " + at);
  CHECK(r.hops == 1);
}

TEST_CASE("anti-entropy lines are parsed strictly, and the longest fit the peer line bound") {
  ClientDirectory d;
  PeerMessage m;
  for (const char* bad : {
           "AE-DIGEST 4 2", "AE-DIGEST 4 2 ", "AE-DIGEST 4 2  0:3:0123456789abcdef", "AE-DIGEST 04 2 0:3:0123456789abcdef",
           "AE-DIGEST 4 1 16:3:0123456789abcdef", "AE-DIGEST 4 1 1:3:0123456789ABCDEF", "AE-DIGEST 4 1 1:3:123",
           "AE-DIGEST 4 1 1:3", "AE-DIGEST 9 1 1:3:0123456789abcdef", "AE-DIGEST 4 1 1:-3:0123456789abcdef",
           "AE-ENTRIES 0000000000000002 0000000000000001", "AE-ENTRIES 0000000000000000",
           "AE-ENTRIES 0000000000000000 0000000000000009 000000000000000a:1:0000000000000000",
           "AE-ENTRIES 0000000000000000 0000000000000009 0000000000000005:-0:0000000000000000",
           "AE-ENTRIES 0000000000000000 0000000000000009 0000000000000005:01:0000000000000000",
           "AE-ENTRIES 0000000000000000 0000000000000009 0000000000000005:1:0000000000000000 "
           "0000000000000004:1:0000000000000000",
           "AE-WANT", "AE-WANT ", "AE-WANT 12", "AE-REPAIR", "AE-REPAIR UPDATE 1 AT Hill +0.000000000 kiwi +1+2 5",
           "AE-DIGEST 4 1 1:3:0123456789abcdef\r"}) {
    INFO(bad);
    CHECK_FALSE(parse_peer_message(bad, d, m));
  }
  // Lines at their caps, with the widest fields.
  ControlBody digest;
  digest.depth = digest.level = 7;
  for (std::size_t i = 0; i < ControlBody::kMaxNodes; ++i) digest.nodes.push_back({268435455, 4294967295u, ~0ull});
  ControlBody entries;
  entries.hi = ~0ull;
  for (std::size_t i = 0; i < ControlBody::kMaxEntries; ++i) entries.entries.push_back({~0ull, INT64_MIN, ~0ull});
  ControlBody want;
  want.wants.assign(ControlBody::kMaxWants, ~0ull);
  for (const auto& [kind, b] : {std::pair{PeerMessage::Kind::AeDigest, digest}, std::pair{PeerMessage::Kind::AeEntries, entries},
                                std::pair{PeerMessage::Kind::AeWant, want}}) {
    const std::string text = format_peer_message(PeerMessage{kind, 0, {}, body(b)});
    INFO(text.substr(0, 20));
    CHECK(text.size() <= kMaxPeerLineBytes);
    CHECK(parse_peer_message(text, d, m));
    ControlBody over = b;
    over.nodes.resize(over.nodes.empty() ? 0 : over.nodes.size() + 1, over.nodes.empty() ? ControlBody::Node{} : over.nodes[0]);
    over.entries.resize(over.entries.empty() ? 0 : over.entries.size() + 1, over.entries.empty() ? ControlBody::Entry{} : over.entries[0]);
    over.wants.resize(over.wants.empty() ? 0 : over.wants.size() + 1, 1);
    CHECK_FALSE(parse_peer_message(format_peer_message(PeerMessage{kind, 0, {}, body(over)}), d, m));
  }
}

TEST_CASE("anti-entropy: a round between equal tables costs one short line, whatever the table size") {
  for (const std::size_t clients : {std::size_t{10}, std::size_t{1000}, std::size_t{20000}}) {
    INFO(clients);
    const auto cost = memory::measure_anti_entropy_round(clients, 0);
    CHECK(cost.converged);
    CHECK(cost.messages == 1);
    CHECK(cost.bytes < 64);
  }
}

TEST_CASE("anti-entropy: a round repairs both sides, at a cost that grows with the difference") {
  SECTION("one report newer on one side") {
    const auto cost = memory::measure_anti_entropy_round(20000, 1);
    CHECK(cost.converged);
    CHECK(cost.repairs == 1);
    CHECK(cost.bytes < 4000);
  }
  SECTION("1 % newer, half on each side") {
    const auto cost = memory::measure_anti_entropy_round(20000, 200);
    CHECK(cost.converged);
    CHECK(cost.repairs == 200);
    CHECK(cost.bytes < 200 * 1500);
  }
  SECTION("every report differs, half newer on each side") {
    const auto cost = memory::measure_anti_entropy_round(2000, 2000);
    CHECK(cost.converged);
    CHECK(cost.repairs == 2000);
  }
}

TEST_CASE("anti-entropy: rounds start on peer-up and from the periodic timer, with seeded jitter") {
  Topology t;
  t.names = {"A", "B", "C"};
  t.links = {{0, 1}, {1, 2}};
  auto make = [](std::size_t node) { return make_anti_entropy(make_flooding(), kNanosPerSecond, 7 + node); };
  memory::MemoryNetwork net(t, 1'621'464'827'000'000'000, make);
  REQUIRE(net.timers().size() == 3);  // one periodic timer per node, from on_start
  for (const auto& timer : net.timers()) {
    CHECK(timer.id >> 63 == 1);  // the wrapper's own ids
    CHECK(timer.delay >= 0);
    CHECK(timer.delay < kNanosPerSecond);
  }
  memory::MemoryNetwork again(t, 1'621'464'827'000'000'000, make);
  for (std::size_t i = 0; i < 3; ++i) CHECK(again.timers()[i].delay == net.timers()[i].delay);

  // B learns a report while cut off from A and C: flooding cannot tell them.
  net.set_link(0, 1, false);
  net.set_link(1, 2, false);
  net.client_send(1, 1, "IAMAT kiwi +34.068930-118.445127 1621464827.959498503\n");
  net.deliver_all();
  CHECK(net.node(0).table().size() == 0);
  net.set_link(0, 1, true);  // peer-up: each end starts a round after a jitter
  std::size_t peer_up_timers = 0;
  for (std::size_t i = net.timers().size(); i-- > 0;) {
    if (net.timers()[i].delay < kNanosPerSecond / 4 + 1 && net.timers()[i].id != (TimerId{1} << 63)) {
      ++peer_up_timers;
      net.fire_timer(i);
    }
  }
  CHECK(peer_up_timers == 2);
  net.deliver_all();
  CHECK(net.node(0).table().size() == 1);
  // The periodic round reaches C once its link is back (B's timer: every up neighbour).
  net.node(1).on_peer_up(2);
  net.node(2).on_peer_up(1);
  for (std::size_t i = 0; i < net.timers().size(); ++i) {
    if (net.timers()[i].node == 1 && net.timers()[i].id == (TimerId{1} << 63)) {
      net.fire_timer(i);
      break;
    }
  }
  net.deliver_all();
  CHECK(net.node(2).table().size() == 1);
  CHECK(net.node(0).strategy().name() == "flooding+anti_entropy");
}
