#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/places/json_coordinate.h"
#include "engine/places/offline_places.h"
#include "herd/whatsat_reply.h"

using namespace herd;

TEST_CASE("offline places are deterministic and depend on the query") {
  PlacesQuery q{{34.06893, -118.445127}, 10000, 5};
  CHECK(offline_places_json(q) == offline_places_json(q));
  PlacesQuery other = q;
  other.center.latitude = 35;
  CHECK(offline_places_json(q) != offline_places_json(other));
}

TEST_CASE("offline places have the legacy shape and lie within the radius") {
  PlacesQuery q{{34.06893, -118.445127}, 2000, 20};
  auto j = nlohmann::json::parse(offline_places_json(q));
  CHECK(j["status"] == "OK");
  CHECK(j["html_attributions"].is_array());
  REQUIRE(j["results"].size() == 20);
  for (const auto& p : j["results"]) {
    CHECK(p["place_id"].get<std::string>().size() > 4);
    CHECK(p["types"].is_array());
    const double lat = p["geometry"]["location"]["lat"];
    const double lng = p["geometry"]["location"]["lng"];
    const double dy = (lat - q.center.latitude) * 111320.0;
    const double dx = (lng - q.center.longitude) * 111320.0 * std::cos(q.center.latitude * M_PI / 180);
    CHECK(std::hypot(dx, dy) <= q.radius_m + 20);  // + rounding to 7 decimals
  }
}

namespace {

// The offline provider as it was before it printed its documents itself:
// built with nlohmann::json and dumped. The oracle the direct printer must
// match byte for byte, draws and format alike.
std::string reference_offline_json(const PlacesQuery& q) {
  auto splitmix64 = [](std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  auto bits = [](double d) {
    std::uint64_t b;
    std::memcpy(&b, &d, sizeof b);
    return b;
  };
  auto unit = [&](std::uint64_t& s) { return static_cast<double>(splitmix64(s) >> 11) * 0x1.0p-53; };
  auto round7 = [](double v) { return std::round(v * 1e7) / 1e7; };
  const char* adjectives[] = {"Blue", "Golden", "Quiet", "Corner", "Sunny", "Old", "Little", "Royal"};
  const char* nouns[] = {"Cafe", "Bakery", "Books", "Market", "Diner", "Garden", "Gallery", "Pharmacy"};
  const char* types[] = {"cafe", "bakery", "book_store", "supermarket",
                         "restaurant", "park", "art_gallery", "pharmacy"};
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  std::uint64_t seed = bits(q.center.latitude) * 31 + bits(q.center.longitude) * 17 + bits(q.radius_m);
  const double metres_per_deg = 111'320.0;
  const double coslat = std::max(0.01, std::cos(q.center.latitude * std::numbers::pi / 180.0));
  nlohmann::json results = nlohmann::json::array();
  for (int i = 0; i < 20; ++i) {
    const double dist = q.radius_m * std::sqrt(unit(seed));
    const double bearing = 2 * std::numbers::pi * unit(seed);
    const double lat = std::clamp(q.center.latitude + dist * std::cos(bearing) / metres_per_deg, -90.0, 90.0);
    double lng = q.center.longitude + dist * std::sin(bearing) / (metres_per_deg * coslat);
    if (lng > 180) lng -= 360;
    if (lng < -180) lng += 360;
    const std::size_t kind = splitmix64(seed) % 8;
    const std::size_t adj = splitmix64(seed) % 8;
    std::string id = "ChIJ";
    for (int k = 0; k < 23; ++k) id += alphabet[splitmix64(seed) % 64];
    const double rating = std::round((3.0 + 2.0 * unit(seed)) * 10) / 10;
    const int ratings_total = static_cast<int>(splitmix64(seed) % 2000);
    const int street_no = static_cast<int>(1 + splitmix64(seed) % 9999);
    const double vp = 0.0013;
    results.push_back({
        {"business_status", "OPERATIONAL"},
        {"geometry",
         {{"location", {{"lat", round7(lat)}, {"lng", round7(lng)}}},
          {"viewport",
           {{"northeast", {{"lat", round7(lat + vp)}, {"lng", round7(lng + vp)}}},
            {"southwest", {{"lat", round7(lat - vp)}, {"lng", round7(lng - vp)}}}}}}},
        {"icon", std::string("https://maps.gstatic.com/mapfiles/place_api/icons/v1/png_71/") + types[kind] + ".png"},
        {"name", std::string(adjectives[adj]) + " " + nouns[kind]},
        {"place_id", id},
        {"rating", rating},
        {"reference", id},
        {"scope", "GOOGLE"},
        {"types", {types[kind], "point_of_interest", "establishment"}},
        {"user_ratings_total", ratings_total},
        {"vicinity", std::to_string(street_no) + " Synthetic Street"},
    });
  }
  nlohmann::json body = {{"html_attributions", nlohmann::json::array()},
                         {"results", std::move(results)},
                         {"status", "OK"}};
  return body.dump(3);
}

// Random queries over the whole globe, poles and antimeridian included, with
// radii from a metre to WHATSAT's 50 km and every bound from 1 to 20.
PlacesQuery random_query(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> lat(-90, 90), lng(-180, 180), radius(1, 50'000);
  std::uniform_int_distribution<int> bound(1, 20), edge(0, 9);
  PlacesQuery q{{lat(rng), lng(rng)}, radius(rng), bound(rng)};
  switch (edge(rng)) {  // a tenth of the queries at an edge of the map
    case 0: q.center.latitude = 90; break;
    case 1: q.center.longitude = 179.9999999; break;
    case 2: q.center.longitude = -180; break;
    case 3: q.center = {0, 0}; break;
    default: break;
  }
  return q;
}

}  // namespace

TEST_CASE("the printed document is the one nlohmann built before, byte for byte") {
  std::mt19937_64 rng(20261203);
  for (int i = 0; i < 3000; ++i) {
    const PlacesQuery q = random_query(rng);
    INFO("query " << q.center.latitude << "," << q.center.longitude << " r=" << q.radius_m);
    REQUIRE(offline_places_json(q) == reference_offline_json(q));
  }
}

TEST_CASE("a lookup's rendered reply body equals the general path's cut and re-print of the document") {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 3000; ++i) {
    const PlacesQuery q = random_query(rng);
    const PlacesResult fast = offline_places(q);
    REQUIRE(fast.rendered_for_bound == q.max_results);
    PlacesResult general;
    general.ok = true;
    general.body = reference_offline_json(q);
    INFO("query " << q.center.latitude << "," << q.center.longitude << " r=" << q.radius_m
                  << " bound=" << q.max_results);
    REQUIRE(places_reply_body(fast, q.max_results) == places_reply_body(general, q.max_results));
    const std::string at = "AT s +0.1 c +1+2 3.4";
    REQUIRE(whatsat_reply(at, fast, q.max_results) == whatsat_reply(at, general, q.max_results));
  }
}

TEST_CASE("a rendered body asked for another bound takes the general path") {
  PlacesQuery q{{34.06893, -118.445127}, 10000, 3};
  const PlacesResult r = offline_places(q);
  const auto j = nlohmann::json::parse(places_reply_body(r, 2));
  CHECK(j["results"].size() == 2);
  PlacesQuery q2 = q;
  q2.max_results = 2;
  CHECK(places_reply_body(r, 2) == offline_places(q2).body);
}

TEST_CASE("coordinates print as nlohmann prints them, on a million values and at the edges") {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> any(-181, 181), small(-2, 2);
  std::uniform_int_distribution<std::int64_t> k(-1'810'000'000, 1'810'000'000);
  auto check = [](double v) {
    char buf[64];
    const std::string got(buf, print_json_coordinate(buf, v));
    const std::string want = nlohmann::json(std::round(v * 1e7) / 1e7).dump();
    if (got != want) FAIL_CHECK(v << ": printed " << got << ", nlohmann prints " << want);
  };
  for (int i = 0; i < 400'000; ++i) check(any(rng));
  for (int i = 0; i < 300'000; ++i) check(small(rng));  // 0, the exponent forms, |v| near 1
  for (int i = 0; i < 300'000; ++i) check(static_cast<double>(k(rng)) / 1e7);  // exact 7-decimal values
  for (double v : {0.0, -0.0, 1.0, -1.0, 2.0, 4.0, 0.5, 1e-7, -1e-7, 5e-8, 0.001, 0.0001, 90.0, -90.0, 180.0,
                   -180.0, 179.9999999, 180.0013, 1.00000005, 128.0, 64.0000001, 1e-300})
    check(v);
  SUCCEED("1,000,022 coordinates compared");
}
