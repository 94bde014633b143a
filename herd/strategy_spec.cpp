#include "herd/strategy_spec.h"

#include "herd/anti_entropy.h"
#include "herd/plumtree.h"

namespace herd {

const char* StrategySpec::name() const {
  switch (kind) {
    case Kind::Flooding: return "flooding";
    case Kind::Gossip: return "gossip";
    case Kind::Plumtree: return "plumtree";
  }
  return "flooding";
}

namespace {

// The largest whole unit: "1s", "250ms", "1500us", "7ns".
std::string duration_text(Nanos d) {
  if (d % kNanosPerSecond == 0) return std::to_string(d / kNanosPerSecond) + "s";
  if (d % 1'000'000 == 0) return std::to_string(d / 1'000'000) + "ms";
  if (d % 1'000 == 0) return std::to_string(d / 1'000) + "us";
  return std::to_string(d) + "ns";
}

std::unique_ptr<PropagationStrategy> make_dissemination(const StrategySpec& spec, std::uint64_t seed) {
  switch (spec.kind) {
    case StrategySpec::Kind::Flooding: return make_flooding();
    case StrategySpec::Kind::Gossip: return make_gossip(spec.fanout, seed);
    case StrategySpec::Kind::Plumtree: return make_plumtree(spec.graft_timeout);
  }
  return make_flooding();
}

}  // namespace

std::string StrategySpec::describe() const {
  std::string out = name();
  if (kind == Kind::Gossip) out = "gossip(fanout=" + std::to_string(fanout) + ")";
  if (kind == Kind::Plumtree) out = "plumtree(graft_timeout=" + duration_text(graft_timeout) + ")";
  if (anti_entropy_interval > 0) out += "+anti_entropy(interval=" + duration_text(anti_entropy_interval) + ")";
  return out;
}

std::unique_ptr<PropagationStrategy> make_strategy(const StrategySpec& spec, std::uint64_t seed) {
  auto inner = make_dissemination(spec, seed);
  if (spec.anti_entropy_interval <= 0) return inner;
  return make_anti_entropy(std::move(inner), spec.anti_entropy_interval, seed);
}

}  // namespace herd
