// The herd config: every shipped config loads; bad configs fail naming the
// file, the field and the reason; `herd serve` and `herd up` over real
// processes.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "herd/presets.h"
#include "test_live_support.h"

using namespace herd::live;
using namespace herd::live::test;

namespace {

std::string error_of(const std::string& text, const std::optional<std::string>& env = std::nullopt) {
  try {
    parse_herd_config(text, "herd.json", env);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(accepted)";
}

const std::string kTwo = R"({"servers": [
  {"name": "A", "port": 1000, "peer_port": 2000, "neighbours": ["B"]},
  {"name": "B", "port": 1001, "peer_port": 2001, "neighbours": ["A"]}]})";

// A free TCP port on loopback (bound, read, released).
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// Runs a command, returning (exit status, stderr+stdout).
std::pair<int, std::string> run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int st = ::pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

}  // namespace

TEST_CASE("a valid config loads with defaults filled in") {
  const auto c = parse_herd_config(kTwo, "herd.json");
  REQUIRE(c.servers.size() == 2);
  CHECK(c.servers[0].host == "127.0.0.1");
  CHECK(c.places.provider == "offline");
  CHECK(c.limits.max_line_bytes == herd::kMaxLineBytes);
  CHECK(c.secret.empty());
}

TEST_CASE("a preset config expands to the preset's servers, ports and links") {
  const auto c = parse_herd_config(R"({"preset": "hill", "base_port": 11625})", "h.json");
  REQUIRE(c.servers.size() == 5);
  CHECK(c.servers[0].name == "Hill");
  CHECK(c.servers[0].port == 11625);
  CHECK(c.servers[4].port == 11629);
  CHECK(c.servers[0].peer_port == 12625);
  CHECK(c.servers[0].neighbours == std::vector<std::string>{"Jaquez", "Smith"});
}

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

TEST_CASE("every shipped herd config loads and matches its preset") {
  for (const auto& p : herd::presets()) {
    INFO(p.name);
    const auto c = load_herd_config(std::string(HERD_SOURCE_DIR) + "/scenarios/herds/" + p.name + ".json");
    REQUIRE(c.servers.size() == p.servers.size());
    std::size_t links = 0;
    for (std::size_t i = 0; i < c.servers.size(); ++i) {
      CHECK(c.servers[i].name == p.servers[i]);
      CHECK(c.servers[i].host == "127.0.0.1");
      links += c.servers[i].neighbours.size();
      for (const auto& [a, b] : p.links) {
        const auto& n = c.servers[i].neighbours;
        if (a == p.servers[i]) CHECK(std::find(n.begin(), n.end(), b) != n.end());
        if (b == p.servers[i]) CHECK(std::find(n.begin(), n.end(), a) != n.end());
      }
    }
    CHECK(links == 2 * p.links.size());
  }
  const auto hill = load_herd_config(std::string(HERD_SOURCE_DIR) + "/scenarios/herds/hill.json");
  CHECK(hill.servers[0].port == 11625);
  CHECK(hill.servers[4].port == 11629);
}

TEST_CASE("cli: herd serve with a bad config names the field and exits non-zero") {
  const auto dir = temp_dir("cli-bad");
  const auto path = dir + "/bad.json";
  std::ofstream(path) << R"({"preset": "hill", "base_port": 11625, "limits": {"idle_timeout_ms": -5}})";
  const auto [code, out] = run(std::string(HERD_BIN) + " serve --config " + path + " --name Hill");
  CHECK(code == 2);
  CHECK(out.find(path + ": limits.idle_timeout_ms: must be between 1 and") != std::string::npos);
  const auto [code2, out2] = run(std::string(HERD_BIN) + " serve --config " + dir + "/missing.json --name Hill");
  CHECK(code2 == 2);
  CHECK(out2.find("missing.json: (file): cannot be read") != std::string::npos);
  const auto [code3, out3] = run(std::string(HERD_BIN) + " up --config " + path);
  CHECK(code3 == 2);
  CHECK(out3.find("limits.idle_timeout_ms") != std::string::npos);
}

TEST_CASE("cli: herd up starts every server as a process; they flood; Ctrl-C stops them all") {
  const auto dir = temp_dir("cli-up");
  const std::uint16_t c0 = free_port(), c1 = free_port(), p0 = free_port(), p1 = free_port();
  const auto path = dir + "/two.json";
  std::ofstream(path) << R"({"servers": [
    {"name": "Alpha", "port": )" << c0 << R"(, "peer_port": )" << p0 << R"(, "neighbours": ["Beta"]},
    {"name": "Beta", "port": )" << c1 << R"(, "peer_port": )" << p1 << R"(, "neighbours": ["Alpha"]}],
    "log_dir": ")" << dir << R"(/logs", "secret": "a test secret, 24 bytes",
    "limits": {"reconnect_initial_ms": 10, "reconnect_max_ms": 100}})";
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const std::string out = dir + "/up.out";
    std::freopen(out.c_str(), "a", stdout);  // O_APPEND: the children share it
    std::freopen(out.c_str(), "a", stderr);
    ::execl(HERD_BIN, HERD_BIN, "up", "--config", path.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Flooding only reaches links that are up, so wait for Alpha's link to Beta.
  REQUIRE(eventually([&] { return read_file(dir + "/logs/Alpha.log").find("peer Beta up") != std::string::npos; }));
  const std::string at = ask(c0, "IAMAT kiwi +1+2 1621464827");
  const bool flooded = eventually([&] { return whatsat_at_line(c1, "kiwi") == at; });
  CHECK(at.starts_with("AT Alpha "));
  CHECK(flooded);
  ::kill(pid, SIGINT);
  int status = 0;
  REQUIRE(eventually([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }));
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  const std::string out = read_file(dir + "/up.out");
  CHECK(out.find("logs in " + dir + "/logs/<server>.log") != std::string::npos);
  CHECK(out.find("forwarding signal 2 to 2 servers") != std::string::npos);
  CHECK(out.find("herd: Alpha clients 127.0.0.1:" + std::to_string(c0)) != std::string::npos);  // banner
  const std::string log = read_file(dir + "/logs/Beta.log");
  CHECK(log.find("< UPDATE 1 " + at) != std::string::npos);
  CHECK(log.find("a test secret") == std::string::npos);  // never log secrets
  CHECK(out.find("a test secret") == std::string::npos);
}
