// The Google Places clients against a real HTTP(S) server on loopback that
// the test starts itself. No internet: the base URL points at the fake.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "engine/places/google_api.h"
#include "engine/places/http_places_provider.h"
#include "herd/whatsat_reply.h"
#include "tests/support/fake_http_server.h"

using namespace herd;
using namespace herd::places;
using herd::testing::CannedReply;
using herd::testing::FakeHttpServer;
using herd::testing::RecordedRequest;
using json = nlohmann::json;

namespace {

const std::string kFakeKey = "AIzaSyFAKE-test-key_0123456789abcdefghi";
const PlacesQuery kQuery{{34.06893, -118.445127}, 10000, 3};

std::string legacy_body(int n) {
  json results = json::array();
  for (int i = 0; i < n; ++i) results.push_back({{"name", "Place " + std::to_string(i)}, {"place_id", "id" + std::to_string(i)}});
  return json{{"html_attributions", json::array()}, {"results", results}, {"status", "OK"}}.dump(3);
}

template <class Pred>
bool run_until(boost::asio::io_context& io, Pred done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < end) {
    io.run_one_for(std::chrono::milliseconds(20));
    if (io.stopped()) io.restart();
  }
  return done();
}

HttpProviderConfig config(GoogleApi api, const std::string& url) {
  HttpProviderConfig c;
  c.api = api;
  c.base_url = url;
  c.api_key = kFakeKey;
  return c;
}

std::string base(const FakeHttpServer& s, bool tls = false) {
  return std::string(tls ? "https://localhost:" : "http://127.0.0.1:") + std::to_string(s.port());
}

}  // namespace

TEST_CASE("legacy Nearby Search: the request carries location, radius in metres and key") {
  boost::asio::io_context io;
  FakeHttpServer server(io, [](const RecordedRequest&) { return CannedReply{200, legacy_body(7)}; });
  HttpPlacesProvider provider(io, config(GoogleApi::Legacy, base(server)));
  std::optional<PlacesResult> got;
  provider.lookup(kQuery, [&](PlacesResult r) { got = std::move(r); });
  REQUIRE(run_until(io, [&] { return got.has_value(); }));
  REQUIRE(server.requests().size() == 1);
  const RecordedRequest& req = server.requests()[0];
  CHECK(req.method == "GET");
  CHECK(req.target == "/maps/api/place/nearbysearch/json?location=34.06893,-118.445127&radius=10000&key=" + kFakeKey);
  CHECK(req.headers.at("host") == "127.0.0.1");
  REQUIRE(got->ok);
  // The node's reply builder cuts the seven results to the bound of three.
  const json reply = json::parse(places_reply_body(*got, kQuery.max_results));
  REQUIRE(reply["results"].size() == 3);
  CHECK(reply["results"][2]["name"] == "Place 2");
}

TEST_CASE("Places API (New): POST with key header, field mask and body - reply converted") {
  boost::asio::io_context io;
  const std::string new_body = R"({"places":[{"id":"ChIJabc","displayName":{"text":"Blue Cafe","languageCode":"en"},
    "formattedAddress":"1 Main St","location":{"latitude":34.07,"longitude":-118.44},
    "viewport":{"low":{"latitude":34.06,"longitude":-118.45},"high":{"latitude":34.08,"longitude":-118.43}},
    "types":["cafe","food"],"rating":4.5,"userRatingCount":120,"businessStatus":"OPERATIONAL"}]})";
  FakeHttpServer server(io, [&](const RecordedRequest&) { return CannedReply{200, new_body}; });
  HttpPlacesProvider provider(io, config(GoogleApi::New, base(server) + "/"));
  std::optional<PlacesResult> got;
  provider.lookup(kQuery, [&](PlacesResult r) { got = std::move(r); });
  REQUIRE(run_until(io, [&] { return got.has_value(); }));
  const RecordedRequest& req = server.requests().at(0);
  CHECK(req.method == "POST");
  CHECK(req.target == "/v1/places:searchNearby");
  CHECK(req.headers.at("x-goog-api-key") == kFakeKey);
  CHECK(req.headers.at("x-goog-fieldmask") == kNewApiFieldMask);
  CHECK(req.target.find("key=") == std::string::npos);  // the key travels only in the header
  const json body = json::parse(req.body);
  CHECK(body["maxResultCount"] == 3);
  CHECK(body["locationRestriction"]["circle"]["radius"] == 10000.0);
  CHECK(body["locationRestriction"]["circle"]["center"]["latitude"] == 34.06893);
  REQUIRE(got->ok);
  const json legacy = json::parse(got->body);
  CHECK(legacy["status"] == "OK");
  const json& p = legacy["results"].at(0);
  CHECK(p["place_id"] == "ChIJabc");
  CHECK(p["name"] == "Blue Cafe");
  CHECK(p["vicinity"] == "1 Main St");
  CHECK(p["geometry"]["location"]["lat"] == 34.07);
  CHECK(p["geometry"]["viewport"]["northeast"]["lng"] == -118.43);
  CHECK(p["user_ratings_total"] == 120);
  CHECK(p["business_status"] == "OPERATIONAL");
}

TEST_CASE("new API replies: empty, denied, quota") {
  CHECK(json::parse(new_response(200, "{}").body)["status"] == "ZERO_RESULTS");
  auto denied = new_response(403, R"({"error":{"code":403,"message":"API key not valid.","status":"PERMISSION_DENIED"}})");
  CHECK_FALSE(denied.ok);
  CHECK(denied.status == "REQUEST_DENIED");
  CHECK(denied.error_message == "API key not valid.");
  CHECK(new_response(429, R"({"error":{"code":429,"message":"Quota","status":"RESOURCE_EXHAUSTED"}})").status ==
        "OVER_QUERY_LIMIT");
  CHECK(new_response(400, "not json").status == "INVALID_REQUEST");
}

TEST_CASE("keep-alive: consecutive lookups reuse one connection") {
  boost::asio::io_context io;
  FakeHttpServer server(io, [](const RecordedRequest&) { return CannedReply{200, legacy_body(2)}; });
  HttpPlacesProvider provider(io, config(GoogleApi::Legacy, base(server)));
  int answered = 0;
  for (int i = 0; i < 3; ++i) {
    provider.lookup(kQuery, [&](PlacesResult r) { answered += r.ok; });
    REQUIRE(run_until(io, [&] { return answered == i + 1; }));
  }
  CHECK(server.requests().size() == 3);
  CHECK(server.connections_accepted() == 1);
  CHECK(provider.stats().connections_opened == 1);
}

TEST_CASE("a server that closes a kept-alive connection costs a reconnect, not a failure") {
  boost::asio::io_context io;
  FakeHttpServer server(io, [](const RecordedRequest&) { return CannedReply{200, legacy_body(1), {}, true}; });
  HttpPlacesProvider provider(io, config(GoogleApi::Legacy, base(server)));
  int ok = 0;
  for (int i = 0; i < 3; ++i) {
    provider.lookup(kQuery, [&](PlacesResult r) { ok += r.ok; });
    REQUIRE(run_until(io, [&] { return ok == i + 1; }));
  }
  CHECK(server.connections_accepted() == 3);
}

TEST_CASE("lookups in flight are bounded - the rest wait and all complete") {
  boost::asio::io_context io;
  FakeHttpServer server(io, [](const RecordedRequest&) {
    return CannedReply{200, legacy_body(1), std::chrono::milliseconds(50)};
  });
  HttpProviderConfig cfg = config(GoogleApi::Legacy, base(server));
  cfg.max_in_flight = 2;
  HttpPlacesProvider provider(io, cfg);
  int ok = 0;
  for (int i = 0; i < 6; ++i) provider.lookup(kQuery, [&](PlacesResult r) { ok += r.ok; });
  REQUIRE(run_until(io, [&] { return ok == 6; }));
  CHECK(server.max_concurrent_requests() == 2);
  CHECK(provider.stats().max_in_flight_seen == 2);
  CHECK(server.connections_accepted() == 2);
}

TEST_CASE("a full waiting queue fails fast instead of growing") {
  boost::asio::io_context io;
  FakeHttpServer server(io, [](const RecordedRequest&) {
    return CannedReply{200, legacy_body(1), std::chrono::milliseconds(30)};
  });
  HttpProviderConfig cfg = config(GoogleApi::Legacy, base(server));
  cfg.max_in_flight = 1;
  cfg.max_queued = 2;
  HttpPlacesProvider provider(io, cfg);
  int ok = 0, failed = 0;
  bool called_inline = false;
  bool in_call = false;
  for (int i = 0; i < 5; ++i) {
    in_call = true;
    provider.lookup(kQuery, [&](PlacesResult r) {
      called_inline |= in_call;
      (r.ok ? ok : failed)++;
    });
    in_call = false;
  }
  REQUIRE(run_until(io, [&] { return ok + failed == 5; }));
  CHECK(ok == 3);
  CHECK(failed == 2);
  CHECK_FALSE(called_inline);
}

TEST_CASE("5xx is retried once, then reported - a silent server times out") {
  boost::asio::io_context io;
  int calls = 0;
  FakeHttpServer flaky(io, [&](const RecordedRequest&) {
    return ++calls == 1 ? CannedReply{503, "busy"} : CannedReply{200, legacy_body(1)};
  });
  HttpPlacesProvider p1(io, config(GoogleApi::Legacy, base(flaky)));
  std::optional<PlacesResult> r1;
  p1.lookup(kQuery, [&](PlacesResult r) { r1 = std::move(r); });
  REQUIRE(run_until(io, [&] { return r1.has_value(); }));
  CHECK(r1->ok);
  CHECK(calls == 2);

  FakeHttpServer down(io, [](const RecordedRequest&) { return CannedReply{500, "oops"}; });
  HttpPlacesProvider p2(io, config(GoogleApi::Legacy, base(down)));
  std::optional<PlacesResult> r2;
  p2.lookup(kQuery, [&](PlacesResult r) { r2 = std::move(r); });
  REQUIRE(run_until(io, [&] { return r2.has_value(); }));
  CHECK_FALSE(r2->ok);
  CHECK(r2->error_message.find("HTTP 500") != std::string::npos);
  CHECK(down.requests().size() == 2);

  FakeHttpServer silent(io, [](const RecordedRequest&) {
    return CannedReply{200, legacy_body(1), std::chrono::milliseconds(3000)};
  });
  HttpProviderConfig cfg = config(GoogleApi::Legacy, base(silent));
  cfg.timeout = std::chrono::milliseconds(200);
  HttpPlacesProvider p3(io, cfg);
  std::optional<PlacesResult> r3;
  const auto t0 = std::chrono::steady_clock::now();
  p3.lookup(kQuery, [&](PlacesResult r) { r3 = std::move(r); });
  REQUIRE(run_until(io, [&] { return r3.has_value(); }));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(2500));
  CHECK_FALSE(r3->ok);
  CHECK(r3->error_message.find("timed out") != std::string::npos);
}

TEST_CASE("nothing listening: the lookup fails with a message, never hangs") {
  boost::asio::io_context io;
  unsigned short dead_port;
  {
    FakeHttpServer s(io, [](const RecordedRequest&) { return CannedReply{}; });
    dead_port = s.port();
  }
  HttpPlacesProvider provider(io, config(GoogleApi::Legacy, "http://127.0.0.1:" + std::to_string(dead_port)));
  std::optional<PlacesResult> got;
  provider.lookup(kQuery, [&](PlacesResult r) { got = std::move(r); });
  REQUIRE(run_until(io, [&] { return got.has_value(); }));
  CHECK_FALSE(got->ok);
  CHECK(got->error_message.find("places lookup failed") == 0);
}

TEST_CASE("HTTPS: verified against a CA the test trusts, with SNI - refused otherwise") {
  const auto dir = std::filesystem::temp_directory_path() / ("herd-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string cert, key;
  REQUIRE(herd::testing::make_test_certificate(dir.string(), cert, key));
  boost::asio::io_context io;
  FakeHttpServer server(io, [](const RecordedRequest&) { return CannedReply{200, legacy_body(4)}; }, cert, key);

  HttpProviderConfig trusted = config(GoogleApi::Legacy, base(server, true));
  trusted.ca_file = cert;
  HttpPlacesProvider good(io, trusted);
  std::optional<PlacesResult> r1;
  good.lookup(kQuery, [&](PlacesResult r) { r1 = std::move(r); });
  REQUIRE(run_until(io, [&] { return r1.has_value(); }));
  INFO(r1->error_message);
  REQUIRE(r1->ok);
  CHECK(json::parse(r1->body)["results"].size() == 4);
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].sni == "localhost");

  HttpPlacesProvider untrusting(io, config(GoogleApi::Legacy, base(server, true)));
  std::optional<PlacesResult> r2;
  untrusting.lookup(kQuery, [&](PlacesResult r) { r2 = std::move(r); });
  REQUIRE(run_until(io, [&] { return r2.has_value(); }));
  CHECK_FALSE(r2->ok);
  CHECK(r2->error_message.find("certificate verify failed") != std::string::npos);
  CHECK(server.requests().size() == 1);  // nothing was sent to the untrusted server
  std::filesystem::remove_all(dir);
}

TEST_CASE("base URLs and bad configuration") {
  std::string err;
  auto b = parse_base_url("https://maps.googleapis.com", &err);
  REQUIRE(b);
  CHECK(b->tls);
  CHECK(b->port == "443");
  auto l = parse_base_url("http://127.0.0.1:8080/google/", &err);
  REQUIRE(l);
  CHECK_FALSE(l->tls);
  CHECK(l->port == "8080");
  CHECK(l->path_prefix == "/google");
  CHECK_FALSE(parse_base_url("ftp://x", &err));
  CHECK_FALSE(parse_base_url("http://host:port", &err));
  boost::asio::io_context io;
  CHECK_THROWS_WITH(HttpPlacesProvider(io, config(GoogleApi::Legacy, "maps.googleapis.com")),
                    Catch::Contains("places base URL"));
  HttpProviderConfig bad_ca = config(GoogleApi::Legacy, "");
  bad_ca.ca_file = "/nonexistent/ca.pem";
  CHECK_THROWS_WITH(HttpPlacesProvider(io, bad_ca), Catch::Contains("/nonexistent/ca.pem"));
}

TEST_CASE("new API: fields of the wrong type make a failed lookup, never an exception") {
  // Found by fuzz/fuzz_places_json: nlohmann's value() threw type_error.
  for (const std::string body : {R"({"places":[{"displayName":{"text":{"a":1}}}]})",
                                 R"({"places":[{"location":{"latitude":"x","longitude":[1]}}]})",
                                 R"({"places":[{"viewport":{"high":{"latitude":true}}}]})"}) {
    PlacesResult r;
    REQUIRE_NOTHROW(r = new_response(200, body));
    CHECK_FALSE(r.ok);
    CHECK(r.status == "UNKNOWN_ERROR");
  }
  REQUIRE_NOTHROW(new_response(403, R"({"error":{"status":7,"message":"m"}})"));
  CHECK(new_response(200, R"({"places":[{"displayName":{"text":"Cafe"}}]})").ok);
}
