// Every kind of scenario mistake gets an error naming the file, the field
// path and the reason.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/scenario_loader.h"

using herd::sim::parse_scenario_text;
using herd::sim::ScenarioError;

namespace {

// A valid scenario with `extra` (top-level fields) merged in, replacing
// fields of the same name (a file may not repeat a key).
std::string base(const std::string& extra = "") {
  auto doc = nlohmann::json::parse(R"({"name": "t", "duration": "10s", "topology": {"preset": "hill"}})");
  if (!extra.empty()) doc.update(nlohmann::json::parse("{" + extra + "}"));
  return doc.dump();
}

// The error for `text`, checking its file, field and reason.
void expect_error(const std::string& text, const std::string& field, const std::string& reason_part) {
  INFO(text);
  try {
    parse_scenario_text(text, "bad.json");
    FAIL("no error for a bad scenario");
  } catch (const ScenarioError& e) {
    CHECK(e.file() == "bad.json");
    CHECK(e.field() == field);
    CHECK_THAT(e.reason(), Catch::Contains(reason_part));
    CHECK_THAT(std::string(e.what()), Catch::StartsWith("bad.json: " + (field.empty() ? "(top level)" : field) + ": "));
  }
}

}  // namespace

TEST_CASE("the base scenario is valid - with defaults filled in") {
  const auto points = parse_scenario_text(base(), "ok.json");
  REQUIRE(points.size() == 1);
  CHECK(points[0].seeds == std::vector<std::uint64_t>{1});
  CHECK(points[0].duration == 10'000'000'000);
  CHECK(points[0].strategy == herd::StrategySpec{});
  CHECK(points[0].strategy.describe() == "flooding");
  CHECK(points[0].sweep_point == "{}");
}

TEST_CASE("not JSON - or not an object") {
  expect_error("{\"name\": \"t\",\n  \"duration\": }", "", "not valid JSON at line 2");
  expect_error("[1, 2]", "", "a scenario is a JSON object");
}

TEST_CASE("missing required fields") {
  expect_error(R"({"duration": "1s", "topology": {"preset": "hill"}})", "name", "missing required field");
  expect_error(R"({"name": "t", "topology": {"preset": "hill"}})", "duration", "missing required field");
  expect_error(R"({"name": "t", "duration": "1s"})", "topology", "missing required field");
  expect_error(base(R"("topology": {"kind": "ring"})"), "topology.n", "missing required field");
  expect_error(base(R"("faults": [{"kind": "crash", "node": "Hill"}])"), "faults[0].at", "missing required field");
}

TEST_CASE("unknown fields (typos) are named") {
  expect_error(base(R"("clinets": {})"), "clinets", "unknown field");
  expect_error(base(R"("clients": {"count": 3, "rate": 2})"), "clients.rate", "unknown field");
  expect_error(base(R"("network": {"latency": {"model": "constant", "value": "1ms", "max": "2ms"}})"),
               "network.latency.max", "unknown field");
}

TEST_CASE("wrong types") {
  expect_error(base(R"("name": 5)"), "name", "expected a string");
  expect_error(base(R"("clients": {"count": "ten"})"), "clients.count", "expected a whole number");
  expect_error(base(R"("network": {"loss": "high"})"), "network.loss", "expected a number");
  expect_error(base(R"("faults": {"at": "1s"})"), "faults", "expected an array");
  expect_error(base(R"("faults": [{"at": true, "kind": "crash", "node": "Hill"}])"), "faults[0].at",
               "expected a duration");
}

TEST_CASE("values out of range") {
  expect_error(base(R"("network": {"loss": 1.5})"), "network.loss", "must be from 0 to 1");
  expect_error(base(R"("clients": {"radius_km": 51})"), "clients.radius_km", "must be from 1 to 50");
  expect_error(base(R"("clients": {"count": -1})"), "clients.count", "expected a whole number");
  expect_error(base(R"("duration": "0s")"), "duration", "must be positive");
  expect_error(base(R"("topology": {"kind": "small_world", "n": 100, "k": 5, "p": 0.1})"), "topology.k",
               "must be even");
  // A complete lattice cannot be rewired (Boost's generator would never return).
  expect_error(base(R"("topology": {"kind": "small_world", "n": 5, "k": 4, "p": 0.4})"), "topology.k",
               "must be less than n - 1 when p > 0");
  CHECK_NOTHROW(parse_scenario_text(base(R"("topology": {"kind": "small_world", "n": 5, "k": 4, "p": 0})"), "ok.json"));
  expect_error(base(R"("faults": [{"at": "11s", "kind": "crash", "node": "Hill"}])"), "faults[0].at",
               "after the scenario's duration");
}

TEST_CASE("bad durations and latency models") {
  expect_error(base(R"("duration": "10 seconds")"), "duration", "units ns, us, ms, s, m, h");
  expect_error(base(R"("network": {"latency": {"model": "gaussian"}})"), "network.latency.model",
               "'gaussian' is not one of");
  expect_error(base(R"("network": {"latency": {"model": "uniform", "min": "5ms", "max": "1ms"}})"),
               "network.latency.max", "must not be less than min");
  expect_error(base(R"("network": {"latency": "10ms"})"), "network.latency", "expected a latency model object");
}

TEST_CASE("names that are not in the topology") {
  expect_error(base(R"("topology": {"preset": "hills"})"), "topology.preset", "no preset named 'hills'");
  expect_error(base(R"("faults": [{"at": "1s", "kind": "crash", "node": "Bob"}])"), "faults[0].node",
               "no server named 'Bob'");
  expect_error(base(R"("faults": [{"at": "1s", "kind": "link_cut", "link": ["Hill", "Campbell"]}])"),
               "faults[0].link", "no link Hill-Campbell");
  expect_error(base(R"("topology": {"kind": "ring", "n": 5}, "clock_skew": {"nodes": {"n5": "1ms"}})"),
               "clock_skew.nodes.n5", "generated servers are n0 .. n4");
  expect_error(base(R"("topology": {"kind": "edges", "nodes": ["a", "b"], "edges": [["a", "c"]]})"),
               "topology.edges[0][1]", "no server named 'c'");
  expect_error(base(R"("topology": {"kind": "edges", "nodes": ["a", "b"], "edges": [["a", "b"], ["b", "a"]]})"),
               "topology.edges[1]", "duplicate link");
}

TEST_CASE("a fault timeline that makes no sense") {
  expect_error(base(R"("faults": [{"at": "1s", "kind": "heal", "name": "p"}])"), "faults[0].name",
               "no partition named 'p' is active");
  expect_error(base(R"("faults": [{"at": "2s", "kind": "restart", "node": "Hill"},
                                  {"at": "3s", "kind": "crash", "node": "Hill"}])"),
               "faults[0].node", "is not crashed");
  expect_error(base(R"("faults": [{"at": "1s", "kind": "partition", "name": "p", "groups": [["Hill"], ["Hill", "Smith"]]}])"),
               "faults[0].groups[1][0]", "in two groups");
}

TEST_CASE("seeds and sweeps") {
  expect_error(base(R"("seed": 1, "seeds": [2])"), "seeds", "either seed or seeds");
  expect_error(base(R"("seeds": [])"), "seeds", "non-empty array");
  expect_error(base(R"("sweep": {"network.loss": [0, 0.1]})"), "sweep.network.loss", "names no field");
  expect_error(base(R"("network": {"loss": 0}, "sweep": {"network.loss": [0, 2]})"), "network.loss",
               "in sweep point {\"network.loss\":2}");
  expect_error(base(R"("sweep": {"duration": 5})"), "sweep.duration", "non-empty array");
}

TEST_CASE("a sweep expands into its grid - the last parameter varying fastest") {
  const auto points = parse_scenario_text(
      base(R"("network": {"loss": 0}, "clients": {"count": 1}, "sweep": {"clients.count": [1, 2], "network.loss": [0, 0.5, 1]})"),
      "sweep.json");
  REQUIRE(points.size() == 6);
  CHECK(points[0].sweep_point == R"({"clients.count":1,"network.loss":0})");
  CHECK(points[1].sweep_point == R"({"clients.count":1,"network.loss":0.5})");
  CHECK(points[5].sweep_point == R"({"clients.count":2,"network.loss":1})");
  CHECK(points[4].clients.count == 2);
  CHECK(points[4].network.loss == 0.5);
}

TEST_CASE("a missing file is an error naming it") {
  CHECK_THROWS_WITH(herd::sim::load_scenario_file("/nonexistent/x.json"),
                    Catch::Contains("/nonexistent/x.json") && Catch::Contains("cannot open"));
}

TEST_CASE("a key repeated in one object is an error, named by its path") {
  expect_error(R"({"name": "t", "seed": 1, "duration": "10s", "topology": {"preset": "hill"}, "seed": 2})", "seed",
               "the key \"seed\" appears twice");
  expect_error(R"({"name": "t", "duration": "10s", "topology": {"preset": "hill"},
                  "clients": {"count": 3, "count": 4}})",
               "clients.count", "appears twice");
  expect_error(R"({"name": "t", "duration": "10s", "topology": {"preset": "hill"},
                  "faults": [{"at": "1s", "kind": "crash", "node": "Hill"},
                             {"at": "2s", "kind": "restart", "node": "Hill", "at": "3s"}]})",
               "faults[1].at", "appears twice");
  // The same key in different objects is fine.
  CHECK_NOTHROW(parse_scenario_text(R"({"name": "t", "duration": "10s", "topology": {"preset": "hill"},
      "faults": [{"at": "1s", "kind": "crash", "node": "Hill"}, {"at": "2s", "kind": "restart", "node": "Hill"}]})",
                                    "ok.json"));
}

TEST_CASE("strategy: gossip takes a fanout, flooding does not") {
  using Kind = herd::StrategySpec::Kind;
  const auto four = parse_scenario_text(base(R"("strategy": {"name": "gossip", "fanout": 4})"), "ok.json")[0].strategy;
  CHECK(four.kind == Kind::Gossip);
  CHECK(four.fanout == 4);
  CHECK(four.describe() == "gossip(fanout=4)");
  const auto plain = parse_scenario_text(base(R"("strategy": "gossip")"), "ok.json")[0].strategy;
  CHECK(plain.kind == Kind::Gossip);
  CHECK(plain.fanout == 2);
  CHECK(parse_scenario_text(base(R"("strategy": {"name": "flooding"})"), "ok.json")[0].strategy.kind == Kind::Flooding);
  expect_error(base(R"("strategy": 3)"), "strategy", "expected an object, got number");
  expect_error(base(R"("strategy": {"name": "gossip", "fan": 3})"), "strategy.fan", "unknown field (expected one of: name, fanout, graft_timeout, anti_entropy)");
  expect_error(base(R"("strategy": {"fanout": 3})"), "strategy.name", "missing required field");
  expect_error(base(R"("strategy": {"name": "gossip", "fanout": 0})"), "strategy.fanout", "must be from 1 to 1000");
  expect_error(base(R"("strategy": {"name": "flooding", "fanout": 2})"), "strategy.fanout",
               "only the gossip strategy takes a fanout");
  expect_error(base(R"("strategy": "epidemic")"), "strategy", "'epidemic' is not one of: flooding, gossip, plumtree");
}

TEST_CASE("strategy: plumtree takes a graft timeout, the others do not") {
  using Kind = herd::StrategySpec::Kind;
  const auto pt = parse_scenario_text(base(R"("strategy": {"name": "plumtree", "graft_timeout": "250ms"})"), "ok.json")[0].strategy;
  CHECK(pt.kind == Kind::Plumtree);
  CHECK(pt.graft_timeout == 250'000'000);
  CHECK(pt.describe() == "plumtree(graft_timeout=250ms)");
  const auto plain = parse_scenario_text(base(R"("strategy": "plumtree")"), "ok.json")[0].strategy;
  CHECK(plain.graft_timeout == herd::StrategySpec::kDefaultGraftTimeout);
  const auto ae = parse_scenario_text(
      base(R"("strategy": {"name": "plumtree", "anti_entropy": {"interval": "1s"}})"), "ok.json")[0].strategy;
  CHECK(ae.describe() == "plumtree(graft_timeout=100ms)+anti_entropy(interval=1s)");
  CHECK(herd::make_strategy(ae, 1)->name() == "plumtree+anti_entropy");
  expect_error(base(R"("strategy": {"name": "gossip", "graft_timeout": "1s"})"), "strategy.graft_timeout",
               "only the plumtree strategy takes a graft_timeout");
  expect_error(base(R"("strategy": {"name": "plumtree", "graft_timeout": "0s"})"), "strategy.graft_timeout",
               "must be from 1us to 60s");
  expect_error(base(R"("strategy": {"name": "plumtree", "fanout": 2})"), "strategy.fanout",
               "only the gossip strategy takes a fanout");
}

TEST_CASE("strategy: anti-entropy wraps flooding or gossip, with an interval") {
  const auto ae = parse_scenario_text(
      base(R"("strategy": {"name": "gossip", "fanout": 3, "anti_entropy": {"interval": "500ms"}})"), "ok.json")[0].strategy;
  CHECK(ae.anti_entropy_interval == 500'000'000);
  CHECK(ae.describe() == "gossip(fanout=3)+anti_entropy(interval=500ms)");
  CHECK(herd::make_strategy(ae, 1)->name() == "gossip+anti_entropy");
  expect_error(base(R"("strategy": {"name": "flooding", "anti_entropy": {}})"), "strategy.anti_entropy.interval",
               "missing required field");
  expect_error(base(R"("strategy": {"name": "flooding", "anti_entropy": {"interval": "1s", "x": 1}})"),
               "strategy.anti_entropy.x", "unknown field (expected one of: interval)");
  expect_error(base(R"("strategy": {"name": "flooding", "anti_entropy": {"interval": "10us"}})"),
               "strategy.anti_entropy.interval", "must be from 1ms to 1h");
  expect_error(base(R"("strategy": {"name": "flooding", "anti_entropy": 1})"), "strategy.anti_entropy",
               "expected an object, got number");
}

TEST_CASE("a number too large for a double is an error naming its field, not an abort") {
  expect_error(R"({"name": "x", "duration": 1e400, "topology": {"preset": "hill"}})", "duration",
               "the number 1e400 is too large");
  expect_error(R"({"name": "x", "duration": "1s", "seeds": [1, 2, -1e400], "topology": {"preset": "hill"}})",
               "seeds[2]", "the number -1e400 is too large");
  expect_error(R"({"name": "x", "duration": "1s", "topology": {"preset": "hill"},
                  "faults": [{"at": "1s", "kind": "crash", "node": "Hill"}, {"at": 2e999}]})",
               "faults[1].at", "2e999");
  expect_error(R"({"name": "x", "duration": "1s", "topology": {"preset": "hill"}, "clients": {"count": 1E+400}})",
               "clients.count", "1E+400");
  expect_error("1e400", "", "the number 1e400");
}

TEST_CASE("truncated JSON: line, column and a plain reason") {
  const std::string text = "{\"name\": \"t\",\n  \"duration\": \"1s\",\n";
  try {
    parse_scenario_text(text, "bad.json");
    FAIL("accepted");
  } catch (const ScenarioError& e) {
    CHECK(e.field().empty());
    CHECK_THAT(e.reason(), Catch::StartsWith("not valid JSON at line 3, column 1: unexpected end of input"));
    CHECK(std::string(e.what()).find("json.exception") == std::string::npos);
  }
}

TEST_CASE("an unreadable scenario file says why") {
  const auto dir = std::filesystem::temp_directory_path() / ("herd-scenario-errors-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string missing = (dir / "missing.json").string();
  try {
    herd::sim::load_scenario_file(missing);
    FAIL("accepted");
  } catch (const ScenarioError& e) {
    CHECK(std::string(e.what()) == missing + ": (top level): cannot open the file: No such file or directory");
  }
  try {
    herd::sim::load_scenario_file(dir.string());
    FAIL("accepted");
  } catch (const ScenarioError& e) {
    CHECK(std::string(e.what()) == dir.string() + ": (top level): cannot open the file: Is a directory");
  }
  std::filesystem::remove_all(dir);
}
