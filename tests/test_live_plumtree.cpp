// Plumtree live, on loopback: the same strategy the simulator runs, over
// protocol version 3 links. Every report reaches every server; after the
// tree's links prune, a killed server's neighbours graft around it.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "test_live_support.h"

using namespace herd::live;
using namespace herd::live::test;

namespace {

const std::vector<std::string> kHill = {"Hill", "Jaquez", "Smith", "Campbell", "Singleton"};

HerdConfig hill_plumtree() {
  auto cfg = preset_config("hill");
  cfg.strategy.kind = herd::StrategySpec::Kind::Plumtree;
  cfg.strategy.graft_timeout = 50'000'000;  // 50 ms: loopback hops take microseconds
  cfg.strategy.anti_entropy_interval = 0;   // the tree alone
  return cfg;
}

// Client -> AT line, `count` reports made at `server`.
std::map<std::string, std::string> report(TestHerd& herd, const std::string& server, int count, const std::string& tag) {
  std::map<std::string, std::string> at;
  for (int i = 0; i < count; ++i) {
    const std::string client = tag + "-" + std::to_string(i);
    at[client] = ask(herd.port(server), "IAMAT " + client + " +34.068930-118.445127 1621464827." + std::to_string(100 + i));
    REQUIRE(at[client].starts_with("AT " + server + " "));
  }
  return at;
}

bool holds_all(TestHerd& herd, const std::string& server, const std::map<std::string, std::string>& at) {
  for (const auto& [client, line] : at) {
    if (whatsat_at_line(herd.port(server), client) != line) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("plumtree live: reports from every server reach every server, and grafts route around a killed one") {
  TestHerd herd(hill_plumtree());
  REQUIRE(eventually([&] { return herd.links_up(); }));
  std::map<std::string, std::string> all;
  for (const auto& s : kHill) {
    const auto at = report(herd, s, 5, "from-" + s);
    all.insert(at.begin(), at.end());
  }
  for (const auto& s : kHill) {
    INFO(s);
    CHECK(eventually([&] { return holds_all(herd, s, all); }));
  }
  // Hill reaches Singleton through Jaquez or Smith; whichever the tree
  // kept, killing Smith leaves Jaquez, and the other way round.
  for (const std::string dead : {"Smith", "Jaquez"}) {
    INFO("killed " << dead);
    herd.kill(dead);
    const auto at = report(herd, "Hill", 5, "without-" + dead);
    for (const auto& s : kHill) {
      if (s == dead) continue;
      INFO(s);
      CHECK(eventually([&] { return holds_all(herd, s, at); }));
    }
    herd.restart(dead);
    REQUIRE(eventually([&] { return herd.links_up(); }));
  }
}
