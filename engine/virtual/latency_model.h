#pragma once
// How long a message spends on a link (or a places lookup takes): a small
// value type sampled from a seeded Rng. Samples are whole nanoseconds,
// clamped to [0, kMaxLatency] so a heavy Pareto tail can never overflow the
// virtual clock.
#include <cstdint>
#include <string>

#include "engine/virtual/random.h"
#include "herd/types.h"

namespace herd::virt {

inline constexpr Nanos kMaxLatency = 3600 * kNanosPerSecond;  // one hour

struct LatencyModel {
  enum class Kind : std::uint8_t { Constant, Uniform, Normal, LogNormal, Exponential, Pareto };
  Kind kind = Kind::Constant;
  // Constant: a = value. Uniform: [a, b]. Normal: mean a, stddev b.
  // LogNormal: the underlying normal's mu = a, sigma = b (a in log-nanoseconds).
  // Exponential: mean a. Pareto: scale a, shape b.
  // All times in nanoseconds (as doubles so one struct serves every kind).
  double a = 0, b = 0;

  static LatencyModel constant(Nanos v) { return {Kind::Constant, static_cast<double>(v), 0}; }
  static LatencyModel uniform(Nanos lo, Nanos hi) {
    return {Kind::Uniform, static_cast<double>(lo), static_cast<double>(hi)};
  }
  static LatencyModel normal(Nanos mean, Nanos stddev) {
    return {Kind::Normal, static_cast<double>(mean), static_cast<double>(stddev)};
  }
  static LatencyModel lognormal(double mu, double sigma) { return {Kind::LogNormal, mu, sigma}; }
  static LatencyModel exponential(Nanos mean) { return {Kind::Exponential, static_cast<double>(mean), 0}; }
  static LatencyModel pareto(Nanos scale, double shape) {
    return {Kind::Pareto, static_cast<double>(scale), shape};
  }

  // Constant models draw nothing from the Rng (the fast, common case).
  Nanos sample(Rng& rng) const {
    double v = 0;
    switch (kind) {
      case Kind::Constant: return static_cast<Nanos>(a);
      case Kind::Uniform: v = a + (b - a) * rng.uniform01(); break;
      case Kind::Normal: v = a + b * rng.normal(); break;
      case Kind::LogNormal: v = std::exp(a + b * rng.normal()); break;
      case Kind::Exponential: v = rng.exponential(a); break;
      case Kind::Pareto: v = rng.pareto(a, b); break;
    }
    if (!(v > 0)) return 0;  // also catches NaN
    if (v >= static_cast<double>(kMaxLatency)) return kMaxLatency;
    return static_cast<Nanos>(std::llround(v));
  }

  // E.g. "constant(10ms)", "lognormal(mu=16.1,sigma=0.5)": for run records.
  std::string describe() const;
  bool operator==(const LatencyModel&) const = default;
};

// "1.5ms", "20us", "3s": the shortest exact unit for a nanosecond count.
std::string format_nanos(Nanos v);

}  // namespace herd::virt
