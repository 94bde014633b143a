#include <catch2/catch.hpp>

#include <climits>
#include <memory>
#include <string>
#include <vector>

#include "herd/client_directory.h"
#include "herd/peer_message.h"

using namespace herd;

TEST_CASE("peer updates round-trip through their text form") {
  ClientDirectory d;
  PeerMessage m;
  const std::string at = "AT Hill -0.263873386 kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503";
  m.report = parse_at_line(at, d);
  REQUIRE(m.report);
  m.hops = 3;
  const std::string text = format_peer_message(m);
  CHECK(text == "UPDATE 3 " + at);
  PeerMessage back;
  REQUIRE(parse_peer_message(text, d, back));
  CHECK(back.hops == 3);
  CHECK(back.report->at_line() == at);
  CHECK(back.report->origin() == "Hill");
  CHECK(back.report->client_name() == "kiwi.cs.ucla.edu");
  CHECK(back.report->time_diff() == -263873386);
  CHECK(back.report->client_time() == 1621464827959498503);
}

TEST_CASE("malformed peer lines are refused") {
  ClientDirectory d;
  PeerMessage m;
  for (const char* bad : {
           "UPDATE x AT Hill +0.000000000 kiwi +1+2 5", "UPDATE 1 AT Hill 0.000000000 kiwi +1+2 5",
           "UPDATE 1 AT Hill +0.000000000 kiwi +100+2 5", "UPDATE 1 AT Hill +0.000000000 kiwi +1+2",
           "UPDATE 99999999 AT Hill +0.000000000 kiwi +1+2 5", "UPDATE 1 IAMAT kiwi +1+2 5",
           "IAMAT kiwi +1+2 5", "", "UPDATE 1 AT Hill +0.000000000 kiwi +1+2 5 6"}) {
    INFO(bad);
    CHECK_FALSE(parse_peer_message(bad, d, m));
  }
}

TEST_CASE("peer lines are exactly as documented: no runs of spaces, tabs, CR or padded hop counts") {
  ClientDirectory d;
  PeerMessage m;
  const std::string at = "AT Hill +0.000000000 kiwi +1+2 5";
  REQUIRE(parse_peer_message("UPDATE 1 " + at, d, m));
  REQUIRE(parse_peer_message("UPDATE 65535 " + at, d, m));
  for (const std::string& bad : std::vector<std::string>{
           "UPDATE 01 " + at, "UPDATE 0 " + at, "UPDATE +1 " + at, "UPDATE  1 " + at, "UPDATE 1  " + at,
           "UPDATE\t1 " + at, "UPDATE 1 " + at + "\r", "UPDATE 1 " + at + " ", "UPDATE 1 AT Hill  +0.000000000 kiwi +1+2 5",
           "UPDATE 1 AT\tHill +0.000000000 kiwi +1+2 5", "UPDATE 65536 " + at, " UPDATE 1 " + at}) {
    INFO(bad);
    CHECK_FALSE(parse_peer_message(bad, d, m));
  }
}

TEST_CASE("the peer line bound holds the longest UPDATE a legal IAMAT can produce") {
  // An IAMAT of exactly kMaxLineBytes with single spaces gives the longest
  // client fields; the origin, difference and hops at their widest.
  const std::string fields(kMaxLineBytes - 6, 'x');
  const std::string at = "AT " + std::string(kMaxServerNameBytes, 'O') + " " +
                         std::string(kMaxTimeDiffBytes, '9') + " " + fields;
  CHECK(at.size() == kMaxAtLineBytes);
  CHECK(("UPDATE 65535 " + at).size() == kMaxPeerLineBytes);
  CHECK(std::string("-9223372036.854775807").size() <= kMaxTimeDiffBytes);
}

TEST_CASE("the longest Plumtree announcement fits the peer line bound") {
  // The longest client name a legal IAMAT carries: the whole line but
  // "IAMAT ", two one-character fields and their spaces.
  ClientDirectory d;
  const std::string name(kMaxLineBytes - 6 - 4, 'c');
  auto body = std::make_shared<ControlBody>();
  body->client = d.intern(name);
  body->client_name = name;
  body->time = INT64_MIN;
  const std::string line = format_peer_message(PeerMessage{PeerMessage::Kind::PtGraft, 65535, {}, body});
  CHECK(line.size() < kMaxPeerLineBytes);
  PeerMessage back;
  CHECK(parse_peer_message(line, d, back));
}

TEST_CASE("a client directory with limits refuses new names at either cap, never known ones") {
  ClientDirectory d;
  d.set_limits(2, 10);
  CHECK(d.try_intern("abc") == ClientId{0});
  CHECK(d.try_intern("defgh") == ClientId{1});
  CHECK_FALSE(d.try_intern("x"));            // count cap
  CHECK(d.try_intern("abc") == ClientId{0});  // known: always
  CHECK(d.bytes() == 8);
  ClientDirectory b;
  b.set_limits(100, 10);
  CHECK(b.try_intern("123456789"));
  CHECK_FALSE(b.try_intern("12"));  // 11 bytes > 10
  CHECK(b.try_intern("1"));
  CHECK(b.full_for(1));
  // A peer's update for a new client is refused at the cap, too.
  PeerMessage m;
  CHECK_FALSE(parse_peer_message("UPDATE 1 AT Hill +0.000000000 newclient +1+2 5", b, m));
  CHECK(b.size() == 2);
}

TEST_CASE("Plumtree's lines round-trip through their text form and are as strict as the others") {
  ClientDirectory d;
  auto body = std::make_shared<ControlBody>();
  body->client = d.intern("kiwi.cs.ucla.edu");
  body->client_name = "kiwi.cs.ucla.edu";
  body->time = 1621464827959498503;
  for (const auto kind : {PeerMessage::Kind::PtIhave, PeerMessage::Kind::PtGraft}) {
    const PeerMessage m{kind, 4, {}, body};
    const std::string text = format_peer_message(m);
    CHECK(text == std::string(kind == PeerMessage::Kind::PtIhave ? "PT-IHAVE" : "PT-GRAFT") +
                      " 4 kiwi.cs.ucla.edu 1621464827959498503");
    PeerMessage back;
    REQUIRE(parse_peer_message(text, d, back));
    CHECK(back.kind == kind);
    CHECK(back.hops == 4);
    REQUIRE(back.control);
    CHECK(back.control->client == body->client);
    CHECK(back.control->client_name == "kiwi.cs.ucla.edu");
    CHECK(back.control->time == body->time);
    CHECK_FALSE(back.report);
  }
  PeerMessage prune;
  REQUIRE(parse_peer_message("PT-PRUNE", d, prune));
  CHECK(prune.kind == PeerMessage::Kind::PtPrune);
  CHECK(format_peer_message(prune) == "PT-PRUNE");
  CHECK(std::string(kind_name(PeerMessage::Kind::PtGraft)) == "pt_graft");
  PeerMessage m;
  for (const std::string bad : {"PT-IHAVE 0 kiwi 5", "PT-IHAVE 01 kiwi 5", "PT-IHAVE 1 kiwi", "PT-IHAVE 1 kiwi 5 6",
                                "PT-IHAVE 1  kiwi 5", "PT-IHAVE 1 kiwi -0", "PT-IHAVE 1 kiwi 05", "PT-GRAFT 1 kiwi 5\r",
                                "PT-GRAFT 65536 kiwi 5", "PT-PRUNE ", "PT-PRUNE x", "PT-IHAVE 1 ki\twi 5", "PT-IHAVE"}) {
    INFO(bad);
    CHECK_FALSE(parse_peer_message(bad, d, m));
  }
  CHECK(parse_peer_message("PT-IHAVE 1 kiwi -5", d, m));  // client times before 1970 are legal
}

TEST_CASE("Plumtree's lines intern no client past the directory's limits") {
  ClientDirectory d;
  d.set_limits(1, 1000);
  d.intern("a");
  PeerMessage m;
  CHECK(parse_peer_message("PT-IHAVE 1 a 5", d, m));
  CHECK_FALSE(parse_peer_message("PT-IHAVE 1 b 5", d, m));
  CHECK(d.size() == 1);
}
