// Live servers against hostile or careless clients, over real TCP on
// loopback: every bound on client input holds, gives a clear answer, and
// never costs another client its service.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "engine/places/places_provider.h"
#include "test_live_support.h"

using namespace herd::live;
using namespace herd::live::test;

namespace {

// One server, no neighbours, with the given places provider.
struct SoloServer {
  explicit SoloServer(HerdConfig cfg, PlacesFactory places = {}) : config(std::move(cfg)) {
    ServerOptions o;
    o.banner = false;
    o.places = std::move(places);
    server = std::make_unique<LiveServer>(config, "Solo", o);
    server->start();
  }
  static HerdConfig config_with(Limits limits) {
    HerdConfig c = preset_config("hill");
    c.servers.clear();
    ServerConfig s;
    s.name = "Solo";
    c.servers.push_back(s);
    c.limits = limits;
    return c;
  }
  std::uint16_t port() const { return server->client_port(); }
  HerdConfig config;
  std::unique_ptr<LiveServer> server;
};

// Places with photos, as Google sends them: ~3.4 KB a result, so a 20-place
// WHATSAT reply is ~68 KB, larger than a 64 KiB output cap.
class BigPlaces final : public herd::places::PlacesProvider {
 public:
  explicit BigPlaces(boost::asio::io_context& io) : io_(io) {}
  void lookup(const herd::PlacesQuery&, Done done) override {
    boost::asio::post(io_, [done = std::move(done)] {
      std::string body = "{\"html_attributions\":[],\"results\":[";
      for (int i = 0; i < 20; ++i) {
        if (i) body += ',';
        body += "{\"name\":\"place " + std::to_string(i) + "\",\"photos\":[{\"photo_reference\":\"" +
                std::string(3300, static_cast<char>('a' + i)) + "\"}]}";
      }
      body += "],\"status\":\"OK\"}";
      herd::PlacesResult r;
      r.ok = true;
      r.status = "OK";
      r.body = std::move(body);
      done(std::move(r));
    });
  }

 private:
  boost::asio::io_context& io_;
};

PlacesFactory big_places() {
  return [](boost::asio::io_context& io, const HerdConfig&) { return std::make_unique<BigPlaces>(io); };
}

std::string future_time(std::int64_t seconds_ahead) {
  return std::to_string(std::time(nullptr) + seconds_ahead) + ".000000000";
}

}  // namespace

TEST_CASE("a pipelining client that reads gets every reply, however large, under any output cap") {
  for (const std::size_t cap : {std::size_t{64 * 1024}, std::size_t{1} << 20}) {
    INFO("max_queued_output_bytes " << cap);
    Limits l;
    l.max_queued_output_bytes = cap;
    SoloServer solo(SoloServer::config_with(l), big_places());
    LineClient c(solo.port());
    c.send("IAMAT kiwi +1+2 1621464827\n");
    const auto at = c.line();
    REQUIRE(at);
    std::string burst;
    for (int i = 0; i < 100; ++i) burst += "WHATSAT kiwi 50 20\n";
    c.send(burst);
    std::size_t replies = 0, bytes = 0;
    for (; replies < 100; ++replies) {
      const auto r = c.whatsat_reply();
      if (!r || !r->starts_with(*at + "\n")) break;
      bytes += r->size();
    }
    CHECK(replies == 100);
    CHECK(bytes > 100u * 65'000);  // each reply is larger than a 64 KiB cap
    CHECK(solo.server->status().client_connections == 1);
  }
}

TEST_CASE("a client that never reads stops being read, then is closed when idle - others are served meanwhile") {
  Limits l;
  l.max_queued_output_bytes = 64 * 1024;
  l.idle_timeout_ms = 1500;
  auto cfg = SoloServer::config_with(l);
  cfg.log_dir = temp_dir("noread");
  SoloServer solo(cfg, big_places());
  LineClient c(solo.port(), "", 4096);  // a small receive window, never read
  c.send("IAMAT kiwi +1+2 1621464827\n");
  std::string burst;
  for (int i = 0; i < 3000; ++i) burst += "WHATSAT kiwi 50 20\n";
  // The server stops reading once its queue is full: our sends stall well
  // before the whole burst (57 KB) is taken... unless the kernel buffers it,
  // so the proof is the close below, not a byte count.
  std::size_t sent = 0;
  for (int i = 0; i < 50 && sent < burst.size(); ++i) {
    sent += c.send_some(burst.substr(sent));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Meanwhile another client is served at once.
  CHECK(ask(solo.port(), "IAMAT other +1+2 1621464827").starts_with("AT Solo "));
  CHECK(eventually([&] { return solo.server->status().client_connections == 0; }, std::chrono::seconds(15)));
  const auto log = read_file(solo.server->log_path());
  CHECK(log.find("limits.idle_timeout_ms") != std::string::npos);
  CHECK(log.find("not reading") == std::string::npos);
}

TEST_CASE("an IAMAT from far in the future is refused, so it cannot pin a client's location for good") {
  Limits l;  // default max_future_skew_ms: 24 h
  auto cfg = SoloServer::config_with(l);
  cfg.log_dir = temp_dir("future");
  SoloServer solo(cfg);
  const std::string pin = "IAMAT kiwi +0-0 9223372036.854775807";
  CHECK(ask(solo.port(), pin) == "? " + pin);
  const std::string tomorrow = "IAMAT kiwi +1+2 " + future_time(2 * 86'400);
  CHECK(ask(solo.port(), tomorrow) == "? " + tomorrow);
  CHECK(whatsat_at_line(solo.port(), "kiwi") == "? WHATSAT kiwi 10 3");
  // An hour ahead (a client clock off by an hour) is accepted.
  CHECK(ask(solo.port(), "IAMAT kiwi +1+2 " + future_time(3600)).starts_with("AT Solo "));
  CHECK(eventually([&] {
    return read_file(solo.server->log_path()).find("limits.max_future_skew_ms") != std::string::npos;
  }));
}

TEST_CASE("the client directory has a cap: new clients are refused at it, known ones keep reporting") {
  Limits l;
  l.max_clients = 3;
  l.max_client_bytes = 4096;
  auto cfg = SoloServer::config_with(l);
  cfg.log_dir = temp_dir("clientcap");
  SoloServer solo(cfg);
  for (const char* c : {"a", "b", "c"}) {
    CHECK(ask(solo.port(), std::string("IAMAT ") + c + " +1+2 1621464827").starts_with("AT Solo "));
  }
  CHECK(ask(solo.port(), "IAMAT d +1+2 1621464827") == "? IAMAT d +1+2 1621464827");
  CHECK(ask(solo.port(), "IAMAT a +3+4 1621464828").starts_with("AT Solo "));
  CHECK(whatsat_at_line(solo.port(), "a").ends_with(" a +3+4 1621464828"));
  CHECK(solo.server->status().reports == 3);
  CHECK(eventually([&] { return read_file(solo.server->log_path()).find("limits.max_clients") != std::string::npos; }));

  // The byte cap: long IDs fill it long before the count does.
  l.max_clients = 1000;
  SoloServer bytes(SoloServer::config_with(l));
  const std::string id(1500, 'x');
  CHECK(ask(bytes.port(), "IAMAT " + id + "1 +1+2 1621464827").starts_with("AT Solo "));
  CHECK(ask(bytes.port(), "IAMAT " + id + "2 +1+2 1621464827").starts_with("AT Solo "));
  CHECK(ask(bytes.port(), "IAMAT " + id + "3 +1+2 1621464827").starts_with("? "));
}

TEST_CASE("1,100 idle connections from one address cannot lock out new clients - 200 active ones are all served") {
  SoloServer solo(SoloServer::config_with(Limits{}));  // defaults: 1024 in all, 512 per source
  std::vector<std::unique_ptr<LineClient>> idle;
  for (int i = 0; i < 1100; ++i) idle.push_back(std::make_unique<LineClient>(solo.port()));
  // 200 concurrent active clients from the same address: every one answered.
  std::vector<std::unique_ptr<LineClient>> active;
  for (int i = 0; i < 200; ++i) active.push_back(std::make_unique<LineClient>(solo.port()));
  for (int i = 0; i < 200; ++i) active[i]->send("IAMAT c" + std::to_string(i) + " +1+2 1621464827\n");
  int answered = 0;
  for (int i = 0; i < 200; ++i) {
    const auto r = active[i]->line();
    answered += r && r->starts_with("AT Solo ") && r->find(" c" + std::to_string(i) + " ") != std::string::npos;
  }
  CHECK(answered == 200);
  // And a newcomer after all of that.
  CHECK(ask(solo.port(), "WHATSAT c7 10 1").starts_with("AT Solo "));
  // What made room was idle connections, never the active ones.
  for (int i = 0; i < 200; ++i) {
    active[i]->send("WHATSAT c0 1 1\n");
    const auto r = active[i]->whatsat_reply();
    REQUIRE(r);
    CHECK(r->starts_with("AT Solo "));
  }
  CHECK(solo.server->status().client_connections <= 512);
}

TEST_CASE("at the connection cap, the longest-idle connection makes room for a new one") {
  Limits l;
  l.max_connections = 2;
  l.max_connections_per_source = 2;
  SoloServer solo(SoloServer::config_with(l));
  LineClient a(solo.port());
  a.send("IAMAT a +1+2 1621464827\n");
  REQUIRE(a.line());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  LineClient b(solo.port());
  b.send("IAMAT b +1+2 1621464827\n");
  REQUIRE(b.line());
  LineClient c(solo.port());
  c.send("WHATSAT b 1 1\n");
  const auto r = c.whatsat_reply();
  REQUIRE(r);
  CHECK(r->starts_with("AT Solo "));
  CHECK(a.wait_eof());  // a was the idlest
  b.send("WHATSAT a 1 1\n");
  const auto rb = b.whatsat_reply();
  REQUIRE(rb);
  CHECK(rb->starts_with("AT Solo "));
}
