#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <tuple>
#include <vector>

#include "engine/virtual/event_queue.h"
#include "engine/virtual/random.h"
#include "herd/client_directory.h"

using herd::virt::Event;
using herd::virt::EventQueue;

TEST_CASE("event queue pops by time - ties in insertion order") {
  EventQueue q;
  auto push = [&](herd::Nanos t, std::uint32_t tag) {
    Event e;
    e.time = t;
    e.a = tag;
    q.push(std::move(e));
  };
  push(30, 0);
  push(10, 1);
  push(20, 2);
  push(10, 3);
  push(10, 4);
  push(0, 5);
  std::vector<std::uint32_t> order;
  while (!q.empty()) order.push_back(q.pop().a);
  CHECK(order == std::vector<std::uint32_t>{5, 1, 3, 4, 2, 0});
}

TEST_CASE("event queue matches a stable sort on many random events - interleaving pushes and pops") {
  EventQueue q;
  herd::virt::Rng rng(7);
  std::vector<std::tuple<herd::Nanos, std::uint32_t>> reference;  // (time, tag): tag = insertion order
  std::vector<std::tuple<herd::Nanos, std::uint32_t>> popped, expected;
  std::uint32_t tag = 0;
  herd::Nanos now = 0;
  for (int round = 0; round < 2000; ++round) {
    for (int k = 0; k < 5; ++k) {
      Event e;
      e.time = now + static_cast<herd::Nanos>(rng.below(50));  // many equal times
      e.a = tag;
      reference.emplace_back(e.time, tag++);
      q.push(std::move(e));
    }
    for (int k = 0; k < 4; ++k) {
      // The expected next event: smallest time, then smallest tag.
      auto it = std::min_element(reference.begin(), reference.end());
      expected.push_back(*it);
      reference.erase(it);
      Event e = q.pop();
      popped.emplace_back(e.time, e.a);
      now = e.time;
    }
  }
  CHECK(popped == expected);
  CHECK(q.size() == reference.size());
}

TEST_CASE("event queue keeps a report alive while it waits and hands it over on pop") {
  herd::ClientDirectory clients;
  EventQueue q;
  {
    auto r = herd::parse_at_line("AT Hill +0.100000000 kiwi +1+2 5", clients);
    REQUIRE(r);
    Event e;
    e.time = 5;
    e.report = r;
    q.push(std::move(e));
  }
  Event e = q.pop();
  REQUIRE(e.report);
  CHECK(e.report->at_line() == "AT Hill +0.100000000 kiwi +1+2 5");
}

TEST_CASE("event queue orders events across buckets - the ring and the far future") {
  EventQueue q;
  herd::virt::Rng rng(11);
  std::vector<std::tuple<herd::Nanos, std::uint32_t>> reference, popped, expected;
  std::uint32_t tag = 0;
  herd::Nanos now = 0;
  // Gaps from nanoseconds to hours: same bucket, the ring, and the far heap.
  const herd::Nanos spans[] = {50, 3'000'000, 200'000'000, 9'000'000'000, 7'200'000'000'000};
  for (int round = 0; round < 3000; ++round) {
    for (int k = 0; k < 3; ++k) {
      Event e;
      e.time = now + static_cast<herd::Nanos>(rng.below(static_cast<std::uint64_t>(spans[rng.below(5)])));
      e.a = tag;
      reference.emplace_back(e.time, tag++);
      q.push(std::move(e));
    }
    for (int k = 0; k < 2 + (round % 3 == 0 ? 2 : 0) && !reference.empty(); ++k) {
      auto it = std::min_element(reference.begin(), reference.end());
      expected.push_back(*it);
      reference.erase(it);
      REQUIRE(q.next_time() == std::get<0>(expected.back()));
      Event e = q.pop();
      popped.emplace_back(e.time, e.a);
      now = e.time;
    }
  }
  while (!reference.empty()) {
    auto it = std::min_element(reference.begin(), reference.end());
    expected.push_back(*it);
    reference.erase(it);
    Event e = q.pop();
    popped.emplace_back(e.time, e.a);
  }
  CHECK(popped == expected);
  CHECK(q.empty());
}

TEST_CASE("event queue accepts an earlier push after peeking ahead across an idle gap") {
  EventQueue q;
  Event far;
  far.time = 10'000'000'000;  // 10 s: lands in the far heap
  far.a = 1;
  q.push(std::move(far));
  CHECK(q.next_time() == 10'000'000'000);  // the queue jumps its current bucket ahead
  Event early;
  early.time = 5'000'000;  // then the driver schedules something at 5 ms
  early.a = 2;
  q.push(std::move(early));
  Event same;
  same.time = 10'000'000'000;
  same.a = 3;
  q.push(std::move(same));
  CHECK(q.pop().a == 2);
  CHECK(q.pop().a == 1);
  CHECK(q.pop().a == 3);  // equal times: insertion order
  CHECK(q.empty());
}

TEST_CASE("event queue sorts crowded buckets exactly - radix path, ties, late pushes") {
  // Thousands of events per ~1 ms bucket (the radix sort's case), times over
  // every low bit, many exact ties, and pushes into the bucket being popped.
  EventQueue q;
  herd::virt::Rng rng(23);
  std::set<std::tuple<herd::Nanos, std::uint32_t>> reference;  // (time, tag): tag = insertion order
  std::uint32_t tag = 0;
  herd::Nanos now = 0;
  std::size_t mismatches = 0, popped = 0;
  for (int round = 0; round < 60; ++round) {
    for (int k = 0; k < 3000; ++k) {
      Event e;
      switch (rng.below(4)) {
        case 0: e.time = now + static_cast<herd::Nanos>(rng.below(8 << 20)); break;        // any low bits
        case 1: e.time = ((now >> 20) + 2) << 20 | static_cast<herd::Nanos>(rng.below(4)); break;  // ties
        case 2: e.time = now + static_cast<herd::Nanos>(rng.below(1000)); break;          // the current bucket
        default: e.time = now + 3'000'000 + static_cast<herd::Nanos>(rng.below(64)) * 1024; break;
      }
      e.a = tag;
      reference.emplace(e.time, tag++);
      q.push(std::move(e));
    }
    for (int k = 0; k < 2500; ++k) {
      const auto want = *reference.begin();
      reference.erase(reference.begin());
      Event e = q.pop();
      if (std::make_tuple(e.time, e.a) != want) ++mismatches;
      ++popped;
      now = e.time;
    }
  }
  while (!reference.empty()) {
    const auto want = *reference.begin();
    reference.erase(reference.begin());
    Event e = q.pop();
    if (std::make_tuple(e.time, e.a) != want) ++mismatches;
    ++popped;
  }
  CHECK(popped == 180'000);
  CHECK(mismatches == 0);
  CHECK(q.empty());
}
