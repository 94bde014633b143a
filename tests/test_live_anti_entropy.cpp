// Anti-entropy live, on loopback: a healed partition and a restarted server
// catch up with no new client reports, within one interval and a margin;
// with anti-entropy off (the control) they stay stale.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test_live_support.h"

using namespace herd::live;
using namespace herd::live::test;

namespace {

using Clock = std::chrono::steady_clock;
const std::vector<std::string> kHill = {"Hill", "Jaquez", "Smith", "Campbell", "Singleton"};

HerdConfig hill_with_anti_entropy(herd::Nanos interval) {
  auto cfg = preset_config("hill");
  cfg.strategy.anti_entropy_interval = interval;
  return cfg;
}

// Client -> AT line, one report per client, made at `servers` in turn.
std::map<std::string, std::string> report(TestHerd& herd, const std::vector<std::string>& servers, int per_server,
                                          const std::string& tag) {
  std::map<std::string, std::string> at;
  for (const auto& s : servers) {
    for (int i = 0; i < per_server; ++i) {
      const std::string client = tag + "-" + s + "-" + std::to_string(i);
      at[client] = ask(herd.port(s), "IAMAT " + client + " +34.068930-118.445127 1621464827." + std::to_string(100 + i));
      REQUIRE(at[client].starts_with("AT " + s + " "));
    }
  }
  return at;
}

// How many of `at` `server` answers with exactly that AT line.
std::size_t holds(TestHerd& herd, const std::string& server, const std::map<std::string, std::string>& at) {
  std::size_t n = 0;
  for (const auto& [client, line] : at) n += whatsat_at_line(herd.port(server), client) == line;
  return n;
}

bool everyone_holds(TestHerd& herd, const std::map<std::string, std::string>& at) {
  for (const auto& s : kHill) {
    if (holds(herd, s, at) != at.size()) return false;
  }
  return true;
}

// hill split in two: {Hill, Jaquez} | {Smith, Campbell, Singleton}.
const std::vector<std::pair<std::string, std::string>> kSplit = {{"Hill", "Smith"}, {"Jaquez", "Singleton"}};

void set_split(TestHerd& herd, bool cut) {
  for (const auto& [a, b] : kSplit) {
    herd.server(a).set_link_cut(b, cut);
    herd.server(b).set_link_cut(a, cut);
  }
}

// Now, as the server log stamps its lines ("2026-11-23T09:16:17.488432Z"):
// fixed width, so later stamps compare greater as strings.
std::string log_stamp_now() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  const std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(us % 1'000'000));
  return buf;
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

TEST_CASE("anti-entropy live: after a partition heals, both sides catch up with no new reports within a round") {
  const herd::Nanos interval = 300'000'000;
  for (const bool on : {true, false}) {
    INFO((on ? "anti-entropy on" : "anti-entropy off (control)"));
    TestHerd herd(hill_with_anti_entropy(on ? interval : 0));
    set_split(herd, true);
    REQUIRE(eventually([&] { return herd.server("Hill").status().peers_up.size() == 1; }));
    const auto at = report(herd, {"Hill", "Smith"}, 20, "split");
    // Each side has its own half and none of the other's.
    REQUIRE(eventually([&] { return holds(herd, "Jaquez", at) == 20 && holds(herd, "Singleton", at) == 20; }));
    CHECK(holds(herd, "Campbell", at) == 20);

    set_split(herd, false);
    REQUIRE(eventually([&] { return herd.links_up(); }));
    const auto healed = Clock::now();
    // One round: the peer-up round starts within interval/4, periodic ones
    // every <= 1.25 x interval; the margin is for a loaded machine.
    const bool caught_up = eventually([&] { return everyone_holds(herd, at); },
                                      std::chrono::milliseconds(on ? 2000 : 1500));
    if (on) {
      CHECK(caught_up);
      WARN("caught up " << seconds_since(healed) << " s after the links were back");
    } else {
      CHECK_FALSE(caught_up);
      CHECK(holds(herd, "Campbell", at) == 20);  // still only its own side's
    }
  }
}

TEST_CASE("anti-entropy live: a server restarted with an empty table learns every client from its neighbours") {
  const herd::Nanos interval = 300'000'000;
  for (const bool on : {true, false}) {
    INFO((on ? "anti-entropy on" : "anti-entropy off (control)"));
    TestHerd herd(hill_with_anti_entropy(on ? interval : 0));
    herd.kill("Smith");
    const auto at = report(herd, {"Hill", "Campbell", "Singleton"}, 15, "while-down");
    REQUIRE(eventually([&] { return holds(herd, "Jaquez", at) == at.size(); }));
    herd.restart("Smith");  // in memory only: it starts knowing nothing
    const auto back = Clock::now();
    const bool caught_up = eventually([&] { return holds(herd, "Smith", at) == at.size(); },
                                      std::chrono::milliseconds(on ? 2000 : 1500));
    if (on) {
      CHECK(caught_up);
      WARN("caught up " << seconds_since(back) << " s after its restart");
    } else {
      CHECK_FALSE(caught_up);
      CHECK(holds(herd, "Smith", at) == 0);
    }
  }
}

TEST_CASE("anti-entropy live: equal tables cost one short digest line per round and neighbour, nothing more") {
  // A server's log of lines in and out shows every peer message it sends.
  auto cfg = hill_with_anti_entropy(100'000'000);
  const std::string dir = temp_dir("ae-idle");
  cfg.log_dir = dir;
  TestHerd herd(cfg);
  const auto at = report(herd, {"Hill"}, 50, "idle");
  REQUIRE(eventually([&] { return everyone_holds(herd, at); }));
  // A round that overlapped the reports' flood may have descended; count
  // from when the tables are equal and those rounds are over.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::string from = log_stamp_now();
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  herd.kill("Hill");  // flushes its log
  std::size_t digests = 0, other = 0, longest = 0;
  std::istringstream log(read_file(dir + "/Hill.log"));
  for (std::string line; std::getline(log, line);) {
    const auto out = line.find(" > ");
    if (out == std::string::npos || line.compare(0, from.size(), from) < 0) continue;
    const std::string sent = line.substr(out + 3);
    if (sent.starts_with("AE-DIGEST ")) {
      ++digests;
      longest = std::max(longest, sent.size());
    } else if (sent.starts_with("AE-")) {
      ++other;
    }
  }
  // About 1 s / 100 ms rounds x 2 neighbours, give or take jitter.
  CHECK(digests >= 10);
  CHECK(longest < 100);
  CHECK(other == 0);
  WARN(digests << " digest lines, longest " << longest << " bytes, " << other << " other anti-entropy lines");
}
