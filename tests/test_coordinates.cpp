#include <catch2/catch.hpp>

#include "herd/coordinates.h"

using herd::parse_iso6709;

TEST_CASE("ISO 6709 coordinates parse in all documented forms") {
  auto c = parse_iso6709("+34.068930-118.445127");
  REQUIRE(c);
  CHECK(c->latitude == Approx(34.06893));
  CHECK(c->longitude == Approx(-118.445127));
  CHECK(parse_iso6709("+34.06893-118.445127"));
  auto whole = parse_iso6709("+12-118");
  REQUIRE(whole);
  CHECK(whole->latitude == 12);
  CHECK(whole->longitude == -118);
  auto south_east = parse_iso6709("-33.8688+151.2093");
  REQUIRE(south_east);
  CHECK(south_east->latitude < 0);
  CHECK(south_east->longitude > 0);
}

TEST_CASE("coordinate range checks are exact at the limits") {
  CHECK(parse_iso6709("+90-180"));
  CHECK(parse_iso6709("-90.000+180.0000"));
  CHECK_FALSE(parse_iso6709("+90.0000001+0"));
  CHECK_FALSE(parse_iso6709("+91+0"));
  CHECK_FALSE(parse_iso6709("-90.5+0"));
  CHECK_FALSE(parse_iso6709("+0+180.000001"));
  CHECK_FALSE(parse_iso6709("+0-181"));
  CHECK_FALSE(parse_iso6709("+0+99999999999999999999999"));
}

TEST_CASE("malformed coordinates are rejected") {
  for (const char* bad : {"", "34.068930-118.445127", "+34.068930", "+34.068930118.445127",
                          "+34.-118", "+.5-118", "+34.0-118.", "+34,0-118", "+34.0 -118.0",
                          "+34.0-118.0x", "++34-118", "+34--118", "+34-118+5"}) {
    INFO(bad);
    CHECK_FALSE(parse_iso6709(bad).has_value());
  }
}
