#include "engine/places/offline_places.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>

#include <nlohmann/json.hpp>

namespace herd {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t bits(double d) {
  std::uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

double unit(std::uint64_t& s) { return static_cast<double>(splitmix64(s) >> 11) * 0x1.0p-53; }

// Google gives coordinates to seven decimals.
double round7(double v) { return std::round(v * 1e7) / 1e7; }

constexpr std::array<const char*, 8> kAdjectives = {"Blue", "Golden", "Quiet", "Corner",
                                                    "Sunny", "Old", "Little", "Royal"};
constexpr std::array<const char*, 8> kNouns = {"Cafe", "Bakery", "Books", "Market",
                                               "Diner", "Garden", "Gallery", "Pharmacy"};
constexpr std::array<const char*, 8> kTypes = {"cafe", "bakery", "book_store", "supermarket",
                                               "restaurant", "park", "art_gallery", "pharmacy"};
constexpr const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

}  // namespace

std::string offline_places_json(const PlacesQuery& q) {
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
    const std::size_t kind = splitmix64(seed) % kNouns.size();
    const std::size_t adj = splitmix64(seed) % kAdjectives.size();
    std::string id = "ChIJ";
    for (int k = 0; k < 23; ++k) id += kAlphabet[splitmix64(seed) % 64];
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
        {"icon", std::string("https://maps.gstatic.com/mapfiles/place_api/icons/v1/png_71/") +
                     kTypes[kind] + ".png"},
        {"name", std::string(kAdjectives[adj]) + " " + kNouns[kind]},
        {"place_id", id},
        {"rating", rating},
        {"reference", id},
        {"scope", "GOOGLE"},
        {"types", {kTypes[kind], "point_of_interest", "establishment"}},
        {"user_ratings_total", ratings_total},
        {"vicinity", std::to_string(street_no) + " Synthetic Street"},
    });
  }
  nlohmann::json body = {{"html_attributions", nlohmann::json::array()},
                         {"results", std::move(results)},
                         {"status", "OK"}};
  return body.dump(3);
}

PlacesResult offline_places(const PlacesQuery& q) {
  PlacesResult r;
  r.ok = true;
  r.body = offline_places_json(q);
  r.status = "OK";
  return r;
}

}  // namespace herd
