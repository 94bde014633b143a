#pragma once
// Seeded randomness for the simulator, identical on every machine.
//
// std:: distributions are implementation-defined (libstdc++ and libc++ give
// different normals from the same engine), so every distribution here is
// written out from uniform doubles. The engine is xoshiro256** seeded through
// splitmix64. The transcendental functions (log, exp, sqrt, cos) come from
// libm; glibc's are correctly rounded in practice for these inputs, and every
// sampled latency is rounded to whole nanoseconds, so a last-bit difference
// in libm would only matter at an exact rounding boundary.
#include <cmath>
#include <cstdint>
#include <limits>

namespace herd::virt {

// One step of splitmix64: a good 64-bit mixer for deriving seeds.
inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A seed for an independent stream `stream` of run seed `seed`, so that e.g.
// changing the loss rate (network stream) leaves the workload stream alone.
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t s = seed ^ (stream * 0xD1B54A32D192ED03ull);
  splitmix64(s);
  return splitmix64(s);
}

// xoshiro256** (Blackman & Vigna). Satisfies UniformRandomBitGenerator, so
// Boost.Graph's generators can use it too.
class Rng {
 public:
  using result_type = std::uint64_t;
  explicit Rng(std::uint64_t seed = 0) { reseed(seed); }
  void reseed(std::uint64_t seed) {
    std::uint64_t s = seed;
    for (auto& w : s_) w = splitmix64(s);
  }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe to take the log of.
  double uniform01_open_low() { return 1.0 - uniform01(); }
  // Uniform integer in [0, n) without modulo bias (Lemire's method).
  std::uint64_t below(std::uint64_t n) {
    if (n == 0) return 0;
    __uint128_t m = static_cast<__uint128_t>((*this)()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<__uint128_t>((*this)()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }
  bool bernoulli(double p) { return p > 0 && uniform01() < p; }

  // Standard normal by Box–Muller (both values used, the second cached).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = uniform01_open_low();
    const double u2 = uniform01();
    const double r = std::sqrt(-2.0 * std::log(u1));
    constexpr double kTwoPi = 6.283185307179586476925286766559;
    spare_ = r * std::sin(kTwoPi * u2);
    has_spare_ = true;
    return r * std::cos(kTwoPi * u2);
  }
  // Exponential with the given mean.
  double exponential(double mean) { return -mean * std::log(uniform01_open_low()); }
  // Pareto (type I) with scale x_m and shape alpha: x_m / U^(1/alpha).
  double pareto(double scale, double shape) {
    return scale / std::pow(uniform01_open_low(), 1.0 / shape);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace herd::virt
