// Whole herds over real TCP on loopback: flooding end to end on every
// five-server preset, a middle server killed and restarted, and the logs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <thread>

#include "test_live_support.h"
#include "topology/presets.h"

using namespace herd::live;
using namespace herd::live::test;

namespace {
// The server farthest (in hops) from the first one of the preset.
std::string far_end(const std::string& preset) {
  const auto t = herd::topology_of(*herd::find_preset(preset));
  const auto adj = t.adjacency();
  std::vector<int> d(t.size(), -1);
  std::vector<std::size_t> q{0};
  d[0] = 0;
  for (std::size_t k = 0; k < q.size(); ++k) {
    for (auto v : adj[q[k]]) {
      if (d[v] < 0) {
        d[v] = d[q[k]] + 1;
        q.push_back(v);
      }
    }
  }
  return t.names[static_cast<std::size_t>(std::max_element(d.begin(), d.end()) - d.begin())];
}
}  // namespace

TEST_CASE("IAMAT at one end of each preset - WHATSAT at the far end returns the origin's AT line") {
  for (const auto& preset : herd::presets()) {
    DYNAMIC_SECTION(preset.name) {
      TestHerd herd(preset_config(preset.name));
      const std::string origin = preset.servers.front();
      const std::string far = far_end(preset.name);
      REQUIRE(far != origin);
      const std::string at = ask(herd.port(origin), "IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503");
      REQUIRE(at.starts_with("AT " + origin + " "));
      CHECK(eventually([&] { return whatsat_at_line(herd.port(far), "kiwi.cs.ucla.edu") == at; }));
      // Every server converges on the same line.
      for (const auto& s : preset.servers) {
        CHECK(eventually([&] { return whatsat_at_line(herd.port(s), "kiwi.cs.ucla.edu") == at; }));
      }
    }
  }
}

TEST_CASE("kill a middle server - the rest keep answering and flooding - restart it and it catches up") {
  // hill: Hill-Jaquez, Hill-Smith, Singleton-Jaquez, Singleton-Smith,
  // Singleton-Campbell, Smith-Campbell. Without Smith, Hill still reaches
  // Campbell through Jaquez and Singleton. Anti-entropy off: this is what
  // flooding alone does (test_live_anti_entropy.cpp has the catch-up).
  auto cfg = preset_config("hill");
  cfg.strategy.anti_entropy_interval = 0;
  TestHerd herd(cfg);
  herd.kill("Smith");
  REQUIRE(eventually([&] {
    for (const char* n : {"Hill", "Singleton", "Campbell"}) {
      for (const auto& p : herd.server(n).status().peers_up) {
        if (p == "Smith") return false;
      }
    }
    return true;
  }));

  const std::string at1 = ask(herd.port("Hill"), "IAMAT kiwi +1+2 1621464900");
  REQUIRE(at1.starts_with("AT Hill "));
  CHECK(eventually([&] { return whatsat_at_line(herd.port("Campbell"), "kiwi") == at1; }));
  // The other direction too: the survivors still flood.
  const std::string at2 = ask(herd.port("Campbell"), "IAMAT pear +3+4 1621464900");
  CHECK(eventually([&] { return whatsat_at_line(herd.port("Hill"), "pear") == at2; }));

  herd.restart("Smith");
  REQUIRE(eventually([&] { return herd.links_up(); }));
  CHECK(herd.server("Smith").status().peers_up == std::vector<std::string>{"Campbell", "Hill", "Singleton"});
  // It starts empty (a new process would) and learns new reports.
  CHECK(whatsat_at_line(herd.port("Smith"), "kiwi") == "? WHATSAT kiwi 10 3");
  const std::string at3 = ask(herd.port("Hill"), "IAMAT kiwi +5+6 1621464901");
  CHECK(eventually([&] { return whatsat_at_line(herd.port("Smith"), "kiwi") == at3; }));
  // And what it hears floods out through it.
  const std::string at4 = ask(herd.port("Smith"), "IAMAT fig +7+8 1621464901");
  for (const char* n : {"Hill", "Jaquez", "Singleton", "Campbell"}) {
    CHECK(eventually([&] { return whatsat_at_line(herd.port(n), "fig") == at4; }));
  }
}

TEST_CASE("the log has every line in and out and every peer connect and drop, timestamped") {
  auto cfg = preset_config("hill");
  cfg.log_dir = temp_dir("logs");
  // Address mode, which the log warns about (checked below).
  cfg.peer_auth = PeerAuth::Address;
  cfg.secret.clear();
  TestHerd herd(cfg);
  const std::string at = ask(herd.port("Hill"), "IAMAT kiwi +1+2 1621464827");
  REQUIRE(eventually([&] { return whatsat_at_line(herd.port("Smith"), "kiwi") == at; }));
  const auto hill_log = herd.server("Hill").log_path();
  const auto smith_log = herd.server("Smith").log_path();
  herd.kill("Jaquez");
  REQUIRE(eventually([&] { return herd.server("Hill").status().peers_up == std::vector<std::string>{"Smith"}; }));
  herd.kill("Hill");  // stopping flushes its log
  const std::string hill = read_file(hill_log);
  CHECK(hill.find("< IAMAT kiwi +1+2 1621464827\n") != std::string::npos);
  CHECK(hill.find("> " + at + "\n") != std::string::npos);
  CHECK(hill.find("peer Jaquez up (outbound") != std::string::npos);
  CHECK(hill.find("peer Jaquez > UPDATE 1 " + at + "\n") != std::string::npos);
  CHECK(hill.find("peer Jaquez down: ") != std::string::npos);
  CHECK(hill.find("warning: no shared secret") != std::string::npos);
  // Timestamps: every line starts with an ISO 8601 UTC time.
  CHECK(hill.size() > 28);
  CHECK(hill[4] == '-');
  CHECK(hill[10] == 'T');
  CHECK(hill[26] == 'Z');
  REQUIRE(eventually([&] { return read_file(smith_log).find("< UPDATE 1 " + at) != std::string::npos; }));
}

TEST_CASE("a cut link stays down both ways until restored - reports flood around it, then across it") {
  // hill: Campbell's links are Singleton and Smith. Cutting both isolates it.
  TestHerd herd(preset_config("hill"));
  for (const char* n : {"Singleton", "Smith"}) {
    herd.server("Campbell").set_link_cut(n, true);
    herd.server(n).set_link_cut("Campbell", true);
  }
  auto has_peer = [&](const char* server, const char* peer) {
    const auto st = herd.server(server).status();
    return std::find(st.peers_up.begin(), st.peers_up.end(), peer) != st.peers_up.end() ||
           std::find(st.peers_inbound.begin(), st.peers_inbound.end(), peer) != st.peers_inbound.end();
  };
  CHECK(herd.server("Campbell").status().peers_up.empty());
  CHECK(eventually([&] { return !has_peer("Singleton", "Campbell") && !has_peer("Smith", "Campbell"); }));

  // Still cut after several back-off periods: nobody redials across it.
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  CHECK(herd.server("Campbell").status().peers_up.empty());
  CHECK_FALSE(has_peer("Singleton", "Campbell"));
  CHECK(herd.server("Campbell").status().peers_inbound.empty());

  const std::string at1 = ask(herd.port("Hill"), "IAMAT kiwi +1+2 1621464900");
  CHECK(eventually([&] { return whatsat_at_line(herd.port("Singleton"), "kiwi") == at1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(whatsat_at_line(herd.port("Campbell"), "kiwi") == "? WHATSAT kiwi 10 3");  // never crossed

  // One side restored is not enough: the other still refuses and does not dial.
  herd.server("Campbell").set_link_cut("Smith", false);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK_FALSE(has_peer("Smith", "Campbell"));
  herd.server("Smith").set_link_cut("Campbell", false);
  herd.server("Campbell").set_link_cut("Singleton", false);
  herd.server("Singleton").set_link_cut("Campbell", false);
  REQUIRE(eventually([&] { return herd.links_up(); }));
  const std::string at2 = ask(herd.port("Hill"), "IAMAT kiwi +3+4 1621464901");
  CHECK(eventually([&] { return whatsat_at_line(herd.port("Campbell"), "kiwi") == at2; }));
  CHECK_THROWS_AS(herd.server("Campbell").set_link_cut("Hill", true), std::invalid_argument);  // not a neighbour
}
