// Anti-entropy in whole simulator runs: the property that it heals every
// fault timeline (and that flooding alone does not), the shipped
// partition-and-heal scenario, and what the results record of it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/virtual/random.h"
#include "sim/scenario_loader.h"
#include "test_sim_run_support.h"

using namespace herd;

namespace {

std::string ms(std::uint64_t v) { return "\"" + std::to_string(v) + "ms\""; }

// A random fault timeline on a small random connected graph, all faults
// over by `end_ms`, with loss up to 30 %; clients report until the last
// fault ends, then the run goes on `settle_ms`.
std::string random_timeline(std::uint64_t seed, bool anti_entropy, std::uint64_t settle_ms) {
  virt::Rng rng(virt::derive_seed(seed, 77));
  const std::size_t n = 3 + rng.below(5);  // 3..7 servers
  std::vector<std::string> names;
  for (std::size_t i = 0; i < n; ++i) names.push_back("s" + std::to_string(i));
  std::set<std::pair<std::size_t, std::size_t>> edges;
  for (std::size_t i = 1; i < n; ++i) edges.insert({rng.below(i), i});  // a random tree: connected
  for (std::size_t extra = rng.below(n); extra > 0; --extra) {
    const std::size_t a = rng.below(n), b = rng.below(n);
    if (a != b) edges.insert({std::min(a, b), std::max(a, b)});
  }
  const std::vector<std::pair<std::size_t, std::size_t>> links(edges.begin(), edges.end());
  std::string faults;
  auto add = [&](std::uint64_t at, const std::string& rest) {
    faults += std::string(faults.empty() ? "" : ",\n") + "{\"at\": " + ms(at) + ", " + rest + "}";
  };
  std::uint64_t last = 0;
  std::vector<bool> crashed_ever(n, false);
  const std::size_t count = 1 + rng.below(4);
  for (std::size_t f = 0; f < count; ++f) {
    const std::uint64_t from = 500 + rng.below(6000), to = from + 200 + rng.below(3000);
    last = std::max(last, to);
    switch (rng.below(3)) {
      case 0: {
        const auto [a, b] = links[rng.below(links.size())];
        const std::string link = "\"link\": [\"" + names[a] + "\", \"" + names[b] + "\"]";
        add(from, "\"kind\": \"link_cut\", " + link);
        add(to, "\"kind\": \"link_restore\", " + link);
        break;
      }
      case 1: {
        std::string group;
        for (std::size_t i = 0; i < n; ++i) {
          if (rng.below(2)) group += std::string(group.empty() ? "" : ", ") + "\"" + names[i] + "\"";
        }
        if (group.empty()) group = "\"s0\"";
        const std::string name = "p" + std::to_string(f);
        add(from, "\"kind\": \"partition\", \"name\": \"" + name + "\", \"groups\": [[" + group + "]]");
        add(to, "\"kind\": \"heal\", \"name\": \"" + name + "\"");
        break;
      }
      default: {
        const std::size_t v = rng.below(n);
        if (crashed_ever[v]) break;  // one crash per server keeps the timeline valid
        crashed_ever[v] = true;
        add(from, "\"kind\": \"crash\", \"node\": \"" + names[v] + "\"");
        add(to, "\"kind\": \"restart\", \"node\": \"" + names[v] + "\"");
      }
    }
  }
  std::string nodes, edge_list;
  for (const auto& s : names) nodes += std::string(nodes.empty() ? "" : ", ") + "\"" + s + "\"";
  for (const auto& [a, b] : links)
    edge_list += std::string(edge_list.empty() ? "" : ", ") + "[\"" + names[a] + "\", \"" + names[b] + "\"]";
  const double loss = static_cast<double>(rng.below(31)) / 100.0;
  const std::uint64_t stop = std::max<std::uint64_t>(last, 1000);
  const std::string strategy =
      anti_entropy ? R"({"name": "flooding", "anti_entropy": {"interval": "250ms"}})" : R"("flooding")";
  return "{\"name\": \"timeline-" + std::to_string(seed) + "\", \"seed\": " + std::to_string(seed) +
         ", \"duration\": " + ms(stop + settle_ms) + ",\n\"topology\": {\"kind\": \"edges\", \"nodes\": [" + nodes +
         "], \"edges\": [" + edge_list + "]},\n\"strategy\": " + strategy +
         ",\n\"network\": {\"latency\": {\"model\": \"uniform\", \"min\": \"5ms\", \"max\": \"25ms\"}, \"loss\": " +
         std::to_string(loss) + "},\n\"clients\": {\"count\": 8, \"report_interval\": \"300ms\", \"servers\": \"moving\", \"stop\": " +
         ms(stop) + "},\n\"faults\": [" + faults + "],\n\"metrics\": {\"coverage_interval\": \"100ms\"}}";
}

// Runs `json`; true if at the end every server is up and holds, for every
// client, the newest report any server holds. (The metric's consistency
// compares with the newest report *issued*; a report stored only at a
// server that crashed before passing it on is gone from the herd, and no
// protocol can bring it back, so that is not asked for here.)
bool tables_converged(const std::string& json, double* consistency = nullptr) {
  bool same = true;
  harness::RunOptions options;
  options.at_end = [&](virt::VirtualNetwork& net) {
    for (ClientId c = 0; c < net.clients().size() && same; ++c) {
      const Report* newest = nullptr;
      for (std::uint32_t v = 0; v < net.size(); ++v) {
        if (!net.node(v)) return void(same = false);
        const ReportRef* r = net.node(v)->table().find(c);
        if (r && (!newest || (*r)->newer_than(*newest))) newest = r->get();
      }
      for (std::uint32_t v = 0; v < net.size() && newest; ++v) {
        const ReportRef* r = net.node(v)->table().find(c);
        same = same && r && (*r)->at_line() == newest->at_line();
      }
    }
  };
  const auto out = simtest::run_text(json, options);
  if (consistency) *consistency = out.record.coverage.back().consistency;
  return same;
}

}  // namespace

TEST_CASE("anti-entropy: every random fault timeline converges once the faults are over, and flooding alone does not") {
  constexpr std::uint64_t kTimelines = 300, kSettleMs = 6000;  // settle: 24 rounds of 250 ms
  std::uint64_t healed = 0, flooding_healed = 0, full_consistency = 0;
  for (std::uint64_t seed = 1; seed <= kTimelines; ++seed) {
    const std::string with = random_timeline(seed, true, kSettleMs);
    INFO(with);
    double consistency = 0;
    const bool ok = tables_converged(with, &consistency);
    CHECK(ok);
    healed += ok;
    full_consistency += consistency == 1.0;
    flooding_healed += tables_converged(random_timeline(seed, false, kSettleMs));
  }
  CHECK(healed == kTimelines);
  // Consistency 1 too, but where the newest report died with a crashed server.
  CHECK(full_consistency >= kTimelines * 9 / 10);
  // The same timelines without anti-entropy: lost updates and stale
  // restarted servers stay stale (the property test must be able to fail).
  CHECK(flooding_healed < kTimelines / 2);
  WARN("converged: " << healed << " of " << kTimelines << " with anti-entropy (consistency 1.0 in "
                     << full_consistency << "), " << flooding_healed << " with flooding alone");
}

TEST_CASE("anti-entropy: the shipped partition_heal_ae scenario returns to consistency 1 after the heal") {
  const auto points = sim::load_scenario_file(std::string(HERD_SOURCE_DIR) + "/scenarios/partition_heal_ae.json");
  REQUIRE(points.size() == 1);
  sim::Scenario s = points[0];
  CHECK(s.strategy.describe() == "flooding+anti_entropy(interval=1s)");
  for (const bool anti_entropy : {true, false}) {
    if (!anti_entropy) s.strategy.anti_entropy_interval = 0;
    const auto out = harness::run_scenario(s, s.seeds.at(0), {});
    double during = 1, after = 0;
    for (const auto& c : out.record.coverage) {
      if (c.at == 19 * kNanosPerSecond) during = c.consistency;
      if (c.at == 22 * kNanosPerSecond) after = c.consistency;
    }
    INFO(anti_entropy);
    CHECK(during < 0.8);  // the split: each side misses the other's reports
    if (anti_entropy) {
      CHECK(after == 1.0);  // within 2 s of the heal at 20 s, with no new reports since 15 s
      CHECK(out.record.coverage.back().consistency == 1.0);
    } else {
      CHECK(after < 0.8);  // flooding alone never resends
    }
    // Control messages are their own kinds in the messages table; a plain
    // flooding run has none of those rows.
    bool has_digest = false, has_repair_stored = false;
    for (const auto& m : out.record.messages) {
      has_digest |= m.kind == "ae_digest_bytes" && m.count > 0;
      has_repair_stored |= m.kind == "repair_stored" && m.count > 0;
    }
    CHECK(has_digest == anti_entropy);
    CHECK(has_repair_stored == anti_entropy);
  }
}

TEST_CASE("anti-entropy: the same scenario and seed give the same run, with gossip too") {
  const std::string json = R"({"name": "ae-gossip", "seed": 5, "duration": "8s",
    "topology": {"kind": "small_world", "n": 30, "k": 4, "p": 0.2},
    "strategy": {"name": "gossip", "fanout": 1, "anti_entropy": {"interval": "500ms"}},
    "network": {"loss": 0.1},
    "clients": {"count": 20, "report_interval": "400ms", "stop": "900ms"},
    "faults": [{"at": "1s", "kind": "crash", "node": "n3"}, {"at": "3s", "kind": "restart", "node": "n3"}]})";
  const auto a = simtest::run_text(json);
  const auto b = simtest::run_text(json);
  CHECK(simtest::canonical(a.record) == simtest::canonical(b.record));
  CHECK(a.record.coverage.back().consistency == 1.0);
  // Each kind's bytes are its lines' lengths: a repair is "AE-REPAIR " and
  // an AT line of this workload, a digest at least one node.
  std::map<std::string, std::uint64_t> m;
  for (const auto& row : a.record.messages) m[row.kind] = row.count;
  REQUIRE(m["repair_sent"] > 0);
  CHECK(m["repair_bytes"] / m["repair_sent"] > 60);
  CHECK(m["repair_bytes"] / m["repair_sent"] < 120);
  CHECK(m["ae_digest_bytes"] >= m["ae_digest_sent"] * 38);
  CHECK(m["repair_delivered"] <= m["repair_sent"]);
  CHECK(m["repair_stored"] + m["repair_stale"] == m["repair_delivered"]);
  CHECK(a.counters.kinds[static_cast<std::size_t>(PeerMessage::Kind::Update)].sent == 0);  // updates: `sent`
  // n3 lost its table and had sampled updates repaired again after its
  // restart: still one (first) delivery row per update and server.
  std::set<std::pair<std::uint64_t, std::uint32_t>> seen;
  std::size_t redelivered = 0;
  for (const auto& d : a.record.deliveries) redelivered += !seen.insert({d.update, d.node}).second;
  CHECK(redelivered == 0);
  CHECK(m["repair_stored"] > 0);
}
