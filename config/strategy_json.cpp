#include "config/strategy_json.h"

namespace herd {

namespace {

StrategySpec::Kind kind_of(const std::string& name) {
  if (name == "gossip") return StrategySpec::Kind::Gossip;
  if (name == "plumtree") return StrategySpec::Kind::Plumtree;
  return StrategySpec::Kind::Flooding;
}

}  // namespace

StrategySpec read_strategy(const FieldReader& r, const nlohmann::json& j, const std::string& path,
                           Nanos default_anti_entropy) {
  StrategySpec spec;
  spec.anti_entropy_interval = default_anti_entropy;
  if (j.is_string()) {
    spec.kind = kind_of(r.choice(j, path, {"flooding", "gossip", "plumtree"}));
    return spec;
  }
  r.object(j, path, {"name", "fanout", "graft_timeout", "anti_entropy"});
  spec.kind = kind_of(r.choice(r.required(j, path, "name"), FieldReader::child(path, "name"), {"flooding", "gossip", "plumtree"}));
  if (const auto* f = FieldReader::optional(j, "fanout")) {
    const std::string fp = FieldReader::child(path, "fanout");
    if (spec.kind != StrategySpec::Kind::Gossip) r.fail(fp, "only the gossip strategy takes a fanout");
    spec.fanout = static_cast<std::uint32_t>(r.uint(*f, fp, 1, StrategySpec::kMaxFanout));
  }
  if (const auto* g = FieldReader::optional(j, "graft_timeout")) {
    const std::string gp = FieldReader::child(path, "graft_timeout");
    if (spec.kind != StrategySpec::Kind::Plumtree) r.fail(gp, "only the plumtree strategy takes a graft_timeout");
    const Nanos t = r.duration(*g, gp);
    if (t < 1'000 || t > 60 * kNanosPerSecond) r.fail(gp, "must be from 1us to 60s");
    spec.graft_timeout = t;
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
