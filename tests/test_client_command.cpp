#include <catch2/catch.hpp>

#include <string>

#include "herd/client_command.h"

using namespace herd;

TEST_CASE("IAMAT operands are views of the exact bytes sent") {
  const std::string line = "IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503";
  auto cmd = parse_client_line(line);
  auto* iamat = std::get_if<IamAt>(&cmd);
  REQUIRE(iamat);
  CHECK(iamat->client == "kiwi.cs.ucla.edu");
  CHECK(iamat->coordinates == "+34.068930-118.445127");
  CHECK(iamat->time == "1621464827.959498503");
  CHECK(iamat->client_time == 1621464827959498503);
  CHECK(iamat->client.data() == line.data() + 6);  // a view, not a copy
}

TEST_CASE("every white-space separator and padding is accepted") {
  for (const char* line : {"IAMAT  kiwi +1+2 5", "\tIAMAT\tkiwi\t+1+2\t5\t", "IAMAT kiwi +1+2 5\r",
                           "IAMAT\fkiwi\v+1+2 \t 5", "  IAMAT kiwi +1+2 5  ", "IAMAT\r\nkiwi +1+2 5"}) {
    INFO(line);
    auto cmd = parse_client_line(line);
    auto* iamat = std::get_if<IamAt>(&cmd);
    REQUIRE(iamat);
    CHECK(iamat->client == "kiwi");
    CHECK(iamat->coordinates == "+1+2");
    CHECK(iamat->time == "5");
  }
}

TEST_CASE("a line of only white space is empty, not invalid") {
  CHECK(std::holds_alternative<EmptyLine>(parse_client_line("")));
  CHECK(std::holds_alternative<EmptyLine>(parse_client_line(" \t\r\f\v")));
}

TEST_CASE("WHATSAT radius and bound limits") {
  auto ok = [](const char* l) { return std::holds_alternative<WhatsAt>(parse_client_line(l)); };
  CHECK(ok("WHATSAT kiwi 10 5"));
  CHECK(ok("WHATSAT kiwi 50 20"));
  CHECK(ok("WHATSAT kiwi 50.000 1"));
  CHECK(ok("WHATSAT kiwi 0.001 1"));
  CHECK_FALSE(ok("WHATSAT kiwi 0 5"));
  CHECK_FALSE(ok("WHATSAT kiwi 0.0 5"));
  CHECK_FALSE(ok("WHATSAT kiwi 50.01 5"));
  CHECK_FALSE(ok("WHATSAT kiwi 51 5"));
  CHECK_FALSE(ok("WHATSAT kiwi -1 5"));
  CHECK_FALSE(ok("WHATSAT kiwi 10 0"));
  CHECK_FALSE(ok("WHATSAT kiwi 10 21"));
  CHECK_FALSE(ok("WHATSAT kiwi 10 5.0"));
  CHECK_FALSE(ok("WHATSAT kiwi 10 -5"));
  CHECK_FALSE(ok("WHATSAT kiwi 1e1 5"));
  CHECK_FALSE(ok("WHATSAT kiwi 10 99999999999999999999"));
  auto cmd = parse_client_line("WHATSAT kiwi 12.5 20");
  CHECK(std::get<WhatsAt>(cmd).radius_km == 12.5);
  CHECK(std::get<WhatsAt>(cmd).bound == 20);
}

TEST_CASE("every class of invalid line is InvalidLine") {
  for (const char* line : {
           "HELLO kiwi +1+2 5",                                     // unknown command
           "iamat kiwi +1+2 5",                                     // names are case-sensitive
           "IAMAT kiwi +1+2",                                       // too few fields
           "IAMAT kiwi +1+2 5 extra",                               // too many fields
           "WHATSAT kiwi 10",                                       // too few
           "WHATSAT kiwi 10 5 5",                                   // too many
           "IAMAT kiwi 34.1-118.2 5",                               // bad coordinates
           "IAMAT kiwi +91-118 5",                                  // latitude out of range
           "IAMAT kiwi +34-181 5",                                  // longitude out of range
           "IAMAT kiwi +34-118 soon",                               // bad time
           "IAMAT kiwi +34-118 1.1234567890",                       // ten decimals
           "AT Hill +0.263873386 kiwi +34.068930-118.445127 1621464827.959498503",  // forged AT
           "UPDATE 1 AT Hill +0.263873386 kiwi +34.068930-118.445127 1621464827.959498503",
       }) {
    INFO(line);
    CHECK(std::holds_alternative<InvalidLine>(parse_client_line(line)));
  }
}
