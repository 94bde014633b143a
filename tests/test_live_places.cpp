// Places in live mode: the offline provider (answers on the io_context,
// never inside lookup(), exactly once, with the same JSON the simulator's
// places model gives) and a Google provider wired into a real server.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <thread>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "engine/places/google_api.h"
#include "test_live_support.h"
#include "tests/support/fake_http_server.h"

#include "engine/places/offline_places.h"
#include "engine/places/offline_provider.h"

using herd::PlacesQuery;
using herd::PlacesResult;

TEST_CASE("offline provider answers on the io_context, never inside lookup(), exactly once") {
  boost::asio::io_context io;
  herd::places::OfflineProvider p(io);
  const PlacesQuery q{herd::Coordinates{34.06893, -118.445127}, 10'000, 5};
  int calls = 0;
  PlacesResult got;
  p.lookup(q, [&](PlacesResult r) {
    ++calls;
    got = std::move(r);
  });
  CHECK(calls == 0);
  io.run();
  CHECK(calls == 1);
  CHECK(got.ok);
  CHECK(got.body == herd::offline_places(q).body);
}

TEST_CASE("offline provider with a delay still answers exactly once, in order of expiry") {
  boost::asio::io_context io;
  herd::places::OfflineProvider p(io, std::chrono::milliseconds(20));
  std::vector<int> order;
  const PlacesQuery q{herd::Coordinates{1, 2}, 1000, 1};
  p.lookup(q, [&](PlacesResult r) { order.push_back(r.ok ? 1 : -1); });
  p.lookup(q, [&](PlacesResult r) { order.push_back(r.ok ? 2 : -2); });
  CHECK(order.empty());
  io.run();
  CHECK(order == std::vector<int>{1, 2});
}

// The whole path a user gets with an API key: a live server configured for
// google-legacy, pointed (places.base_url) at a real HTTP server this test
// starts on loopback. The server's request and the WHATSAT reply are checked.

TEST_CASE("a live server with google-legacy asks the configured Places URL and cuts the reply to the bound") {
  using namespace herd::live::test;
  boost::asio::io_context google_io;
  std::string body = R"({"html_attributions":[],"results":[)";
  for (int i = 0; i < 5; ++i) body += std::string(i ? "," : "") + R"({"name":"place)" + std::to_string(i) + R"("})";
  body += R"(],"status":"OK"})";
  herd::testing::FakeHttpServer google(google_io, [&](const herd::testing::RecordedRequest&) {
    return herd::testing::CannedReply{200, body};
  });
  auto guard = boost::asio::make_work_guard(google_io);
  std::thread google_thread([&] { google_io.run(); });

  ::setenv(herd::places::kApiKeyEnv, "test-key-123", 1);
  auto config = preset_config("hill");
  config.places.provider = "google-legacy";
  config.places.base_url = "http://127.0.0.1:" + std::to_string(google.port());
  {
    TestHerd herd(config);
    ::unsetenv(herd::places::kApiKeyEnv);
    LineClient c(herd.port("Hill"));
    c.send("IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503\n");
    const auto at = c.line();
    REQUIRE(at);
    c.send("WHATSAT kiwi.cs.ucla.edu 10 2\n");
    const auto reply = c.whatsat_reply();
    REQUIRE(reply);
    CHECK(reply->starts_with(*at + "\n{"));
    CHECK(reply->find("place1") != std::string::npos);
    CHECK(reply->find("place2") == std::string::npos);  // cut to the bound of 2
    CHECK(reply->ends_with("}\n\n"));
  }
  guard.reset();
  google_io.stop();
  google_thread.join();
  REQUIRE(google.requests().size() == 1);
  const auto& req = google.requests()[0];
  CHECK(req.method == "GET");
  CHECK(req.target ==
        "/maps/api/place/nearbysearch/json?location=34.06893,-118.445127&radius=10000&key=test-key-123");
}

TEST_CASE("the places factory: offline without a key, a clear error for a bad Google base URL") {
  boost::asio::io_context io;
  auto config = herd::live::test::preset_config("hill");
  config.source = "herd.json";
  config.places.provider = "google-new";
  config.places.base_url = "ftp://example.com";
  ::unsetenv(herd::places::kApiKeyEnv);
  // No key: the herd still works, on synthetic places.
  auto p = herd::live::make_places_provider(io, config);
  REQUIRE(p);
  CHECK(dynamic_cast<herd::places::OfflineProvider*>(p.get()) != nullptr);
  ::setenv(herd::places::kApiKeyEnv, "k", 1);
  try {
    (void)herd::live::make_places_provider(io, config);
    FAIL("a bad base URL was accepted");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(std::string(e.what()), Catch::Matchers::StartsWith("herd.json: places: "));
  }
  ::unsetenv(herd::places::kApiKeyEnv);
}
