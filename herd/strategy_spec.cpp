#include "herd/strategy_spec.h"

namespace herd {

const char* StrategySpec::name() const {
  switch (kind) {
    case Kind::Flooding: return "flooding";
    case Kind::Gossip: return "gossip";
  }
  return "flooding";
}

std::string StrategySpec::describe() const {
  if (kind == Kind::Gossip) return "gossip(fanout=" + std::to_string(fanout) + ")";
  return name();
}

std::unique_ptr<PropagationStrategy> make_strategy(const StrategySpec& spec, std::uint64_t seed) {
  switch (spec.kind) {
    case StrategySpec::Kind::Flooding: return make_flooding();
    case StrategySpec::Kind::Gossip: return make_gossip(spec.fanout, seed);
  }
  return make_flooding();
}

}  // namespace herd
