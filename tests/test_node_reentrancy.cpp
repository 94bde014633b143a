// The driver rule of herd/context.h: no driver calls into the node from
// inside a context callback. Builds that check it (Node::kChecksReentry:
// no NDEBUG, or a sanitizer build) throw std::logic_error on a nested
// input; the tests here show that it fires, names both inputs, leaves the
// node usable, and stays silent for a driver that queues.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "herd/node.h"
#include "engine/places/offline_places.h"

using namespace herd;

namespace {

constexpr Nanos kNow = 1621464828223371889;
const std::string kIamat = "IAMAT kiwi +34.068930-118.445127 1621464827.959498503";

// A context whose callbacks run whatever the test puts in them.
class ScriptedContext final : public NodeContext {
 public:
  Node* node = nullptr;
  std::function<void(ConnId)> on_send_to_client;
  std::function<void(PeerId)> on_send_to_peer;
  std::function<void(LookupId, const PlacesQuery&)> on_lookup;
  std::string output;

  Nanos now() override { return kNow; }
  void send_to_client(ConnId conn, std::string_view bytes) override {
    output.append(bytes);
    if (on_send_to_client) on_send_to_client(conn);
  }
  void close_client(ConnId) override {}
  void send_to_peer(PeerId peer, const PeerMessage&) override {
    if (on_send_to_peer) on_send_to_peer(peer);
  }
  void start_timer(TimerId, Nanos) override {}
  void lookup_places(LookupId id, const PlacesQuery& q) override {
    if (on_lookup) on_lookup(id, q);
  }
  NodeObserver& observer() override { return observer_; }

 private:
  NodeObserver observer_;
};

struct Fixture {
  ScriptedContext ctx;
  ClientDirectory clients;
  Node node{NodeConfig{"Hill", {0}, /*peers_start_up=*/true}, ctx, clients, make_flooding()};
  Fixture() { ctx.node = &node; }
};

// Catch2 v2 has no SKIP: say why, loudly, and pass.
bool checks_reentry() {
  if (Node::kChecksReentry) return true;
  WARN("skipped: this build does not check node re-entry (NDEBUG is defined and it is not a sanitizer "
       "build); build with -DCMAKE_BUILD_TYPE=Debug, -DHERD_SANITIZE=ON or -DHERD_CHECK_REENTRY to run it");
  return false;
}

}  // namespace

TEST_CASE("node re-entry: a places result delivered inside lookup_places throws") {
  if (!checks_reentry()) return;
  Fixture f;
  f.node.on_client_line(1, kIamat);
  // What a naive driver does: answer the lookup before returning from it.
  f.ctx.on_lookup = [&](LookupId id, const PlacesQuery& q) { f.node.on_places_result(id, offline_places(q)); };
  try {
    f.node.on_client_line(1, "WHATSAT kiwi 10 1");
    FAIL("no exception");
  } catch (const std::logic_error& e) {
    const std::string what = e.what();
    CHECK(what.find("on_places_result called while Node::on_client_line is running") != std::string::npos);
    CHECK(what.find("herd/context.h") != std::string::npos);
  }
}

TEST_CASE("node re-entry: the next client line handed on from inside send_to_client throws") {
  if (!checks_reentry()) return;
  Fixture f;
  f.ctx.on_send_to_client = [&](ConnId c) { f.node.on_client_line(c, "IAMAT b +1+2 1621464828"); };
  CHECK_THROWS_AS(f.node.on_client_line(1, kIamat), std::logic_error);
}

TEST_CASE("node re-entry: a link reported down from inside send_to_peer throws") {
  if (!checks_reentry()) return;
  Fixture f;
  f.ctx.on_send_to_peer = [&](PeerId p) { f.node.on_peer_down(p); };
  CHECK_THROWS_WITH(f.node.on_client_line(1, kIamat), Catch::Contains("on_peer_down called while"));
}

TEST_CASE("node re-entry: after a refused nested input the node takes inputs again") {
  if (!checks_reentry()) return;
  Fixture f;
  f.ctx.on_send_to_peer = [&](PeerId p) { f.node.on_peer_down(p); };
  CHECK_THROWS_AS(f.node.on_client_line(1, kIamat), std::logic_error);
  f.ctx.on_send_to_peer = nullptr;
  f.ctx.output.clear();
  CHECK_NOTHROW(f.node.on_client_line(2, "IAMAT b +1+2 1621464828"));
  CHECK(f.ctx.output == "AT Hill +0.223371889 b +1+2 1621464828\n");
}

TEST_CASE("node re-entry: a driver that queues its inputs never trips the check") {
  // Runs in every build: it is the rule's positive side.
  Fixture f;
  std::vector<std::function<void()>> queue;
  f.ctx.on_lookup = [&](LookupId id, const PlacesQuery& q) {
    queue.push_back([&f, id, q] { f.node.on_places_result(id, offline_places(q)); });
  };
  f.ctx.on_send_to_peer = [&](PeerId p) { queue.push_back([&f, p] { f.node.on_peer_down(p); }); };
  f.node.on_client_line(1, kIamat);
  f.node.on_client_line(1, "WHATSAT kiwi 10 1");
  REQUIRE(queue.size() == 2);
  for (auto& input : queue) CHECK_NOTHROW(input());
  CHECK(f.ctx.output.find("AT Hill +0.263873386 kiwi") != std::string::npos);
  CHECK(f.ctx.output.find("\n{") != std::string::npos);  // the WHATSAT's JSON arrived
}
