// The herd config's fields one by one: defaults, values read, and the
// error (file, field, reason) for each out-of-range or wrong value.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/asio/herd_config.h"
#include "herd/strategy_spec.h"
#include "test_live_support.h"

using namespace herd::live;
using namespace herd::live::test;

TEST_CASE("bad configs name the file, the field and the reason") {
  struct Case {
    std::string text, expect;
  };
  const std::vector<Case> cases = {
      {"{", "herd.json: (json): not valid JSON"},
      {"[]", "herd.json: (top level): must be an object"},
      {"{}", "herd.json: servers: give exactly one of"},
      {R"({"servers": []})", "herd.json: servers: must be a non-empty array"},
      {R"({"servers": [{"port": 1, "peer_port": 2}]})", "herd.json: servers[0].name: missing"},
      {R"({"servers": [{"name": "A", "peer_port": 2}]})", "herd.json: servers[0].port: missing"},
      {R"({"servers": [{"name": "A", "port": 70000, "peer_port": 2}]})", "herd.json: servers[0].port: must be between 0 and 65535"},
      {R"({"servers": [{"name": "A", "port": "x", "peer_port": 2}]})", "herd.json: servers[0].port: must be an integer"},
      {R"({"servers": [{"name": "A B", "port": 1, "peer_port": 2}]})", "herd.json: servers[0].name: must be 1-64 bytes"},
      {R"({"servers": [{"name": "A", "port": 1, "peer_port": 2, "nieghbours": []}]})", "herd.json: servers[0].nieghbours: unknown field"},
      {R"({"servers": [{"name": "A", "port": 1, "peer_port": 2, "port": 3}]})", "herd.json: servers[0].port: the key \"port\" appears twice"},
      {R"({"servers": [{"name": "A", "port": 1, "peer_port": 2, "neighbours": ["Z"]}]})", "herd.json: servers[0].neighbours[0]: no server named 'Z'"},
      {R"({"servers": [{"name": "A", "port": 1, "peer_port": 2, "neighbours": ["A"]}]})", "herd.json: servers[0].neighbours[0]: a server cannot be its own neighbour"},
      {R"({"servers": [{"name": "A", "port": 1, "peer_port": 2, "neighbours": ["B"]}, {"name": "B", "port": 3, "peer_port": 4}]})",
       "herd.json: servers[0].neighbours[0]: 'B' does not list 'A' back"},
      {R"({"servers": [{"name": "A", "port": 1, "peer_port": 2}, {"name": "A", "port": 3, "peer_port": 4}]})", "herd.json: servers[1].name: duplicate server name 'A'"},
      {R"({"servers": [{"name": "A", "port": 1, "peer_port": 2}, {"name": "B", "port": 2, "peer_port": 4}]})", "herd.json: servers[1].port: 127.0.0.1:2 is used twice"},
      {R"({"preset": "hilly", "base_port": 1})", "herd.json: preset: unknown preset 'hilly'"},
      {R"({"preset": "hill"})", "herd.json: base_port: missing"},
      {R"({"preset": "hill", "base_port": 1, "servers": []})", "herd.json: servers: give exactly one of"},
      {R"({"preset": "hill", "base_port": 1, "places": {"provider": "bing"}})", "herd.json: places.provider: must be"},
      {R"({"preset": "hill", "base_port": 1, "places": {"timeout_ms": 5}})", "herd.json: places.timeout_ms: must be between 100"},
      {R"({"preset": "hill", "base_port": 1, "places": {"ca_file": 7}})", "herd.json: places.ca_file: must be a string"},
      {R"({"preset": "hill", "base_port": 1, "limits": {"max_connections": 0}})", "herd.json: limits.max_connections: must be between 1"},
      {R"({"preset": "hill", "base_port": 1, "limits": {"max_line_bytes": 9999}})", "herd.json: limits.max_line_bytes: unknown field"},
      {R"({"preset": "hill", "base_port": 1, "limits": {"reconnect_initial_ms": 10, "reconnect_max_ms": 5}})", "herd.json: limits.reconnect_initial_ms: must not exceed"},
      {R"({"preset": "hill", "base_port": 1, "log_lines": "yes"})", "herd.json: log_lines: must be true or false"},
      {R"({"preset": "hill", "base_port": 1, "secret": "short"})", "herd.json: secret: must be at least 16 bytes"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const std::string err = error_of(c.text);
    CHECK_THAT(err, Catch::Matchers::StartsWith(c.expect));
  }
  // The secret from the environment is checked (and named) too, and wins.
  CHECK_THAT(error_of(kTwo, std::string("tiny")), Catch::Matchers::StartsWith("herd.json: secret (from $HERD_SECRET): must be at least"));
  CHECK(parse_herd_config(kTwo, "h", std::string(20, 's')).secret == std::string(20, 's'));
}

TEST_CASE("new herd config fields have their documented defaults") {
  const auto c = parse_herd_config(kTwo, "herd.json");
  CHECK(c.peer_auth == PeerAuth::Hmac);
  CHECK(c.secret.empty());
  CHECK(c.secret_file.empty());  // only load_herd_config knows the file's path
  CHECK(c.data_dir.empty());
  CHECK(c.durability == Durability::Batch);
  CHECK(c.log_max_bytes == 67108864u);
  CHECK(c.log_keep == 4u);
  CHECK(c.limits.max_future_skew_ms == 86400000u);
  CHECK(c.limits.max_clients == 100000u);
  CHECK(c.limits.max_client_bytes == 16777216u);
  CHECK(c.limits.max_connections_per_source == 512u);
  CHECK(c.limits.max_pending_peers == 16u);
  CHECK(c.limits.log_queue_bytes == 8388608u);
  // The same defaults without any config file at all (tests, herd_live_bench).
  const HerdConfig plain;
  CHECK(plain.peer_auth == PeerAuth::Hmac);
  CHECK(plain.durability == Durability::Batch);
  CHECK(plain.log_max_bytes == c.log_max_bytes);
  CHECK(plain.limits.max_connections_per_source == 512u);
}

TEST_CASE("absolute log_dir and data_dir are kept as written") {
  const auto c = parse_herd_config(R"({"preset": "hill", "base_port": 1, "log_dir": "/var/log/herd",
      "data_dir": "/srv/herd"})", "conf/herd.json");
  CHECK(c.log_dir == "/var/log/herd");
  CHECK(c.data_dir == "/srv/herd");
}

TEST_CASE("new herd config fields are read") {
  const auto c = parse_herd_config(R"({"preset": "hill", "base_port": 1, "peer_auth": "address",
      "data_dir": "data/x", "log_dir": "../logs/x", "durability": "fsync", "log_max_bytes": 4096, "log_keep": 100, "secret_file": "s/x.secret",
      "limits": {"max_future_skew_ms": 1000, "max_clients": 7, "max_client_bytes": 4096,
                 "max_connections_per_source": 3, "max_pending_peers": 1024, "log_queue_bytes": 65536}})",
                                   "conf/herd.json");
  CHECK(c.peer_auth == PeerAuth::Address);
  // Relative to the config's directory (issue 12), as secret_file is.
  CHECK(c.data_dir == "conf/data/x");
  CHECK(c.log_dir == "logs/x");
  CHECK(c.durability == Durability::Fsync);
  CHECK(c.log_max_bytes == 4096u);
  CHECK(c.log_keep == 100u);
  CHECK(c.secret_file == "conf/s/x.secret");  // relative to the config's directory
  CHECK(c.limits.max_future_skew_ms == 1000u);
  CHECK(c.limits.max_clients == 7u);
  CHECK(c.limits.max_client_bytes == 4096u);
  CHECK(c.limits.max_connections_per_source == 3u);
  CHECK(c.limits.max_pending_peers == 1024u);
  CHECK(c.limits.log_queue_bytes == 65536u);
  CHECK(parse_herd_config(R"({"preset": "hill", "base_port": 1, "durability": "off", "secret_file": "/etc/h.secret"})",
                          "conf/herd.json")
            .secret_file == "/etc/h.secret");
  CHECK(parse_herd_config(R"({"preset": "hill", "base_port": 1, "durability": "off"})", "h").durability == Durability::Off);
  // Address mode ignores a secret, from the file or the environment.
  const auto a = parse_herd_config(R"({"preset": "hill", "base_port": 1, "peer_auth": "address", "secret": "x"})", "h",
                                   std::string(20, 's'));
  CHECK(a.secret.empty());
}

TEST_CASE("the strategy field: flooding with anti-entropy by default, the scenario's syntax, worded as configs are") {
  using herd::StrategySpec;
  const StrategySpec healing{StrategySpec::Kind::Flooding, StrategySpec::kDefaultFanout, kLiveAntiEntropyInterval};
  CHECK(parse_herd_config(kTwo, "herd.json").strategy == healing);
  CHECK(HerdConfig{}.strategy == healing);
  CHECK(healing.describe() == "flooding+anti_entropy(interval=1s)");
  const std::string p = R"({"preset": "hill", "base_port": 1, "strategy": )";
  const auto g = parse_herd_config(p + R"({"name": "gossip", "fanout": 3}})", "h.json").strategy;
  CHECK(g.kind == StrategySpec::Kind::Gossip);
  CHECK(g.fanout == 3);
  // A strategy that does not mention anti-entropy gets the live default...
  CHECK(parse_herd_config(p + R"("gossip"})", "h.json").strategy.describe() == "gossip(fanout=2)+anti_entropy(interval=1s)");
  CHECK(parse_herd_config(p + R"("flooding"})", "h.json").strategy.describe() == "flooding+anti_entropy(interval=1s)");
  // ...its own interval, or none.
  CHECK(parse_herd_config(p + R"({"name": "flooding", "anti_entropy": {"interval": "250ms"}}})", "h.json")
            .strategy.describe() == "flooding+anti_entropy(interval=250ms)");
  CHECK(parse_herd_config(p + R"({"name": "flooding", "anti_entropy": "off"}})", "h.json").strategy == StrategySpec{});
  CHECK(error_of(p + R"({"name": "flooding", "anti_entropy": "on"}})") ==
        "herd.json: strategy.anti_entropy: must be \"off\"");
  CHECK(error_of(p + R"({"name": "flooding", "anti_entropy": {"interval": "0s"}}})") ==
        "herd.json: strategy.anti_entropy.interval: must be from 1ms to 1h");
  CHECK(error_of(p + R"("epidemic"})") == "herd.json: strategy: must be \"flooding\", \"gossip\" or \"plumtree\"");
  CHECK(error_of(p + R"({"name": "gossip", "fanout": 0}})") == "herd.json: strategy.fanout: must be between 1 and 1000");
  CHECK(error_of(p + R"({"name": "flooding", "fanout": 2}})") ==
        "herd.json: strategy.fanout: only the gossip strategy takes a fanout");
  CHECK(error_of(p + R"({"nmae": "gossip"}})") == "herd.json: strategy.nmae: unknown field (typo?)");
}

TEST_CASE("new herd config fields: out-of-range and wrong values name the field") {
  const std::string p = R"({"preset": "hill", "base_port": 1, )";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("peer_auth": "none")", "herd.json: peer_auth: must be \"hmac\" or \"address\""},
      {R"("peer_auth": 1)", "herd.json: peer_auth: must be a string"},
      {R"("durability": "sometimes")", "herd.json: durability: must be \"fsync\", \"batch\" or \"off\""},
      {R"("data_dir": 5)", "herd.json: data_dir: must be a string"},
      {R"("data_dir": "")", "herd.json: data_dir: must not be empty"},
      {R"("secret_file": "")", "herd.json: secret_file: must not be empty"},
      {R"("secret_file": [])", "herd.json: secret_file: must be a string"},
      {R"("log_max_bytes": 4095)", "herd.json: log_max_bytes: must be between 4096 and 1099511627776"},
      {R"("log_max_bytes": 1099511627777)", "herd.json: log_max_bytes: must be between 4096 and"},
      {R"("log_keep": 0)", "herd.json: log_keep: must be between 1 and 100"},
      {R"("log_keep": 101)", "herd.json: log_keep: must be between 1 and 100"},
      {R"("limits": {"max_future_skew_ms": 999})", "herd.json: limits.max_future_skew_ms: must be between 1000 and 315360000000"},
      {R"("limits": {"max_future_skew_ms": 315360000001})", "herd.json: limits.max_future_skew_ms: must be between 1000"},
      {R"("limits": {"max_clients": 0})", "herd.json: limits.max_clients: must be between 1 and 100000000"},
      {R"("limits": {"max_clients": 100000001})", "herd.json: limits.max_clients: must be between 1"},
      {R"("limits": {"max_client_bytes": 4095})", "herd.json: limits.max_client_bytes: must be between 4096 and 68719476736"},
      {R"("limits": {"max_client_bytes": 68719476737})", "herd.json: limits.max_client_bytes: must be between 4096"},
      {R"("limits": {"max_connections_per_source": 0})", "herd.json: limits.max_connections_per_source: must be between 1 and 1000000"},
      {R"("limits": {"max_connections_per_source": 1000001})", "herd.json: limits.max_connections_per_source: must be between 1"},
      {R"("limits": {"max_connections": 100, "max_connections_per_source": 101})",
       "herd.json: limits.max_connections_per_source: must not exceed limits.max_connections (100)"},
      {R"("limits": {"max_pending_peers": 0})", "herd.json: limits.max_pending_peers: must be between 1 and 1024"},
      {R"("limits": {"max_pending_peers": 1025})", "herd.json: limits.max_pending_peers: must be between 1 and 1024"},
      {R"("limits": {"log_queue_bytes": 65535})", "herd.json: limits.log_queue_bytes: must be between 65536 and 4294967296"},
      {R"("limits": {"log_queue_bytes": 4294967297})", "herd.json: limits.log_queue_bytes: must be between 65536"},
      {R"("limits": {"max_clients": 1.5})", "herd.json: limits.max_clients: must be an integer"},
  };
  for (const auto& [field, expect] : cases) {
    INFO(field);
    CHECK_THAT(error_of(p + field + "}"), Catch::Matchers::StartsWith(expect));
  }
  // Lowering only max_connections lowers the per-source default with it.
  CHECK(parse_herd_config(p + R"("limits": {"max_connections": 100}})", "h").limits.max_connections_per_source == 100u);
  CHECK(parse_herd_config(p + R"("limits": {"max_connections": 100, "max_connections_per_source": 100}})", "h")
            .limits.max_connections_per_source == 100u);
}
