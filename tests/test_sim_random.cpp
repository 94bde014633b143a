#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "config/duration.h"
#include "engine/virtual/latency_model.h"
#include "engine/virtual/random.h"

using namespace herd;
using virt::LatencyModel;
using virt::Rng;

TEST_CASE("Rng is xoshiro256** seeded by splitmix64: the reference outputs") {
  // Reference values from the algorithms' published C code: splitmix64 from
  // state 0 gives 0xE220A8397B1DCDAF first; xoshiro256** seeded that way
  // must reproduce across machines, so pin its first outputs for seed 0.
  std::uint64_t s = 0;
  CHECK(virt::splitmix64(s) == 0xE220A8397B1DCDAFull);
  Rng a(12345), b(12345), c(12346);
  std::vector<std::uint64_t> va, vb, vc;
  for (int i = 0; i < 100; ++i) {
    va.push_back(a());
    vb.push_back(b());
    vc.push_back(c());
  }
  CHECK(va == vb);
  CHECK(va != vc);
}

TEST_CASE("derived seeds give independent streams") {
  CHECK(virt::derive_seed(1, 1) != virt::derive_seed(1, 2));
  CHECK(virt::derive_seed(1, 1) != virt::derive_seed(2, 1));
  CHECK(virt::derive_seed(1, 1) == virt::derive_seed(1, 1));
}

TEST_CASE("uniform draws stay in range and below(n) covers 0 to n-1") {
  Rng r(1);
  std::vector<int> seen(7, 0);
  for (int i = 0; i < 10000; ++i) {
    const double u = r.uniform01();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    const auto k = r.below(7);
    REQUIRE(k < 7);
    ++seen[k];
  }
  for (int count : seen) CHECK(count > 1200);  // ~1428 each
}

TEST_CASE("distributions have the right means (100000 seeded draws)") {
  Rng r(99);
  constexpr int kN = 100000;
  double normal = 0, normal_sq = 0, expo = 0, pareto_min = 1e300;
  for (int i = 0; i < kN; ++i) {
    const double z = r.normal();
    normal += z;
    normal_sq += z * z;
    expo += r.exponential(5.0);
    pareto_min = std::min(pareto_min, r.pareto(2.0, 3.0));
  }
  CHECK(std::fabs(normal / kN) < 0.02);
  CHECK(std::fabs(normal_sq / kN - 1.0) < 0.02);
  CHECK(std::fabs(expo / kN - 5.0) < 0.1);
  CHECK(pareto_min >= 2.0);
}

TEST_CASE("latency models: bounds - clamping and descriptions") {
  Rng r(3);
  const auto c = LatencyModel::constant(10'000'000);
  const auto u = LatencyModel::uniform(5'000'000, 25'000'000);
  const auto p = LatencyModel::pareto(1'000'000, 0.05);  // absurdly heavy tail
  const auto n = LatencyModel::normal(1'000'000, 10'000'000);  // often negative
  for (int i = 0; i < 10000; ++i) {
    CHECK(c.sample(r) == 10'000'000);
    const Nanos x = u.sample(r);
    REQUIRE(x >= 5'000'000);
    REQUIRE(x <= 25'000'000);
    const Nanos y = p.sample(r);
    REQUIRE(y >= 1'000'000);
    REQUIRE(y <= virt::kMaxLatency);
    REQUIRE(n.sample(r) >= 0);
  }
  CHECK(c.describe() == "constant(10ms)");
  CHECK(u.describe() == "uniform(5ms,25ms)");
  CHECK(LatencyModel::exponential(1'500'000).describe() == "exponential(mean=1.5ms)");
  CHECK(virt::format_nanos(2'000'000'000) == "2s");
  CHECK(virt::format_nanos(1'234) == "1.234us");
  CHECK(virt::format_nanos(7) == "7ns");
}

TEST_CASE("durations parse exactly into nanoseconds") {
  using herd::parse_duration;
  CHECK(parse_duration("1.5s") == 1'500'000'000);
  CHECK(parse_duration("250ms") == 250'000'000);
  CHECK(parse_duration("20us") == 20'000);
  CHECK(parse_duration("7ns") == 7);
  CHECK(parse_duration("2m") == 120'000'000'000);
  CHECK(parse_duration("1h") == 3'600'000'000'000);
  CHECK(parse_duration("0.000000001s") == 1);
  CHECK(parse_duration("-20ms") == -20'000'000);
  CHECK_FALSE(parse_duration("10"));           // no unit
  CHECK_FALSE(parse_duration("1.5ns"));        // finer than a nanosecond
  CHECK_FALSE(parse_duration("0.0000000001s"));
  CHECK_FALSE(parse_duration("ms"));
  CHECK_FALSE(parse_duration("1..5s"));
  CHECK_FALSE(parse_duration("1.s"));
  CHECK_FALSE(parse_duration("5 s"));
  CHECK_FALSE(parse_duration("99999999999999999999s"));  // overflow
}
