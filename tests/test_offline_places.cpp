#include <catch2/catch.hpp>

#include <cmath>

#include <nlohmann/json.hpp>

#include "engine/places/offline_places.h"

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
