#pragma once
// The "strategy" field, in scenarios and herd configs alike:
//   "flooding" | "gossip" | {"name": "gossip", "fanout": 3}
//   | {"name": "flooding", "anti_entropy": {"interval": "1s"}}
//   | {"name": "flooding", "anti_entropy": "off"}
// (fanout 1-1000, gossip only; default 2; anti-entropy interval 1 ms to
// 1 h, with either name). docs/scenarios.md, docs/live.md.
#include <string>

#include <nlohmann/json.hpp>

#include "config/field_reader.h"
#include "herd/strategy_spec.h"

namespace herd {

// `j` is the field's value, at `path` (e.g. "strategy"). A strategy that
// does not mention anti_entropy gets `default_anti_entropy` (0: off; a
// scenario's default, so its results stay as written; live herd configs
// default to rounds every kLiveAntiEntropyInterval).
StrategySpec read_strategy(const FieldReader& r, const nlohmann::json& j, const std::string& path,
                           Nanos default_anti_entropy = 0);

}  // namespace herd
