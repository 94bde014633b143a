#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "herd/line_framer.h"

using herd::LineFramer;

namespace {
struct Collected {
  std::vector<std::pair<std::string, bool>> lines;
  LineFramer::Sink sink() {
    return [this](std::string_view l, bool over) { lines.emplace_back(std::string(l), over); };
  }
};
}  // namespace

TEST_CASE("lines split on newline across arbitrary read boundaries") {
  LineFramer f;
  Collected c;
  f.feed("IAMAT a +1+2 5\nWHAT", c.sink());
  f.feed("SAT a 1", c.sink());
  f.feed("0 5\r\n\n", c.sink());
  REQUIRE(c.lines.size() == 3);
  CHECK(c.lines[0].first == "IAMAT a +1+2 5");
  CHECK(c.lines[1].first == "WHATSAT a 10 5\r");  // CR stays: it is white space
  CHECK(c.lines[2].first.empty());
}

TEST_CASE("a last line without newline counts at end of stream") {
  LineFramer f;
  Collected c;
  f.feed("IAMAT a +1+2 5", c.sink());
  CHECK(c.lines.empty());
  f.finish(c.sink());
  REQUIRE(c.lines.size() == 1);
  CHECK(c.lines[0].first == "IAMAT a +1+2 5");
}

TEST_CASE("an oversized line yields its prefix once and the rest is never buffered") {
  LineFramer f(16);
  Collected c;
  const std::string huge(1 << 20, 'x');
  f.feed("ok\n", c.sink());
  f.feed(huge, c.sink());
  CHECK(f.buffered() == 0);
  f.feed(huge, c.sink());
  CHECK(f.buffered() == 0);
  f.feed("tail\nnext\n", c.sink());
  REQUIRE(c.lines.size() == 3);
  CHECK(c.lines[0] == std::make_pair(std::string("ok"), false));
  CHECK(c.lines[1] == std::make_pair(std::string(16, 'x'), true));
  CHECK(c.lines[2] == std::make_pair(std::string("next"), false));
}

TEST_CASE("a line of exactly the bound is not oversized - one byte more is") {
  LineFramer f(8);
  Collected c;
  f.feed("12345678\n123456789\n", c.sink());
  REQUIRE(c.lines.size() == 2);
  CHECK(c.lines[0] == std::make_pair(std::string("12345678"), false));
  CHECK(c.lines[1] == std::make_pair(std::string("12345678"), true));
}

TEST_CASE("bytes split across reads still hit the bound") {
  LineFramer f(8);
  Collected c;
  f.feed("12345", c.sink());
  f.feed("6789", c.sink());
  f.feed("0\nab\n", c.sink());
  REQUIRE(c.lines.size() == 2);
  CHECK(c.lines[0] == std::make_pair(std::string("12345678"), true));
  CHECK(c.lines[1] == std::make_pair(std::string("ab"), false));
}
