// The offline places provider as live mode uses it: answers on the
// io_context, never inside lookup(), exactly once, with the same JSON the
// simulator's places model gives.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include "engine/places/offline_provider.h"
#include "herd/offline_places.h"

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
