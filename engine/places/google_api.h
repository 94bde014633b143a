#pragma once
// Google Places requests and replies as data: which request each API wants
// for a PlacesQuery, and how each reply becomes a PlacesResult in the legacy
// Nearby Search shape that WHATSAT replies carry. No I/O here; the HTTP
// client (http_places_provider.h) sends what this builds.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "herd/places.h"

namespace herd::places {

// The one environment variable herd reads the API key from. The key is
// never logged.
inline constexpr const char* kApiKeyEnv = "GOOGLE_MAPS_API_KEY";

enum class GoogleApi {
  Legacy,  // GET maps/api/place/nearbysearch/json (reply passed through)
  New,     // POST v1/places:searchNearby (reply converted to the legacy shape)
};

// "https://maps.googleapis.com", "http://127.0.0.1:8080/prefix".
struct BaseUrl {
  bool tls = true;
  std::string host;
  std::string port;         // "443" / "80" unless given
  std::string path_prefix;  // "" or "/prefix" (no trailing slash)
};
std::optional<BaseUrl> parse_base_url(std::string_view url, std::string* error);

// Default base URLs of the two APIs.
inline constexpr const char* kLegacyBaseUrl = "https://maps.googleapis.com";
inline constexpr const char* kNewBaseUrl = "https://places.googleapis.com";

struct HttpRequestSpec {
  std::string method;  // "GET" or "POST"
  std::string target;  // path and query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// The fields herd asks the new API for (its field mask is mandatory).
inline constexpr const char* kNewApiFieldMask =
    "places.id,places.displayName,places.formattedAddress,places.location,places.viewport,"
    "places.types,places.rating,places.userRatingCount,places.businessStatus";

HttpRequestSpec legacy_request(const BaseUrl& base, const PlacesQuery& q, const std::string& key);
HttpRequestSpec new_request(const BaseUrl& base, const PlacesQuery& q, const std::string& key);

// Legacy: HTTP 200 bodies pass through as they are (their `status` may itself
// be an error such as REQUEST_DENIED); other statuses become failures.
PlacesResult legacy_response(int http_status, const std::string& body);

// New API: {"places":[...]} (or {} when nothing matched) becomes a legacy
// object; {"error":{...}} with an HTTP error becomes a failure whose status
// uses the legacy names. Mapping documented in docs/places.md.
PlacesResult new_response(int http_status, const std::string& body);

// Shortest decimal text that reads back as the same double ("34.06893").
std::string format_number(double v);

}  // namespace herd::places
