#include <catch2/catch.hpp>

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
