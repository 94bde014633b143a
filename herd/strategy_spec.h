#pragma once
// Which propagation strategy a herd runs, parsed once (from a scenario's or
// a herd config's "strategy" field: config/strategy_json.h) and used alike by
// the simulator (sim/run.cpp) and live servers (engine/asio).
#include <cstdint>
#include <memory>
#include <string>

#include "herd/strategy.h"

namespace herd {

struct StrategySpec {
  enum class Kind { Flooding, Gossip, Plumtree };
  static constexpr std::uint32_t kDefaultFanout = 2;
  static constexpr Nanos kDefaultGraftTimeout = 100'000'000;  // 100 ms
  static constexpr std::uint32_t kMaxFanout = 1000;

  Kind kind = Kind::Flooding;
  std::uint32_t fanout = kDefaultFanout;  // gossip: up neighbours each new report goes to
  // Push-pull anti-entropy around the strategy (herd/anti_entropy.h): the
  // mean time between rounds with each neighbour; 0 = off.
  Nanos anti_entropy_interval = 0;
  // plumtree: how long an announced report may stay missing before a graft
  Nanos graft_timeout = kDefaultGraftTimeout;

  // The kind's name in files: "flooding", "gossip" or "plumtree".
  const char* name() const;
  // With its parameters, as results name the strategy (so plots per strategy
  // tell fanouts apart): "flooding", "gossip(fanout=N)" or
  // "plumtree(graft_timeout=100ms)", and
  // "+anti_entropy(interval=1s)" after it when anti-entropy is on.
  std::string describe() const;

  bool operator==(const StrategySpec&) const = default;
};

// A fresh strategy for one node. `seed` fixes gossip's random choices and
// anti-entropy's jitter (the simulator derives one per node and restart);
// plain flooding ignores it.
std::unique_ptr<PropagationStrategy> make_strategy(const StrategySpec& spec, std::uint64_t seed);

}  // namespace herd
