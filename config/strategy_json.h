#pragma once
// The "strategy" field, in scenarios and herd configs alike:
//   "flooding" | "gossip" | {"name": "gossip", "fanout": 3}
//   | {"name": "flooding", "anti_entropy": {"interval": "1s"}}
// (fanout 1-1000, gossip only; default 2; anti-entropy interval 1 ms to
// 1 h, with either name). docs/scenarios.md, docs/live.md.
#include <string>

#include <nlohmann/json.hpp>

#include "config/field_reader.h"
#include "herd/strategy_spec.h"

namespace herd {

// `j` is the field's value, at `path` (e.g. "strategy").
StrategySpec read_strategy(const FieldReader& r, const nlohmann::json& j, const std::string& path);

}  // namespace herd
