#include "engine/places/offline_places.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <string_view>

#include "engine/places/json_coordinate.h"

// Only for nlohmann::detail::to_chars: the number printer dump() itself uses,
// so a double here prints byte for byte as it would in a dumped document
// (grisu2 digits, ".0" on integral values). A test parses what we print and
// re-dumps it with nlohmann to catch any drift between library versions.
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

constexpr std::array<std::string_view, 8> kAdjectives = {"Blue", "Golden", "Quiet", "Corner",
                                                         "Sunny", "Old", "Little", "Royal"};
constexpr std::array<std::string_view, 8> kNouns = {"Cafe", "Bakery", "Books", "Market",
                                                    "Diner", "Garden", "Gallery", "Pharmacy"};
constexpr std::array<std::string_view, 8> kTypes = {"cafe", "bakery", "book_store", "supermarket",
                                                    "restaurant", "park", "art_gallery", "pharmacy"};
constexpr const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
constexpr int kPlaces = 20;

struct Place {
  double lat, lng;        // unrounded; printed rounded to 7 decimals
  std::size_t kind, adj;  // indexes into kNouns/kTypes and kAdjectives
  char id[27];            // "ChIJ" + 23 characters of kAlphabet
  double rating;
  int ratings_total;
  int street_no;
};

// The places are drawn one after another from one stream, so the first k of
// a query are the same whatever k is: a cut document is a shorter draw.
class PlaceStream {
 public:
  explicit PlaceStream(const PlacesQuery& q)
      : q_(q),
        seed_(bits(q.center.latitude) * 31 + bits(q.center.longitude) * 17 + bits(q.radius_m)),
        coslat_(std::max(0.01, std::cos(q.center.latitude * std::numbers::pi / 180.0))) {}

  Place next() {
    constexpr double metres_per_deg = 111'320.0;
    Place p;
    const double dist = q_.radius_m * std::sqrt(unit(seed_));
    const double bearing = 2 * std::numbers::pi * unit(seed_);
    p.lat = std::clamp(q_.center.latitude + dist * std::cos(bearing) / metres_per_deg, -90.0, 90.0);
    p.lng = q_.center.longitude + dist * std::sin(bearing) / (metres_per_deg * coslat_);
    if (p.lng > 180) p.lng -= 360;
    if (p.lng < -180) p.lng += 360;
    p.kind = splitmix64(seed_) % kNouns.size();
    p.adj = splitmix64(seed_) % kAdjectives.size();
    std::memcpy(p.id, "ChIJ", 4);
    for (int k = 0; k < 23; ++k) p.id[4 + k] = kAlphabet[splitmix64(seed_) % 64];
    p.rating = std::round((3.0 + 2.0 * unit(seed_)) * 10) / 10;
    p.ratings_total = static_cast<int>(splitmix64(seed_) % 2000);
    p.street_no = static_cast<int>(1 + splitmix64(seed_) % 9999);
    return p;
  }

 private:
  const PlacesQuery& q_;
  std::uint64_t seed_;
  double coslat_;
};

// A rating is one of 21 values (3.0, 3.1, ..., 5.0): printed once by
// nlohmann, looked up after.
std::string_view print_rating(double rating) {
  static const auto table = [] {
    std::array<std::array<char, 8>, 21> t{};
    for (int i = 0; i <= 20; ++i) {
      const double r = std::round((3.0 + i / 10.0) * 10) / 10;
      char* end = nlohmann::detail::to_chars(t[i].data() + 1, t[i].data() + 8, r);
      t[i][0] = static_cast<char>(end - t[i].data() - 1);
    }
    return t;
  }();
  const long i = std::lround(rating * 10) - 30;
  if (i >= 0 && i <= 20 && std::round((3.0 + static_cast<double>(i) / 10.0) * 10) / 10 == rating) {
    return {table[static_cast<std::size_t>(i)].data() + 1, static_cast<std::size_t>(table[static_cast<std::size_t>(i)][0])};
  }
  return {};  // not one of the 21: the caller prints it
}

// Writes into a buffer sized for the worst case of a place, in dump(3)'s
// layout. Nothing printed here needs escaping: every string is drawn from
// the fixed ASCII tables above.
class Printer {
 public:
  explicit Printer(char* at) : at_(at) {}
  char* at() const { return at_; }

  template <std::size_t N>
  void raw(const char (&s)[N]) {
    std::memcpy(at_, s, N - 1);
    at_ += N - 1;
  }
  void raw(std::string_view s) {
    std::memcpy(at_, s.data(), s.size());
    at_ += s.size();
  }
  void number(int v) { at_ = std::to_chars(at_, at_ + 16, v).ptr; }
  void rating(double v) {
    const std::string_view r = print_rating(v);
    if (!r.empty()) return raw(r);
    at_ = nlohmann::detail::to_chars(at_, at_ + 32, v);
  }
  template <std::size_t N>
  void lat_lng(const char (&indent)[N], double lat, double lng) {
    raw("{\n"), raw(indent), raw("   \"lat\": ");
    at_ = print_json_coordinate(at_, lat);
    raw(",\n"), raw(indent), raw("   \"lng\": ");
    at_ = print_json_coordinate(at_, lng);
    raw("\n"), raw(indent), raw("}");
  }

 private:
  char* at_;
};

// More than one place can take: ~560 bytes of layout, 6 coordinates of at
// most 32, names, ids and numbers well under 200.
constexpr std::size_t kMaxPlaceBytes = 1024;

void print_place(Printer& p, const Place& pl) {
  constexpr double vp = 0.0013;
  const std::string_view type = kTypes[pl.kind];
  const std::string_view id(pl.id, sizeof pl.id);
  p.raw("      {\n         \"business_status\": \"OPERATIONAL\",\n         \"geometry\": {\n"
        "            \"location\": ");
  p.lat_lng("            ", pl.lat, pl.lng);
  p.raw(",\n            \"viewport\": {\n               \"northeast\": ");
  p.lat_lng("               ", pl.lat + vp, pl.lng + vp);
  p.raw(",\n               \"southwest\": ");
  p.lat_lng("               ", pl.lat - vp, pl.lng - vp);
  p.raw("\n            }\n         },\n"
        "         \"icon\": \"https://maps.gstatic.com/mapfiles/place_api/icons/v1/png_71/");
  p.raw(type);
  p.raw(".png\",\n         \"name\": \"");
  p.raw(kAdjectives[pl.adj]), p.raw(" "), p.raw(kNouns[pl.kind]);
  p.raw("\",\n         \"place_id\": \""), p.raw(id);
  p.raw("\",\n         \"rating\": "), p.rating(pl.rating);
  p.raw(",\n         \"reference\": \""), p.raw(id);
  p.raw("\",\n         \"scope\": \"GOOGLE\",\n         \"types\": [\n            \"");
  p.raw(type);
  p.raw("\",\n            \"point_of_interest\",\n            \"establishment\"\n         ],\n"
        "         \"user_ratings_total\": ");
  p.number(pl.ratings_total);
  p.raw(",\n         \"vicinity\": \""), p.number(pl.street_no);
  p.raw(" Synthetic Street\"\n      }");
}

std::string render(const PlacesQuery& q, int count) {
  // Printed on the stack (at most ~21 KB) and copied once: a string sized
  // up front would be zero-filled first, which costs as much as the copy.
  char buf[128 + kPlaces * kMaxPlaceBytes];
  Printer p(buf);
  p.raw("{\n   \"html_attributions\": [],\n   \"results\": ");
  if (count == 0) {
    p.raw("[]");
  } else {
    p.raw("[\n");
    PlaceStream places(q);
    for (int i = 0; i < count; ++i) {
      if (i > 0) p.raw(",\n");
      print_place(p, places.next());
    }
    p.raw("\n   ]");
  }
  p.raw(",\n   \"status\": \"OK\"\n}");
  return std::string(buf, static_cast<std::size_t>(p.at() - buf));
}

}  // namespace

std::string offline_places_json(const PlacesQuery& q) { return render(q, kPlaces); }

PlacesResult offline_places(const PlacesQuery& q) {
  PlacesResult r;
  r.ok = true;
  r.body = render(q, std::clamp(q.max_results, 0, kPlaces));
  r.rendered_for_bound = q.max_results;
  r.status = "OK";
  return r;
}

}  // namespace herd
