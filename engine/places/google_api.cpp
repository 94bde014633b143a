#include "engine/places/google_api.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <nlohmann/json.hpp>

namespace herd::places {
namespace {

using nlohmann::json;

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// New-API error statuses in the legacy vocabulary.
std::string legacy_status_for(const std::string& grpc_status, int http_status) {
  if (grpc_status == "PERMISSION_DENIED" || grpc_status == "UNAUTHENTICATED" || http_status == 403 ||
      http_status == 401) {
    return "REQUEST_DENIED";
  }
  if (grpc_status == "RESOURCE_EXHAUSTED" || http_status == 429) return "OVER_QUERY_LIMIT";
  if (grpc_status == "INVALID_ARGUMENT" || http_status == 400) return "INVALID_REQUEST";
  return "UNKNOWN_ERROR";
}

PlacesResult failure(std::string status, std::string message) {
  PlacesResult r;
  r.ok = false;
  r.status = std::move(status);
  r.error_message = std::move(message);
  return r;
}

json latlng(const json& loc) {
  return json{{"lat", loc.value("latitude", 0.0)}, {"lng", loc.value("longitude", 0.0)}};
}

}  // namespace

std::string format_number(double v) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, ptr) : std::string("0");
}

std::optional<BaseUrl> parse_base_url(std::string_view url, std::string* error) {
  BaseUrl b;
  if (url.starts_with("https://")) {
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    b.tls = false;
    url.remove_prefix(7);
  } else {
    if (error) *error = "must start with http:// or https://";
    return std::nullopt;
  }
  const auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  if (slash != std::string_view::npos) b.path_prefix = std::string(url.substr(slash));
  while (!b.path_prefix.empty() && b.path_prefix.back() == '/') b.path_prefix.pop_back();
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    b.port = std::string(authority.substr(colon + 1));
    authority = authority.substr(0, colon);
    if (b.port.empty() || b.port.find_first_not_of("0123456789") != std::string::npos) {
      if (error) *error = "port must be a number";
      return std::nullopt;
    }
  } else {
    b.port = b.tls ? "443" : "80";
  }
  if (authority.empty()) {
    if (error) *error = "missing host";
    return std::nullopt;
  }
  b.host = std::string(authority);
  return b;
}

HttpRequestSpec legacy_request(const BaseUrl& base, const PlacesQuery& q, const std::string& key) {
  HttpRequestSpec r;
  r.method = "GET";
  r.target = base.path_prefix + "/maps/api/place/nearbysearch/json?location=" +
             format_number(q.center.latitude) + "," + format_number(q.center.longitude) +
             "&radius=" + format_number(q.radius_m) + "&key=" + url_encode(key);
  return r;
}

HttpRequestSpec new_request(const BaseUrl& base, const PlacesQuery& q, const std::string& key) {
  HttpRequestSpec r;
  r.method = "POST";
  r.target = base.path_prefix + "/v1/places:searchNearby";
  r.headers = {{"Content-Type", "application/json"},
               {"X-Goog-Api-Key", key},
               {"X-Goog-FieldMask", kNewApiFieldMask}};
  json body = {{"maxResultCount", std::clamp(q.max_results, 1, 20)},
               {"locationRestriction",
                {{"circle",
                  {{"center", {{"latitude", q.center.latitude}, {"longitude", q.center.longitude}}},
                   {"radius", q.radius_m}}}}}};
  r.body = body.dump();
  return r;
}

PlacesResult legacy_response(int http_status, const std::string& body) {
  if (http_status != 200) {
    return failure("UNKNOWN_ERROR", "places service answered HTTP " + std::to_string(http_status));
  }
  PlacesResult r;
  r.ok = true;
  r.status = "OK";
  r.body = body;
  return r;
}

namespace {
PlacesResult convert_new_response(int http_status, const std::string& body) {
  const json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (http_status != 200) {
    std::string message = "places service answered HTTP " + std::to_string(http_status);
    std::string grpc;
    if (j.is_object() && j.contains("error") && j["error"].is_object()) {
      const json& e = j["error"];
      grpc = e.value("status", "");
      if (e.contains("message") && e["message"].is_string()) message = e["message"];
    }
    return failure(legacy_status_for(grpc, http_status), message);
  }
  if (!j.is_object()) return failure("UNKNOWN_ERROR", "places service returned a body that is not JSON");
  json results = json::array();
  if (auto it = j.find("places"); it != j.end() && it->is_array()) {
    for (const json& p : *it) {
      if (!p.is_object()) continue;
      json out = json::object();
      if (p.contains("id")) {
        out["place_id"] = p["id"];
        out["reference"] = p["id"];
      }
      if (p.contains("displayName") && p["displayName"].is_object()) {
        out["name"] = p["displayName"].value("text", "");
      }
      if (p.contains("formattedAddress")) out["vicinity"] = p["formattedAddress"];
      json geometry = json::object();
      if (p.contains("location") && p["location"].is_object()) geometry["location"] = latlng(p["location"]);
      if (p.contains("viewport") && p["viewport"].is_object()) {
        const json& v = p["viewport"];
        geometry["viewport"] = {{"northeast", latlng(v.value("high", json::object()))},
                                {"southwest", latlng(v.value("low", json::object()))}};
      }
      if (!geometry.empty()) out["geometry"] = geometry;
      if (p.contains("types")) out["types"] = p["types"];
      if (p.contains("rating")) out["rating"] = p["rating"];
      if (p.contains("userRatingCount")) out["user_ratings_total"] = p["userRatingCount"];
      if (p.contains("businessStatus")) out["business_status"] = p["businessStatus"];
      results.push_back(std::move(out));
    }
  }
  PlacesResult r;
  r.ok = true;
  r.status = results.empty() ? "ZERO_RESULTS" : "OK";
  r.body = json{{"html_attributions", json::array()}, {"results", results}, {"status", r.status}}.dump(3);
  return r;
}
}  // namespace

PlacesResult new_response(int http_status, const std::string& body) {
  // A field of the wrong type (a "text" that is an object, a latitude that
  // is a string) makes nlohmann throw; the client gets a failed lookup, and
  // the server never sees the exception (found by fuzz_places_json).
  try {
    return convert_new_response(http_status, body);
  } catch (const json::exception&) {
    return failure("UNKNOWN_ERROR", "places service returned a reply whose fields have unexpected types");
  }
}

}  // namespace herd::places
