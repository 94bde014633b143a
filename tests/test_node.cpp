#include <catch2/catch.hpp>

#include <string>

#include "engine/memory/memory_network.h"
#include "engine/places/offline_places.h"
#include "topology/presets.h"

using namespace herd;
using memory::MemoryNetwork;

namespace {
// 1621464828.223371889: the server's clock in docs/protocol.md's example.
constexpr Nanos kNow = 1621464828223371889;
const std::string kIamat = "IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503";
const std::string kAt = "AT Hill +0.263873386 kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503";

MemoryNetwork hill() { return MemoryNetwork(topology_of(*find_preset("hill")), kNow); }
}  // namespace

TEST_CASE("IAMAT is answered with the exact AT line") {
  auto net = hill();
  net.client_send(0, 1, kIamat + "\n");
  CHECK(net.take_output(0, 1) == kAt + "\n");
}

TEST_CASE("time difference signs: negative and zero") {
  auto net = hill();
  net.client_send(0, 1, "IAMAT a +1+2 1621464829.223371889\n");
  CHECK(net.take_output(0, 1) == "AT Hill -1.000000000 a +1+2 1621464829.223371889\n");
  net.client_send(0, 1, "IAMAT b +1+2 1621464828.223371889\n");
  CHECK(net.take_output(0, 1) == "AT Hill +0.000000000 b +1+2 1621464828.223371889\n");
  net.client_send(0, 1, "IAMAT c +1+2 1621464828\n");
  CHECK(net.take_output(0, 1) == "AT Hill +0.223371889 c +1+2 1621464828\n");
}

TEST_CASE("operands are echoed byte for byte, whatever the white space") {
  auto net = hill();
  net.client_send(0, 1, "\t IAMAT   kiwi\t+34.06893-118.445127 \f 1621464827.9 \r\n");
  CHECK(net.take_output(0, 1) == "AT Hill +0.323371889 kiwi +34.06893-118.445127 1621464827.9\n");
}

TEST_CASE("a client ID is any bytes but white space: non-UTF-8, NUL and punctuation echo exactly and flood") {
  auto net = hill();
  net.set_auto_places(true);
  const std::string id = std::string("\xff\xfe") + '\0' + "k?\x7f\xc3(";
  net.client_send(0, 1, "IAMAT " + id + " +1+2 1621464828\n");
  const std::string at = "AT Hill +0.223371889 " + id + " +1+2 1621464828";
  CHECK(net.take_output(0, 1) == at + "\n");
  net.deliver_all();
  // The far end knows the client by the same bytes.
  const std::size_t far = net.index_of("Campbell");
  net.client_send(far, 2, "WHATSAT " + id + " 10 1\n");
  CHECK(net.take_output(far, 2).rfind(at + "\n{", 0) == 0);
  // A different byte is a different client.
  net.client_send(far, 3, "WHATSAT " + id.substr(0, id.size() - 1) + " 10 1\n");
  CHECK(net.take_output(far, 3).rfind("? WHATSAT", 0) == 0);
}

TEST_CASE("invalid lines get '? ' and the line as received - the connection stays open") {
  auto net = hill();
  for (const std::string line : {"HELLO", "IAMAT kiwi +1+2", "IAMAT kiwi +91+2 5", "WHATSAT kiwi 10 5",
                                 "  WHATSAT\tnobody 10 5 \r", "IAMAT a +1+2 5 6"}) {
    net.client_send(0, 1, line + "\n");
    CHECK(net.take_output(0, 1) == "? " + line + "\n");
  }
  CHECK_FALSE(net.closed(0, 1));
  net.client_send(0, 1, "\n   \n");
  CHECK(net.take_output(0, 1).empty());  // empty lines get no reply
  net.client_send(0, 1, kIamat + "\n");
  CHECK(net.take_output(0, 1) == kAt + "\n");
}

TEST_CASE("WHATSAT radius and bound boundaries over the node") {
  auto net = hill();
  net.set_auto_places(true);
  net.client_send(0, 1, kIamat + "\n");
  net.take_output(0, 1);
  for (const std::string bad : {"WHATSAT kiwi.cs.ucla.edu 0 5", "WHATSAT kiwi.cs.ucla.edu 50.01 5",
                                "WHATSAT kiwi.cs.ucla.edu 10 0", "WHATSAT kiwi.cs.ucla.edu 10 21"}) {
    net.client_send(0, 1, bad + "\n");
    CHECK(net.take_output(0, 1) == "? " + bad + "\n");
  }
  net.client_send(0, 1, "WHATSAT kiwi.cs.ucla.edu 50 20\n");
  const std::string out = net.take_output(0, 1);
  CHECK(out.rfind(kAt + "\n{", 0) == 0);
}

TEST_CASE("a stale IAMAT is answered but neither stored nor flooded") {
  auto net = hill();
  net.client_send(0, 1, "IAMAT kiwi +1+2 100\n");
  net.deliver_all();
  const auto sent = net.peer_messages_sent();
  net.client_send(0, 1, "IAMAT kiwi +3+4 99\n");
  CHECK(net.take_output(0, 1) == "AT Hill +1621464728.223371889 kiwi +1+2 100\n"
                                 "AT Hill +1621464729.223371889 kiwi +3+4 99\n");
  CHECK(net.peer_messages_sent() == sent);
  CHECK(net.in_flight().empty());
  const ClientDirectory* unused = nullptr;
  (void)unused;
  net.set_auto_places(true);
  net.client_send(0, 2, "WHATSAT kiwi 1 1\n");
  CHECK(net.take_output(0, 2).rfind("AT Hill +1621464728.223371889 kiwi +1+2 100\n", 0) == 0);
}

TEST_CASE("replies keep command order while a WHATSAT waits on places") {
  auto net = hill();
  net.client_send(0, 1, kIamat + "\n");
  net.take_output(0, 1);
  net.client_send(0, 1, "WHATSAT kiwi.cs.ucla.edu 10 1\nIAMAT apple +1+2 1621464828\nBOGUS\n"
                        "WHATSAT kiwi.cs.ucla.edu 5 2\nIAMAT pear +1+2 1621464828\n");
  CHECK(net.take_output(0, 1).empty());  // everything waits behind the first WHATSAT
  REQUIRE(net.lookups().size() == 2);
  CHECK(net.lookups()[0].query.radius_m == 10000);
  CHECK(net.lookups()[0].query.max_results == 1);
  // Answer the second lookup first: still nothing may go out.
  PlacesResult second = offline_places(net.lookups()[1].query);
  net.answer_lookup(1, second);
  CHECK(net.take_output(0, 1).empty());
  PlacesResult first;
  first.ok = false;
  first.error_message = "timed out";
  net.answer_lookup(0, first);
  const std::string out = net.take_output(0, 1);
  const auto p_first = out.find(kAt + "\n{");
  const auto p_apple = out.find("AT Hill +0.223371889 apple");
  const auto p_bogus = out.find("? BOGUS\n");
  const auto p_second = out.find(kAt + "\n{", p_first + 1);
  const auto p_pear = out.find("AT Hill +0.223371889 pear");
  REQUIRE(p_first == 0);
  CHECK(out.find("\"error_message\": \"timed out\"") < p_apple);
  CHECK(p_first < p_apple);
  CHECK(p_apple < p_bogus);
  CHECK(p_bogus < p_second);
  CHECK(p_second != std::string::npos);
  CHECK(p_second < p_pear);
  CHECK(p_pear != std::string::npos);
}

TEST_CASE("a forged AT or peer UPDATE on a client connection changes nothing") {
  auto net = hill();
  const std::string forged = "AT Smith +0.000000001 kiwi +10+10 9999999999.0";
  const std::string update = "UPDATE 1 " + forged;
  net.client_send(0, 1, forged + "\n" + update + "\n");
  CHECK(net.take_output(0, 1) == "? " + forged + "\n? " + update + "\n");
  CHECK(net.node(0).table().size() == 0);
  CHECK(net.in_flight().empty());
  net.client_send(0, 1, "WHATSAT kiwi 10 5\n");
  CHECK(net.take_output(0, 1) == "? WHATSAT kiwi 10 5\n");
}

TEST_CASE("an oversized line is answered with its prefix and the connection survives") {
  auto net = hill();
  const std::string huge = "IAMAT " + std::string(100000, 'z') + " +1+2 5";
  net.client_send(0, 1, huge + "\n" + kIamat + "\n");
  const std::string out = net.take_output(0, 1);
  CHECK(out == "? " + huge.substr(0, kMaxLineBytes) + "\n" + kAt + "\n");
  CHECK(net.node(0).table().size() == 1);
}

TEST_CASE("half-close: every line is answered, then the server closes") {
  auto net = hill();
  net.set_auto_places(false);
  net.client_send(0, 1, kIamat + "\nWHATSAT kiwi.cs.ucla.edu 10 3");  // last line without newline
  net.client_shutdown(0, 1);
  CHECK_FALSE(net.closed(0, 1));  // the WHATSAT still waits on places
  REQUIRE(net.lookups().size() == 1);
  net.answer_lookup(0, offline_places(net.lookups()[0].query));
  const std::string out = net.take_output(0, 1);
  CHECK(out.rfind(kAt + "\n" + kAt + "\n{", 0) == 0);
  CHECK(net.closed(0, 1));
  CHECK(net.node(0).open_connections() == 0);
}

TEST_CASE("a client that leaves before its places answer costs nothing") {
  auto net = hill();
  net.client_send(0, 1, kIamat + "\nWHATSAT kiwi.cs.ucla.edu 10 3\n");
  net.take_output(0, 1);
  net.node(0).on_client_closed(1);
  net.answer_lookup(0, offline_places(net.lookups()[0].query));
  CHECK(net.take_output(0, 1).empty());
  CHECK(net.node(0).pending_lookups() == 0);
  CHECK(net.node(0).open_connections() == 0);
}
