// Peer authentication over real sockets: HMAC challenge-response with a
// shared secret, the configured-address check without one, and the pure
// pieces (HMAC, handshake lines, back-off).
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "engine/asio/backoff.h"
#include "engine/asio/output_queue.h"
#include "engine/asio/peer_auth.h"
#include "engine/asio/peer_socket.h"
#include "engine/asio/peer_wire.h"
#include "test_live_support.h"

using namespace herd::live;
using namespace herd::live::test;

namespace {
const std::string kSecret = "correct horse battery staple";
const std::string kAtLine = "AT Jaquez +0.500000000 forged.example +1+2 1621464827";

// Acts as a dialing neighbour by hand: HELLO, read CHALLENGE, AUTH with a
// proof made from `secret`, then one UPDATE. Returns the server's answer to
// AUTH (HERD-WELCOME or HERD-DENIED ...).
std::string dial_as(std::uint16_t peer_port, const std::string& me, const std::string& server,
                    const std::string& secret, const std::string& bind = "") {
  LineClient c(peer_port, bind);
  const std::string nonce = make_nonce();
  c.send(wire::hello(me, nonce));
  const auto ch_line = c.line();
  if (!ch_line) return "(no challenge)";
  wire::Challenge ch;
  if (!wire::parse_challenge(*ch_line, ch)) return *ch_line;
  const std::string proof = secret.empty() ? "-" : dialer_proof(secret, wire::kVersion, me, server, nonce, ch.nonce);
  c.send(wire::auth(proof) + "UPDATE 1 " + kAtLine + "\n");
  return c.line().value_or("(closed)");
}
}  // namespace

TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 2 - compare is exact") {
  CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
  const auto n1 = make_nonce(), n2 = make_nonce();
  CHECK(n1.size() == 32);
  CHECK(n1 != n2);
  // The two roles' proofs differ, so one cannot be replayed as the other.
  CHECK(acceptor_proof(kSecret, wire::kVersion, "A", "B", n1, n2) != dialer_proof(kSecret, wire::kVersion, "A", "B", n1, n2));
}

TEST_CASE("handshake lines parse strictly") {
  wire::Hello h;
  const std::string nonce(32, 'a');
  const std::string hello = wire::hello("Hill", nonce);
  REQUIRE(hello.ends_with("\n"));
  CHECK(wire::parse_hello(hello.substr(0, hello.size() - 1), h));
  CHECK(h.dialer == "Hill");
  CHECK(h.version == 3);
  CHECK(hello.starts_with("HERD-HELLO 3 "));
  // Versions 1 (UPDATE only) and 2 (no Plumtree) are still accepted; nothing else is.
  CHECK(wire::parse_hello("HERD-HELLO 1 Hill " + nonce, h));
  CHECK(h.version == 1);
  CHECK(wire::parse_hello("HERD-HELLO 2 Hill " + nonce, h));
  CHECK(h.version == 2);
  for (const char* v : {"0", "4", "02", "", "+2", "21", "03"})
    CHECK_FALSE(wire::parse_hello("HERD-HELLO " + std::string(v) + " Hill " + nonce, h));
  CHECK_FALSE(wire::parse_hello("HERD-HELLO 1 Hill abc", h));
  CHECK_FALSE(wire::parse_hello("HERD-HELLO 1  Hill " + nonce, h));
  wire::Challenge c;
  CHECK(wire::parse_challenge("HERD-CHALLENGE Smith " + nonce + " -", c));
  CHECK_FALSE(wire::parse_challenge("HERD-CHALLENGE Smith " + nonce + " xyz", c));
  std::string proof;
  CHECK(wire::parse_auth("HERD-AUTH " + std::string(64, 'f'), proof));
  CHECK_FALSE(wire::parse_auth("HERD-AUTH " + std::string(63, 'f'), proof));
}

TEST_CASE("back-off doubles to its ceiling with jitter in [d/2, d], and resets") {
  Backoff b(std::chrono::milliseconds(100), std::chrono::milliseconds(1000), 42);
  std::int64_t d = 100;
  for (int i = 0; i < 8; ++i) {
    const auto got = b.next().count();
    CHECK(got >= d / 2);
    CHECK(got <= d);
    d = std::min<std::int64_t>(d * 2, 1000);
  }
  b.reset();
  CHECK(b.next().count() <= 100);
}

TEST_CASE("output queue refuses bytes over its cap and double-buffers writes") {
  OutputQueue q(10);
  CHECK(q.append("12345"));
  CHECK(q.start_write() == "12345");
  CHECK(q.append("678"));
  CHECK_FALSE(q.append("abc"));  // 5 in flight + 3 pending + 3 > 10
  CHECK(q.size() == 8);
  q.write_done();
  CHECK(q.start_write() == "678");
}

TEST_CASE("with a shared secret, a peer with the wrong secret is refused and its UPDATE does not count") {
  auto cfg = preset_config("hill");
  cfg.secret = kSecret;
  TestHerd herd(cfg);
  const auto smith_peer = herd.server("Smith").peer_port();
  // Hill is a real neighbour of Smith, but this "Hill" has the wrong secret.
  CHECK(dial_as(smith_peer, "Hill", "Smith", "wrong secret, 20+ bytes").starts_with("HERD-DENIED"));
  CHECK(dial_as(smith_peer, "Hill", "Smith", "").starts_with("HERD-DENIED"));
  CHECK(herd.server("Smith").status().refused_peers == 2);
  CHECK(whatsat_at_line(herd.port("Smith"), "forged.example") == "? WHATSAT forged.example 10 3");
  // Not a neighbour at all: refused even before the proof.
  CHECK(dial_as(smith_peer, "Jaquez", "Smith", kSecret).starts_with("HERD-DENIED"));
  // Positive control: the right secret is welcomed and its UPDATE counts.
  CHECK(dial_as(smith_peer, "Hill", "Smith", kSecret) == std::string(wire::kWelcome));
  CHECK(eventually([&] { return whatsat_at_line(herd.port("Smith"), "forged.example") == kAtLine; }));
}

TEST_CASE("a right-secret peer is welcomed and its UPDATE is stored and flooded") {
  auto cfg = preset_config("hill");
  cfg.secret = kSecret;
  TestHerd herd(cfg);
  LineClient c(herd.server("Smith").peer_port());
  const std::string nonce = make_nonce();
  c.send(wire::hello("Hill", nonce));
  wire::Challenge ch;
  REQUIRE(wire::parse_challenge(c.line().value_or(""), ch));
  CHECK(ch.acceptor == "Smith");
  // The acceptor proves the secret too.
  CHECK(ch.proof == acceptor_proof(kSecret, wire::kVersion, "Hill", "Smith", nonce, ch.nonce));
  c.send(wire::auth(dialer_proof(kSecret, wire::kVersion, "Hill", "Smith", nonce, ch.nonce)) + "UPDATE 1 " + kAtLine + "\n");
  CHECK(c.line() == std::string(wire::kWelcome));
  CHECK(eventually([&] { return whatsat_at_line(herd.port("Smith"), "forged.example") == kAtLine; }));
  CHECK(eventually([&] { return whatsat_at_line(herd.port("Campbell"), "forged.example") == kAtLine; }));
}

TEST_CASE("a server with the wrong secret never gets its links up") {
  auto cfg = preset_config("hill");
  cfg.secret = kSecret;
  TestHerd herd(cfg);
  // Smith is replaced by an impostor configured with another secret, dialing
  // Hill, Singleton and Campbell (which still dial the old Smith's port).
  herd.kill("Smith");
  auto rogue_cfg = herd.config();
  rogue_cfg.secret = "another secret of 20 bytes";
  rogue_cfg.log_dir = temp_dir("rogue");
  for (auto& s : rogue_cfg.servers) s.port = s.peer_port = 0;
  ServerOptions o;
  o.banner = false;
  LiveServer rogue(rogue_cfg, "Smith", o);
  for (const char* n : {"Hill", "Singleton", "Campbell"}) {
    rogue.set_peer_address(n, "127.0.0.1", herd.server(n).peer_port());
  }
  rogue.start();
  // Both ends check: the impostor sees Hill's proof fail and hangs up, so Hill
  // never gets an AUTH it could accept. Wait for several attempts per link.
  CHECK(eventually([&] {
    const auto log = read_file(rogue.log_path());
    std::size_t n = 0;
    for (auto p = log.find("proof of the shared secret is wrong"); p != std::string::npos;
         p = log.find("proof of the shared secret is wrong", p + 1)) {
      ++n;
    }
    return n >= 6;
  }));
  CHECK(rogue.status().peers_up.empty());
  for (const char* n : {"Hill", "Singleton", "Campbell"}) {
    const auto in = herd.server(n).status().peers_inbound;
    CHECK(std::find(in.begin(), in.end(), "Smith") == in.end());
  }
  rogue.stop();
}

TEST_CASE("without a secret, a peer must connect from its configured address") {
  auto cfg = preset_config("hill");
  cfg.peer_auth = PeerAuth::Address;
  cfg.secret.clear();
  TestHerd herd(cfg);
  const auto smith_peer = herd.server("Smith").peer_port();
  // Configured at 127.0.0.1: from 127.0.0.2 the claim is refused...
  CHECK(dial_as(smith_peer, "Hill", "Smith", "", "127.0.0.2").starts_with("HERD-DENIED"));
  CHECK(whatsat_at_line(herd.port("Smith"), "forged.example") == "? WHATSAT forged.example 10 3");
  // ...from 127.0.0.1 it is accepted (the address is the only proof).
  LineClient c(smith_peer);
  c.send(wire::hello("Hill", make_nonce()));
  wire::Challenge ch;
  REQUIRE(wire::parse_challenge(c.line().value_or(""), ch));
  CHECK(ch.proof == "-");
  c.send(wire::auth("-") + "UPDATE 1 " + kAtLine + "\n");
  CHECK(c.line() == std::string(wire::kWelcome));
  CHECK(eventually([&] { return whatsat_at_line(herd.port("Smith"), "forged.example") == kAtLine; }));
}

TEST_CASE("peer sockets find a silent dead peer in bounded time: keep-alive and user timeout set") {
  namespace asio = boost::asio;
  using tcp = asio::ip::tcp;
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  tcp::socket dialer(io), accepted(io);
  dialer.connect(acceptor.local_endpoint());
  acceptor.accept(accepted);
  tune_peer_socket(accepted);
  const int fd = accepted.native_handle();
  auto get = [fd](int level, int name) {
    int v = -1;
    socklen_t len = sizeof v;
    REQUIRE(::getsockopt(fd, level, name, &v, &len) == 0);
    return v;
  };
  CHECK(get(SOL_SOCKET, SO_KEEPALIVE) == 1);
  CHECK(get(IPPROTO_TCP, TCP_NODELAY) != 0);
  CHECK(get(IPPROTO_TCP, TCP_KEEPIDLE) == kKeepAliveIdle.count());
  CHECK(get(IPPROTO_TCP, TCP_KEEPINTVL) == kKeepAliveInterval.count());
  CHECK(get(IPPROTO_TCP, TCP_KEEPCNT) == kKeepAliveProbes);
  CHECK(get(IPPROTO_TCP, TCP_USER_TIMEOUT) == kUserTimeout.count() * 1000);
  // Detection within half a minute either way.
  CHECK(kKeepAliveIdle + kKeepAliveInterval * kKeepAliveProbes <= std::chrono::seconds(30));
}

namespace {
// An authenticated neighbour by hand (HELLO, CHALLENGE, AUTH, WELCOME), left
// open so a test can send it any line.
std::unique_ptr<LineClient> authenticated_as(std::uint16_t peer_port, const std::string& me,
                                             const std::string& server, const std::string& secret,
                                             int version = wire::kVersion) {
  auto c = std::make_unique<LineClient>(peer_port);
  const std::string nonce = make_nonce();
  c->send(wire::hello(me, nonce, version));
  wire::Challenge ch;
  REQUIRE(wire::parse_challenge(c->line().value_or(""), ch));
  c->send(wire::auth(dialer_proof(secret, version, me, server, nonce, ch.nonce)));
  REQUIRE(c->line() == std::string(wire::kWelcome));
  return c;
}

// The longest IAMAT line the protocol allows (kMaxLineBytes), for `client`
// padded to fit.
std::string longest_iamat(char fill) {
  const std::string coords = "+34.068930-118.445127", time = "1621464827.959498503";
  const std::string id(herd::kMaxLineBytes - 6 - 1 - coords.size() - 1 - time.size(), fill);
  return "IAMAT " + id + " " + coords + " " + time;
}
}  // namespace

TEST_CASE("a 4096-byte IAMAT reaches every server of a five-server herd, and no peer link drops") {
  auto cfg = preset_config("hill");
  TestHerd herd(cfg);
  const std::string line = longest_iamat('k');
  REQUIRE(line.size() == herd::kMaxLineBytes);
  const std::string id = line.substr(6, line.find(' ', 6) - 6);
  for (int round = 0; round < 3; ++round) {
    const auto at = ask(herd.port("Hill"), line);
    REQUIRE(at.starts_with("AT Hill "));
    for (const auto& s : cfg.servers) {
      INFO(s.name);
      CHECK(eventually([&] { return whatsat_at_line(herd.port(s.name), id) == at; }));
    }
  }
  for (const auto& s : cfg.servers) CHECK(herd.server(s.name).status().refused_peers == 0);
  CHECK(herd.links_up());
}

TEST_CASE("the peer line bound takes the longest UPDATE any legal IAMAT can make") {
  auto cfg = preset_config("hill");
  cfg.secret = kSecret;
  TestHerd herd(cfg);
  auto hill = authenticated_as(herd.server("Smith").peer_port(), "Hill", "Smith", cfg.secret);
  // A 64-byte origin name, the widest time difference and hop count, and the
  // longest client fields.
  const std::string iamat = longest_iamat('q');
  const std::string rest = iamat.substr(6);
  const std::string at = "AT " + std::string(herd::kMaxServerNameBytes, 'O') + " -9223372036.854775807 " + rest;
  REQUIRE(at.size() <= herd::kMaxAtLineBytes);
  hill->send("UPDATE 65535 " + at + "\n");
  const std::string id = rest.substr(0, rest.find(' '));
  CHECK(eventually([&] { return whatsat_at_line(herd.port("Smith"), id) == at; }));
  CHECK(herd.server("Smith").status().refused_peers == 0);
}

TEST_CASE("UPDATE lines are parsed exactly as documented: single spaces, no CR, plain hop counts") {
  auto cfg = preset_config("hill");
  cfg.secret = kSecret;
  TestHerd herd(cfg);
  auto hill = authenticated_as(herd.server("Smith").peer_port(), "Hill", "Smith", cfg.secret);
  const std::string at = "AT Jaquez +0.500000000 %s +1+2 1621464827";
  auto with = [&](const std::string& client) {
    std::string s = at;
    return s.replace(s.find("%s"), 2, client);
  };
  hill->send("UPDATE 01 " + with("c1") + "\n");
  hill->send("UPDATE 0 " + with("c2") + "\n");
  hill->send("UPDATE 1  " + with("c3") + "\n");
  hill->send("UPDATE 1 " + with("c4").replace(2, 1, "\t") + "\n");
  hill->send("UPDATE 1 " + with("c5") + "\r\n");
  hill->send("UPDATE 1 " + with("c6").replace(with("c6").find(" c6 "), 4, "  c6 ") + "\n");
  hill->send("UPDATE  1 " + with("c7") + "\n");
  hill->send("UPDATE 1 " + with("ok") + "\n");  // the control: stored
  CHECK(eventually([&] { return whatsat_at_line(herd.port("Smith"), "ok") == with("ok"); }));
  for (const char* c : {"c1", "c2", "c3", "c4", "c5", "c6", "c7"}) {
    INFO(c);
    CHECK(whatsat_at_line(herd.port("Smith"), c) == std::string("? WHATSAT ") + c + " 10 3");
  }
}

TEST_CASE("protocol versions: a version-1 dialer sends UPDATE only, anti-entropy lines count on version 2") {
  auto cfg = preset_config("hill");
  cfg.secret = kSecret;
  TestHerd herd(cfg);
  const std::string at = "AT Jaquez +0.500000000 %s +1+2 1621464827";
  auto with = [&](const std::string& client) {
    std::string s = at;
    return s.replace(s.find("%s"), 2, client);
  };
  auto old_hill = authenticated_as(herd.server("Smith").peer_port(), "Hill", "Smith", cfg.secret, 1);
  old_hill->send("AE-REPAIR " + with("v1-repair") + "\n");
  old_hill->send("UPDATE 1 " + with("v1-update") + "\n");
  CHECK(eventually([&] { return whatsat_at_line(herd.port("Smith"), "v1-update") == with("v1-update"); }));
  CHECK(whatsat_at_line(herd.port("Smith"), "v1-repair") == "? WHATSAT v1-repair 10 3");

  auto campbell = authenticated_as(herd.server("Smith").peer_port(), "Campbell", "Smith", cfg.secret, 2);
  campbell->send("AE-REPAIR " + with("v2-repair") + "\n");
  CHECK(eventually([&] { return whatsat_at_line(herd.port("Smith"), "v2-repair") == with("v2-repair"); }));
}

TEST_CASE("a HELLO rewritten to an older version on the way fails the handshake: the version is in the proofs") {
  auto cfg = preset_config("hill");
  cfg.secret = kSecret;
  TestHerd herd(cfg);
  LineClient c(herd.server("Smith").peer_port());
  const std::string nonce = make_nonce();
  c.send(wire::hello("Hill", nonce, 1));  // the dialer said 2; someone changed it
  wire::Challenge ch;
  REQUIRE(wire::parse_challenge(c.line().value_or(""), ch));
  // The acceptor's proof is for version 1: a version-2 dialer sees it is wrong.
  CHECK(ch.proof != acceptor_proof(kSecret, 2, "Hill", "Smith", nonce, ch.nonce));
  c.send(wire::auth(dialer_proof(kSecret, 2, "Hill", "Smith", nonce, ch.nonce)));
  CHECK(c.line().value_or("").starts_with("HERD-DENIED wrong proof"));
}

TEST_CASE("a neighbour back after 10 s down hears updates at once: its return resets our redial back-off") {
  auto cfg = preset_config("hill");
  cfg.limits.reconnect_initial_ms = 100;  // the defaults: back-off grows to 5 s while it is down
  cfg.limits.reconnect_max_ms = 5000;
  TestHerd herd(cfg);
  herd.kill("Smith");
  std::this_thread::sleep_for(std::chrono::seconds(10));
  herd.restart("Smith");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto at = ask(herd.port("Hill"), "IAMAT back.example +1+2 1621464827");
  REQUIRE(at.starts_with("AT Hill "));
  // Hill -> Smith must be up by now; allow a little for the flood itself.
  CHECK(eventually([&] { return whatsat_at_line(herd.port("Smith"), "back.example") == at; },
                   std::chrono::milliseconds(300)));
}

TEST_CASE("strangers holding the peer port cannot crowd out a returning neighbour") {
  auto cfg = preset_config("hill");
  TestHerd herd(cfg);
  const auto smith_peer = herd.server("Smith").peer_port();
  herd.kill("Hill");
  // Silent connections, and connections that claim to be Hill and stall
  // before proving it: far more than any fixed number of slots.
  std::vector<std::unique_ptr<LineClient>> strangers;
  for (int i = 0; i < 60; ++i) strangers.push_back(std::make_unique<LineClient>(smith_peer));
  for (int i = 0; i < 20; ++i) {
    strangers.push_back(std::make_unique<LineClient>(smith_peer));
    strangers.back()->send(wire::hello("Hill", make_nonce()));
  }
  herd.restart("Hill");
  CHECK(eventually([&] { return herd.links_up(); }, std::chrono::seconds(2)));
  const auto at = ask(herd.port("Hill"), "IAMAT crowd.example +1+2 1621464827");
  CHECK(eventually([&] { return whatsat_at_line(herd.port("Campbell"), "crowd.example") == at; }));
}

TEST_CASE("outgoing peer links bind to the server's host, so address checks hold on a machine with several addresses") {
  // Two servers on two loopback addresses, checked by address only: each
  // must dial from its own configured host, not from whatever address the
  // kernel picks for the route (127.0.0.1).
  HerdConfig cfg;
  cfg.source = "(test bind)";
  cfg.peer_auth = PeerAuth::Address;
  ServerConfig a, b;
  a.name = "A";
  a.host = "127.0.0.2";
  a.neighbours = {"B"};
  b.name = "B";
  b.host = "127.0.0.3";
  b.neighbours = {"A"};
  cfg.servers = {a, b};
  cfg.limits.reconnect_initial_ms = 10;
  cfg.limits.reconnect_max_ms = 100;
  ServerOptions o;
  o.banner = false;
  LiveServer sa(cfg, "A", o), sb(cfg, "B", o);
  sa.set_peer_address("B", "127.0.0.3", sb.peer_port());
  sb.set_peer_address("A", "127.0.0.2", sa.peer_port());
  sa.start();
  sb.start();
  CHECK(eventually([&] { return sa.status().peers_up.size() == 1 && sb.status().peers_up.size() == 1; }));
  CHECK(sa.status().refused_peers == 0);
  CHECK(sb.status().refused_peers == 0);
}

TEST_CASE("a server refuses to start with HMAC peer auth and no secret") {
  auto cfg = preset_config("hill");
  cfg.secret.clear();
  CHECK_THROWS_WITH(LiveServer(cfg, "Hill", ServerOptions{}), Catch::Contains("no shared secret"));
  cfg.peer_auth = PeerAuth::Address;
  CHECK_NOTHROW(LiveServer(cfg, "Hill", ServerOptions{}));
}
