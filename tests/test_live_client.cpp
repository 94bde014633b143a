// Client connections over real TCP on loopback: the exact protocol, its
// invalid classes, reply order across a slow places lookup, half-close, and
// the bounds (line length, queued output, connections, idle time).
#include <catch2/catch.hpp>

#include <string>
#include <thread>

#include "test_live_support.h"

using namespace herd::live;
using namespace herd::live::test;

namespace {
const std::string kIamat = "IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503";
const std::string kAtSuffix = " kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503";

// "AT <server> <sign+diff> <rest>" with the given server and rest.
bool is_at(const std::string& line, const std::string& server, const std::string& suffix) {
  if (!line.starts_with("AT " + server + " ") || !line.ends_with(suffix)) return false;
  const auto diff = line.substr(4 + server.size(), line.size() - suffix.size() - 4 - server.size());
  return diff.size() >= 12 && (diff[0] == '+' || diff[0] == '-') && diff[diff.size() - 10] == '.';
}
}  // namespace

TEST_CASE("IAMAT over TCP gets the AT line - WHATSAT gets AT line, places JSON, blank line") {
  TestHerd herd(preset_config("hill"));
  LineClient c(herd.port("Hill"));
  c.send(kIamat + "\n");
  const auto at = c.line();
  REQUIRE(at);
  CHECK(is_at(*at, "Hill", kAtSuffix));
  c.send("WHATSAT kiwi.cs.ucla.edu 10 2\n");
  const auto reply = c.whatsat_reply();
  REQUIRE(reply);
  CHECK(reply->starts_with(*at + "\n{"));
  CHECK(reply->ends_with("}\n\n"));
  CHECK(reply->find("\n\n") == reply->size() - 2);  // runs of newlines squeezed
  CHECK(reply->find("\"results\"") != std::string::npos);
}

TEST_CASE("every invalid class over a real socket gets '? <line>' and the connection stays open") {
  TestHerd herd(preset_config("hill"));
  LineClient c(herd.port("Hill"));
  const std::string huge(herd::kMaxLineBytes + 500, 'x');
  const std::vector<std::string> invalid = {
      "HELLO",                                          // unknown command
      "iamat kiwi +1+2 5",                              // names are case-sensitive
      "IAMAT kiwi +1+2",                                // too few operands
      "IAMAT a +1+2 5 6",                               // too many operands
      "IAMAT kiwi +91+2 5",                             // latitude out of range
      "IAMAT kiwi +1+181 5",                            // longitude out of range
      "IAMAT kiwi 34.0-118.0 5",                        // latitude without sign
      "IAMAT kiwi +1+2 12.3456789012",                  // more than nine fraction digits
      "IAMAT kiwi +1+2 abc",                            // time not a number
      "WHATSAT nobody 10 5",                            // unknown client
      "WHATSAT kiwi.cs.ucla.edu 0 5",                   // radius 0
      "WHATSAT kiwi.cs.ucla.edu 50.01 5",               // radius over 50
      "WHATSAT kiwi.cs.ucla.edu 10 0",                  // bound 0
      "WHATSAT kiwi.cs.ucla.edu 10 21",                 // bound over 20
      "WHATSAT kiwi.cs.ucla.edu 10",                    // too few operands
      "AT Jaquez +0.1 evil +1+2 1621464827.0",          // a forged peer report
      "UPDATE 1 AT Jaquez +0.1 evil +1+2 1621464827.0", // a peer message
      "  WHATSAT\tnobody 10 5 \r",                      // white space kept as received
  };
  c.send(kIamat + "\n");
  REQUIRE(c.line());
  for (const auto& line : invalid) {
    c.send(line + "\n");
    CHECK(c.line() == "? " + line);
  }
  c.send("\n \t \n");  // lines with no fields get no reply: the next reply is for the IAMAT
  c.send(huge + "\n");
  CHECK(c.line() == "? " + huge.substr(0, herd::kMaxLineBytes));
  c.send(kIamat + "\n");
  const auto at = c.line();
  REQUIRE(at);
  CHECK(is_at(*at, "Hill", kAtSuffix));
}

TEST_CASE("replies keep command order across a slow places lookup") {
  auto cfg = preset_config("hill");
  cfg.places.offline_delay_ms = 300;
  TestHerd herd(cfg);
  LineClient c(herd.port("Hill"));
  c.send("IAMAT kiwi +1+2 1621464827\n");
  REQUIRE(c.line());
  // Pipelined: the WHATSAT waits for places; the IAMAT and invalid line after
  // it are ready at once but must not overtake it.
  c.send("WHATSAT kiwi 10 1\nIAMAT pear +3+4 1621464827\nBOGUS\n");
  const auto first = c.whatsat_reply();
  REQUIRE(first);
  CHECK(first->starts_with("AT Hill "));
  CHECK(first->find("\"results\"") != std::string::npos);
  const auto second = c.line();
  REQUIRE(second);
  CHECK(is_at(*second, "Hill", " pear +3+4 1621464827"));
  CHECK(c.line() == "? BOGUS");
}

TEST_CASE("a client that half-closes gets every answer, then the server closes") {
  TestHerd herd(preset_config("hill"));
  LineClient c(herd.port("Hill"));
  // The last line has no newline: it still counts.
  c.send("IAMAT kiwi +1+2 1621464827\nWHATSAT kiwi 5 1");
  c.shutdown_write();
  REQUIRE(c.wait_eof());
  const std::string& all = c.rest();
  CHECK(all.starts_with("AT Hill "));
  CHECK(all.find("\nAT Hill ", 1) != std::string::npos);  // the WHATSAT reply's AT line
  CHECK(all.ends_with("}\n\n"));
}

TEST_CASE("a forged AT or UPDATE on a client connection changes nothing anywhere") {
  TestHerd herd(preset_config("hill"));
  LineClient c(herd.port("Jaquez"));
  const std::string forged = "AT Hill +0.1 mallory +1+2 1621464827.0";
  c.send(forged + "\nUPDATE 1 " + forged + "\n");
  CHECK(c.line() == "? " + forged);
  CHECK(c.line() == "? UPDATE 1 " + forged);
  // A genuine report after it does flood, so the forged one had every chance.
  c.send("IAMAT marker +1+2 1621464827\n");
  REQUIRE(c.line());
  for (const auto& s : herd.config().servers) {
    REQUIRE(eventually([&] { return whatsat_at_line(herd.port(s.name), "marker").starts_with("AT Jaquez"); }));
    CHECK(whatsat_at_line(herd.port(s.name), "mallory") == "? WHATSAT mallory 10 3");
  }
}

TEST_CASE("an oversized line is bounded and logged - the connection goes on") {
  auto cfg = preset_config("hill");
  cfg.log_dir = temp_dir("oversized");
  TestHerd herd(cfg);
  LineClient c(herd.port("Hill"));
  // 1 MiB without a newline, then the rest of the line and a good command.
  const std::string chunk(64 * 1024, 'y');
  c.send("IAMAT ");
  for (int i = 0; i < 16; ++i) c.send(chunk);
  c.send(" tail\n" + kIamat + "\n");
  const auto bad = c.line();
  REQUIRE(bad);
  CHECK(bad->size() == 2 + herd::kMaxLineBytes);
  CHECK(bad->starts_with("? IAMAT yyyy"));
  const auto at = c.line();
  REQUIRE(at);
  CHECK(is_at(*at, "Hill", kAtSuffix));
  const auto log_path = herd.server("Hill").log_path();
  REQUIRE(eventually([&] { return read_file(log_path).find("over 4096 bytes") != std::string::npos; }));
}

TEST_CASE("a client that pipelines thousands of WHATSATs and reads is slowed, never dropped") {
  // 2,000 WHATSATs of 20 places (~20 KB each, ~40 MB in all) in one burst,
  // against the default 1 MiB output cap: the server hands them to the node
  // a few at a time as the client reads, instead of queueing every reply.
  auto cfg = preset_config("hill");
  cfg.log_dir = temp_dir("pipeline");
  TestHerd herd(cfg);
  LineClient c(herd.port("Hill"));
  c.send("IAMAT kiwi +1+2 1621464827\n");
  const auto at = c.line();
  REQUIRE(at);
  std::string burst;
  for (int i = 0; i < 2000; ++i) burst += "WHATSAT kiwi 50 20\n";
  c.send(burst);  // ~38 KB: the kernel takes it all at once
  std::size_t replies = 0, bytes = 0;
  for (; replies < 2000; ++replies) {
    const auto r = c.whatsat_reply();
    if (!r || !r->starts_with(*at + "\n")) break;
    bytes += r->size();
  }
  CHECK(replies == 2000);
  CHECK(bytes > 2000u * 10'000);  // they are big replies
  CHECK(herd.server("Hill").status().client_connections == 1);
  CHECK(read_file(herd.server("Hill").log_path()).find("dropped") == std::string::npos);
}

TEST_CASE("an idle client connection is closed after limits.idle_timeout_ms") {
  auto cfg = preset_config("hill");
  cfg.limits.idle_timeout_ms = 100;
  TestHerd herd(cfg);
  LineClient c(herd.port("Hill"));
  c.send("IAMAT a +1+2 1621464827\n");
  REQUIRE(c.line());
  CHECK(c.wait_eof(std::chrono::seconds(10)));
  CHECK(herd.server("Hill").status().client_connections == 0);
}
