#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "engine/places/offline_places.h"
#include "herd/whatsat_reply.h"

using namespace herd;

TEST_CASE("the places body is cut to the bound, keeps the provider's key order, and is indented like Google's") {
  PlacesResult r;
  r.ok = true;
  r.body = R"({"status":"OK","html_attributions":[],"results":[{"name":"a"},{"name":"b"},{"name":"c"}]})";
  const std::string body = places_reply_body(r, 2);
  auto j = nlohmann::json::parse(body);
  REQUIRE(j["results"].size() == 2);
  CHECK(j["results"][1]["name"] == "b");
  // Keys stay in the order the provider sent them (not sorted).
  CHECK(body.rfind("{\n   \"status\": \"OK\",\n   \"html_attributions\": [],\n   \"results\": [", 0) == 0);
  CHECK(body.back() == '}');
  CHECK(body.find("\n\n") == std::string::npos);
}

TEST_CASE("the whole reply is AT line, body, blank line") {
  PlacesResult r = offline_places(PlacesQuery{{34.06893, -118.445127}, 10000, 5});
  const std::string at = "AT Hill +0.263873386 kiwi +34.068930-118.445127 1621464827.959498503";
  const std::string reply = whatsat_reply(at, r, 5);
  CHECK(reply.rfind(at + "\n{\n", 0) == 0);
  REQUIRE(reply.size() > 3);
  CHECK(reply.substr(reply.size() - 3) == "}\n\n");
  CHECK(reply.find("\n\n") == reply.size() - 2);
  auto j = nlohmann::json::parse(reply.substr(at.size() + 1));
  CHECK(j["results"].size() == 5);
}

TEST_CASE("newline runs are squeezed and trailing newlines dropped") {
  PlacesResult r;
  r.ok = true;
  r.body = "{\"results\": [], \"status\": \"OK\"}\n\n\n";
  const std::string body = places_reply_body(r, 3);
  CHECK(body.find("\n\n") == std::string::npos);
  CHECK(body.back() != '\n');
}

TEST_CASE("a failed lookup still answers, in Google's status/error_message shape") {
  PlacesResult failed;
  failed.ok = false;
  failed.status = "UNKNOWN_ERROR";
  failed.error_message = "connect: timed out after 5000 ms";
  auto j = nlohmann::json::parse(places_reply_body(failed, 5));
  CHECK(j["status"] == "UNKNOWN_ERROR");
  CHECK(j["error_message"] == "connect: timed out after 5000 ms");
  CHECK(j["results"].empty());

  PlacesResult garbage;
  garbage.ok = true;
  garbage.body = "<html>502 Bad Gateway</html>";
  auto g = nlohmann::json::parse(places_reply_body(garbage, 5));
  CHECK(g["status"] == "UNKNOWN_ERROR");
  CHECK(g.contains("error_message"));
}

TEST_CASE("a Google error body passes through unchanged in meaning") {
  PlacesResult denied;
  denied.ok = true;
  denied.body = R"({"error_message":"The provided API key is invalid.","html_attributions":[],"results":[],"status":"REQUEST_DENIED"})";
  auto j = nlohmann::json::parse(places_reply_body(denied, 5));
  CHECK(j["status"] == "REQUEST_DENIED");
  CHECK(j["error_message"] == "The provided API key is invalid.");
}
