#pragma once
// Reconnect delays: exponential back-off with "equal jitter" (half fixed,
// half random), so a herd restarting together does not redial in lockstep.
#include <chrono>
#include <cstdint>
#include <random>

namespace herd::live {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint64_t seed)
      : initial_(initial), max_(max), next_(initial), rng_(seed) {}

  // The delay before the next attempt, in [d/2, d] where d doubles after each
  // call up to `max`.
  std::chrono::milliseconds next() {
    const auto d = next_;
    next_ = std::min(max_, next_ * 2);
    const auto half = d.count() / 2;
    std::uniform_int_distribution<std::int64_t> jitter(0, d.count() - half);
    return std::chrono::milliseconds(half + jitter(rng_));
  }
  // After a successful connection: start again from `initial`.
  void reset() { next_ = initial_; }

 private:
  std::chrono::milliseconds initial_, max_, next_;
  std::mt19937_64 rng_;
};

}  // namespace herd::live
