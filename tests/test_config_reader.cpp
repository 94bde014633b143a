// The field reader both loaders share (config/field_reader.h), the strategy
// spec (herd/strategy_spec.h) and its JSON form (config/strategy_json.h).
#include <catch2/catch.hpp>

#include <string>

#include <nlohmann/json.hpp>

#include "config/field_reader.h"
#include "config/strategy_json.h"
#include "herd/strategy_spec.h"

using herd::FieldError;
using herd::FieldReader;
using herd::StrategySpec;
using nlohmann::json;

namespace {

// what() of the error `read` throws with a reader of `wording`.
template <class F>
std::string error_of(FieldReader::Wording wording, F read) {
  const FieldReader r("f.json", wording);
  try {
    read(r);
  } catch (const FieldError& e) {
    return e.what();
  }
  return "(accepted)";
}

constexpr auto kExplained = FieldReader::Wording::Explained;
constexpr auto kTerse = FieldReader::Wording::Terse;

struct Custom : std::runtime_error {
  using std::runtime_error::runtime_error;
};
[[noreturn]] void raise_custom(const std::string& file, const std::string& field, const std::string& reason) {
  throw Custom(file + "|" + field + "|" + reason);
}

}  // namespace

TEST_CASE("field reader: paths, and errors naming file, field and reason") {
  CHECK(FieldReader::child("", "a") == "a");
  CHECK(FieldReader::child("a", "b") == "a.b");
  CHECK(FieldReader::item("a.b", 3) == "a.b[3]");
  const json j = json::parse(R"({"n": 5, "s": "x", "b": true, "neg": -1, "f": 1.5})");
  auto top = [&](const FieldReader& r) { r.fail("", "bad"); };
  CHECK(error_of(kExplained, top) == "f.json: (top level): bad");
  auto uint_range = [&](const FieldReader& r) { r.uint(j["n"], "n", 6, 9); };
  CHECK(error_of(kExplained, uint_range) == "f.json: n: must be from 6 to 9, got 5");
  CHECK(error_of(kTerse, uint_range) == "f.json: n: must be between 6 and 9");
  auto uint_neg = [&](const FieldReader& r) { r.uint(j["neg"], "neg", 0, 9); };
  CHECK(error_of(kExplained, uint_neg) == "f.json: neg: expected a whole number from 0 to 9, got -1");
  CHECK(error_of(kTerse, uint_neg) == "f.json: neg: must be between 0 and 9");
  auto uint_frac = [&](const FieldReader& r) { r.uint(j["f"], "f", 0, 9); };
  CHECK(error_of(kTerse, uint_frac) == "f.json: f: must be an integer");
  auto str = [&](const FieldReader& r) { r.string(j["n"], "n"); };
  CHECK(error_of(kExplained, str) == "f.json: n: expected a string, got number");
  CHECK(error_of(kTerse, str) == "f.json: n: must be a string");
  auto pick = [&](const FieldReader& r) { r.choice(j["s"], "s", {"a", "b", "c"}); };
  CHECK(error_of(kExplained, pick) == "f.json: s: 'x' is not one of: a, b, c");
  CHECK(error_of(kTerse, pick) == "f.json: s: must be \"a\", \"b\" or \"c\"");
  auto keys = [&](const FieldReader& r) { r.object(j, "", {"n", "s", "b", "neg"}); };
  CHECK(error_of(kExplained, keys) == "f.json: f: unknown field (expected one of: n, s, b, neg)");
  CHECK(error_of(kTerse, keys) == "f.json: f: unknown field (typo?)");
  auto missing = [&](const FieldReader& r) { r.required(j, "", "zz"); };
  CHECK(error_of(kExplained, missing) == "f.json: zz: missing required field");
  CHECK(error_of(kTerse, missing) == "f.json: zz: missing");
  auto boolean = [&](const FieldReader& r) { r.boolean(j["s"], "s"); };
  CHECK(error_of(kTerse, boolean) == "f.json: s: must be true or false");
  auto num = [&](const FieldReader& r) { r.number(j["f"], "f", 0, 1); };
  CHECK(error_of(kExplained, num) == "f.json: f: must be from 0 to 1, got 1.5");

  const FieldReader r("f.json", kExplained);
  CHECK(r.uint(j["n"], "n", 0, 9) == 5);
  CHECK(r.boolean(j["b"], "b"));
  CHECK(FieldReader::optional(j, "zz") == nullptr);
  CHECK(r.duration(json("250ms"), "d") == 250'000'000);
  CHECK(r.duration(json(1.5), "d") == 1'500'000'000);
  CHECK(r.duration(json("-2s"), "d", true) == -2'000'000'000);
  CHECK_THROWS_WITH(r.duration(json("-2s"), "d"), "f.json: d: must not be negative, got \"-2s\"");
  CHECK_THROWS_WITH(r.duration(json("2"), "d"), Catch::Contains("(units ns, us, ms, s, m, h)"));
}

TEST_CASE("field reader: errors go out as the caller's own exception") {
  const FieldReader r("f.json", kTerse, &raise_custom);
  CHECK_THROWS_AS(r.fail("x", "why"), Custom);
  CHECK_THROWS_WITH(r.string(json(1), "a.b"), "f.json|a.b|must be a string");
}

TEST_CASE("strategy spec: describe() names strategies as results do - make_strategy builds them") {
  StrategySpec s;
  CHECK(s.kind == StrategySpec::Kind::Flooding);
  CHECK(s.describe() == "flooding");
  CHECK(std::string(s.name()) == "flooding");
  CHECK(herd::make_strategy(s, 1)->name() == "flooding");
  s.kind = StrategySpec::Kind::Gossip;
  CHECK(s.describe() == "gossip(fanout=2)");
  s.fanout = 7;
  CHECK(s.describe() == "gossip(fanout=7)");
  CHECK(std::string(s.name()) == "gossip");
  CHECK(herd::make_strategy(s, 1)->name() == "gossip");
}

TEST_CASE("strategy json: the same syntax and errors wherever it appears") {
  const FieldReader r("f.json", kExplained);
  CHECK(herd::read_strategy(r, json("flooding"), "strategy") == StrategySpec{});
  const auto g = herd::read_strategy(r, json::parse(R"({"name": "gossip", "fanout": 5})"), "strategy");
  CHECK(g.kind == StrategySpec::Kind::Gossip);
  CHECK(g.fanout == 5);
  CHECK(herd::read_strategy(r, json("gossip"), "strategy").fanout == 2);
  // Anti-entropy: off unless asked (scenarios), or a caller's default (live
  // herd configs), which "off" turns off.
  CHECK(herd::read_strategy(r, json("flooding"), "strategy").anti_entropy_interval == 0);
  CHECK(herd::read_strategy(r, json("flooding"), "strategy", 7'000'000).anti_entropy_interval == 7'000'000);
  CHECK(herd::read_strategy(r, json::parse(R"({"name": "gossip"})"), "strategy", 7'000'000).anti_entropy_interval ==
        7'000'000);
  CHECK(herd::read_strategy(r, json::parse(R"({"name": "flooding", "anti_entropy": "off"})"), "strategy", 7'000'000) ==
        StrategySpec{});
  CHECK(herd::read_strategy(r, json::parse(R"({"name": "flooding", "anti_entropy": {"interval": "2s"}})"), "strategy",
                            7'000'000)
            .anti_entropy_interval == 2'000'000'000);
  auto read = [](const char* text) {
    return [text](const FieldReader& fr) { herd::read_strategy(fr, json::parse(text), "x.strategy"); };
  };
  CHECK(error_of(kExplained, read(R"({"name": "gossip", "fanout": 1001})")) ==
        "f.json: x.strategy.fanout: must be from 1 to 1000, got 1001");
  CHECK(error_of(kTerse, read(R"({"name": "gossip", "fanout": 0})")) ==
        "f.json: x.strategy.fanout: must be between 1 and 1000");
  CHECK(error_of(kTerse, read(R"({"name": "flooding", "fanout": 2})")) ==
        "f.json: x.strategy.fanout: only the gossip strategy takes a fanout");
  CHECK(error_of(kTerse, read(R"("epidemic")")) == "f.json: x.strategy: must be \"flooding\", \"gossip\" or \"plumtree\"");
}
