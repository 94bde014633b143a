#include "config/strategy_json.h"

namespace herd {

namespace {

StrategySpec::Kind kind_of(const std::string& name) {
  return name == "gossip" ? StrategySpec::Kind::Gossip : StrategySpec::Kind::Flooding;
}

}  // namespace

StrategySpec read_strategy(const FieldReader& r, const nlohmann::json& j, const std::string& path,
                           Nanos default_anti_entropy) {
  StrategySpec spec;
  spec.anti_entropy_interval = default_anti_entropy;
  if (j.is_string()) {
    spec.kind = kind_of(r.choice(j, path, {"flooding", "gossip"}));
    return spec;
  }
  r.object(j, path, {"name", "fanout", "anti_entropy"});
  spec.kind = kind_of(r.choice(r.required(j, path, "name"), FieldReader::child(path, "name"), {"flooding", "gossip"}));
  if (const auto* f = FieldReader::optional(j, "fanout")) {
    const std::string fp = FieldReader::child(path, "fanout");
    if (spec.kind != StrategySpec::Kind::Gossip) r.fail(fp, "only the gossip strategy takes a fanout");
    spec.fanout = static_cast<std::uint32_t>(r.uint(*f, fp, 1, StrategySpec::kMaxFanout));
  }
  if (const auto* ae = FieldReader::optional(j, "anti_entropy")) {
    const std::string ap = FieldReader::child(path, "anti_entropy");
    if (ae->is_string()) {
      r.choice(*ae, ap, {"off"});
      spec.anti_entropy_interval = 0;
      return spec;
    }
    r.object(*ae, ap, {"interval"});
    const std::string ip = FieldReader::child(ap, "interval");
    const Nanos interval = r.duration(r.required(*ae, ap, "interval"), ip);
    // Below 1 ms rounds would outnumber updates; above an hour nothing heals.
    if (interval < 1'000'000 || interval > 3600 * kNanosPerSecond) r.fail(ip, "must be from 1ms to 1h");
    spec.anti_entropy_interval = interval;
  }
  return spec;
}

}  // namespace herd
