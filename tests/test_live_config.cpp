// The herd config: every shipped config loads; bad configs fail naming the
// file, the field and the reason; `herd serve` and `herd up` over real
// processes.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "test_live_support.h"
#include "topology/presets.h"

using namespace herd::live;
using namespace herd::live::test;

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

TEST_CASE("every shipped herd config loads and matches its preset") {
  for (const auto& p : herd::presets()) {
    INFO(p.name);
    // Parsed, not loaded: loading would create a secret file in the source tree.
    const auto c = parse_herd_config(read_file(std::string(HERD_SOURCE_DIR) + "/scenarios/herds/" + p.name + ".json"),
                                     p.name + ".json");
    REQUIRE(c.servers.size() == p.servers.size());
    CHECK(c.peer_auth == PeerAuth::Hmac);
    CHECK(c.secret.empty());
    CHECK(c.data_dir == "data/" + p.name);
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
  const auto hill = parse_herd_config(read_file(std::string(HERD_SOURCE_DIR) + "/scenarios/herds/hill.json"), "hill.json");
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
  CHECK(out2.find("missing.json: (file): cannot be read: No such file or directory") != std::string::npos);
  const auto [code3, out3] = run(std::string(HERD_BIN) + " up --config " + path);
  CHECK(code3 == 2);
  CHECK(out3.find("limits.idle_timeout_ms") != std::string::npos);
}

TEST_CASE("cli: herd up starts every server as a process - they flood - Ctrl-C stops them all") {
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
  // herd up says the herd is up only once every server answers; a Ctrl-C
  // before that skips the listing below.
  REQUIRE(eventually([&] { return read_file(dir + "/up.out").find("Ctrl-C stops the herd") != std::string::npos; }));
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
  CHECK(out.find("; strategy flooding+anti_entropy(interval=1s); places ") != std::string::npos);
  const std::string log = read_file(dir + "/logs/Beta.log");
  CHECK(log.find("< UPDATE 1 " + at) != std::string::npos);
  CHECK(log.find("a test secret") == std::string::npos);  // never log secrets
  CHECK(out.find("a test secret") == std::string::npos);
}

// --- issue 9: loader robustness -------------------------------------------

TEST_CASE("a number too large for a double names its field, in objects and arrays") {
  CHECK_THAT(error_of(R"({"preset": "hill", "base_port": 1, "limits": {"max_connections": 1e400}})"),
             Catch::Matchers::StartsWith("herd.json: limits.max_connections: the number 1e400 is too large"));
  CHECK_THAT(error_of(R"({"servers": [{"name": "A", "port": 1, "peer_port": 2},
                                      {"name": "B", "port": -1e999, "peer_port": 4}]})"),
             Catch::Matchers::StartsWith("herd.json: servers[1].port: the number -1e999 is too large"));
  CHECK_THAT(error_of(R"({"servers": [{"name": "A", "port": 1, "peer_port": 2, "neighbours": ["B", 1e400]}]})"),
             Catch::Matchers::StartsWith("herd.json: servers[0].neighbours[1]: the number 1e400"));
  CHECK_THAT(error_of("1e400"), Catch::Matchers::StartsWith("herd.json: (top level): the number 1e400"));
}

TEST_CASE("invalid JSON gives line, column and a plain reason, not nlohmann's internals") {
  const std::string err = error_of("{\"preset\": \"hill\",\n  \"base_port\": 1,\n");
  CHECK_THAT(err, Catch::Matchers::StartsWith("herd.json: (json): not valid JSON at line 3, column 1: unexpected end of input"));
  CHECK(err.find("json.exception") == std::string::npos);
  CHECK_THAT(error_of("{\"preset\": hill}"), Catch::Matchers::StartsWith("herd.json: (json): not valid JSON at line 1, column 12: invalid literal"));
}

TEST_CASE("an unreadable config file says why") {
  const auto dir = temp_dir("unreadable");
  auto message = [](const std::string& path) {
    try {
      load_herd_config(path);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  CHECK(message(dir + "/missing.json") == dir + "/missing.json: (file): cannot be read: No such file or directory");
  CHECK(message(dir) == dir + ": (file): cannot be read: Is a directory");
}

// --- issue 9: the secret file -------------------------------------------------

namespace {

// A config file with no secret in a fresh directory; returns its path.
std::string secretless_config(const std::string& tag, const std::string& extra = "") {
  const auto dir = temp_dir(tag);
  const auto path = dir + "/herd.json";
  std::ofstream(path) << R"({"preset": "hill", "base_port": 1)" << extra << "}";
  return path;
}

std::string load_error(const std::string& path) {
  try {
    load_herd_config(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(accepted)";
}

mode_t mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("without a secret, load_herd_config creates a 0600 secret file beside the config") {
  ::unsetenv(kSecretEnv);
  const auto path = secretless_config("secret-create");
  const auto secret_path = std::filesystem::path(path).replace_extension(".secret").string();
  REQUIRE_FALSE(std::filesystem::exists(secret_path));
  const auto c = load_herd_config(path);
  CHECK(c.secret_file == secret_path);
  REQUIRE(std::filesystem::exists(secret_path));
  CHECK(mode_of(secret_path) == 0600);
  const std::string text = read_file(secret_path);
  CHECK(text.size() == 64);
  CHECK(text.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(c.secret == text);
  // The next load reads the same secret back.
  CHECK(load_herd_config(path).secret == text);
  // No stray temp files are left beside it.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path())) ++files;
  CHECK(files == 2);
}

TEST_CASE("servers loading one config at the same moment agree on one secret") {
  ::unsetenv(kSecretEnv);
  for (int round = 0; round < 10; ++round) {
    const auto path = secretless_config("secret-race");
    constexpr int kThreads = 5;
    std::vector<std::string> secrets(kThreads), errors(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        try {
          secrets[t] = load_herd_config(path).secret;
        } catch (const std::exception& e) {
          errors[t] = e.what();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (int t = 0; t < kThreads; ++t) {
      INFO("round " << round << " thread " << t);
      CHECK(errors[t].empty());
      CHECK(secrets[t].size() == 64);
      CHECK(secrets[t] == secrets[0]);
    }
    CHECK(read_file(std::filesystem::path(path).replace_extension(".secret").string()) == secrets[0]);
  }
}

TEST_CASE("a secret file others can read, that is not a file, or that is short is refused, naming the path") {
  ::unsetenv(kSecretEnv);
  const auto path = secretless_config("secret-refuse");
  const auto secret_path = std::filesystem::path(path).replace_extension(".secret").string();
  std::ofstream(secret_path) << "a secret of more than sixteen bytes\n";
  ::chmod(secret_path.c_str(), 0644);
  const std::string err = load_error(path);
  CHECK_THAT(err, Catch::Matchers::StartsWith(path + ": secret_file: " + secret_path + ": has mode 0644"));
  CHECK(err.find("chmod 600 " + secret_path) != std::string::npos);
  CHECK(err.find("sixteen") == std::string::npos);  // never print the secret
  ::chmod(secret_path.c_str(), 0640);
  CHECK(load_error(path).find("has mode 0640") != std::string::npos);
  ::chmod(secret_path.c_str(), 0700);
  CHECK(load_error(path).find("has mode 0700") != std::string::npos);
  // 0600 and stricter are fine; the trailing newline is not part of it.
  ::chmod(secret_path.c_str(), 0400);
  CHECK(load_herd_config(path).secret == "a secret of more than sixteen bytes");
  ::chmod(secret_path.c_str(), 0600);
  std::ofstream(secret_path) << "fifteen bytes!!\n";
  CHECK(load_error(path) == path + ": secret_file: " + secret_path + ": holds 15 bytes; a secret must be at least 16 bytes");
  std::filesystem::remove(secret_path);
  std::filesystem::create_directory(secret_path);
  CHECK(load_error(path) == path + ": secret_file: " + secret_path + ": is not a regular file");
  // A secret_file in a directory that does not exist cannot be created.
  const auto elsewhere = secretless_config("secret-nodir", R"(, "secret_file": "no/such/dir/h.secret")");
  CHECK_THAT(load_error(elsewhere), Catch::Matchers::Contains("secret_file: " +
                                                               std::filesystem::path(elsewhere).parent_path().string() +
                                                               "/no/such/dir/h.secret: does not exist and cannot be created: No such file or directory"));
}

TEST_CASE("HERD_SECRET and the config's secret win over the secret file - address mode needs none") {
  const auto path = secretless_config("secret-env");
  const auto secret_path = std::filesystem::path(path).replace_extension(".secret").string();
  ::setenv(kSecretEnv, "a secret from the environment", 1);
  CHECK(load_herd_config(path).secret == "a secret from the environment");
  ::unsetenv(kSecretEnv);
  CHECK_FALSE(std::filesystem::exists(secret_path));
  const auto given = secretless_config("secret-given", R"(, "secret": "a secret in the config file")");
  CHECK(load_herd_config(given).secret == "a secret in the config file");
  CHECK_FALSE(std::filesystem::exists(std::filesystem::path(given).replace_extension(".secret")));
  const auto address = secretless_config("secret-address", R"(, "peer_auth": "address")");
  const auto a = load_herd_config(address);
  CHECK(a.peer_auth == PeerAuth::Address);
  CHECK(a.secret.empty());
  CHECK_FALSE(std::filesystem::exists(std::filesystem::path(address).replace_extension(".secret")));
}

TEST_CASE("resolve_secret without a secret file to read names secret_file") {
  auto c = parse_herd_config(kTwo, "herd.json");
  try {
    resolve_secret(c);
    FAIL("accepted");
  } catch (const ConfigError& e) {
    CHECK(e.field() == "secret_file");
    CHECK_THAT(std::string(e.what()), Catch::Matchers::Contains("no secret"));
  }
  const auto dir = temp_dir("resolve");
  c.secret_file = dir + "/direct.secret";
  resolve_secret(c);
  CHECK(c.secret.size() == 64);
  CHECK(mode_of(c.secret_file) == 0600);
}

// --- issue 9: the CLI -----------------------------------------------------------

TEST_CASE("cli: herd serve and herd up exit 2 naming the field for a number out of range or truncated JSON") {
  const auto dir = temp_dir("cli-json");
  const auto huge = dir + "/huge.json";
  std::ofstream(huge) << R"({"preset": "hill", "base_port": 11625, "limits": {"max_connections": 1e400}})";
  for (const char* cmd : {" serve --name Hill --config ", " up --config "}) {
    INFO(cmd);
    const auto [code, out] = run(std::string(HERD_BIN) + cmd + huge);
    CHECK(code == 2);
    CHECK(out.find(huge + ": limits.max_connections: the number 1e400 is too large") != std::string::npos);
  }
  const auto cut = dir + "/cut.json";
  std::ofstream(cut) << "{\"preset\": \"hill\",\n  \"base_port\": 11625,\n";
  const auto [code, out] = run(std::string(HERD_BIN) + " serve --name Hill --config " + cut);
  CHECK(code == 2);
  CHECK(out.find(cut + ": (json): not valid JSON at line 3, column 1: unexpected end of input") != std::string::npos);
  CHECK(out.find("json.exception") == std::string::npos);
  const auto bad_secret = dir + "/s.json";
  std::ofstream(bad_secret) << R"({"preset": "hill", "base_port": 11625})";
  std::ofstream(dir + "/s.secret") << "a secret of more than sixteen bytes";
  ::chmod((dir + "/s.secret").c_str(), 0644);
  const auto [code3, out3] = run("env -u HERD_SECRET " + std::string(HERD_BIN) + " up --config " + bad_secret);
  CHECK(code3 == 2);
  CHECK(out3.find("secret_file: " + dir + "/s.secret: has mode 0644") != std::string::npos);
}

namespace {

// True if something accepts connections on 127.0.0.1:port.
bool listening(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

TEST_CASE("cli: herd up with one server unable to start stops the others and exits 1 at once") {
  ::unsetenv(kSecretEnv);
  const auto dir = temp_dir("cli-up-fail");
  // Beta's client port is taken by someone else before the herd starts.
  const int squatter = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(squatter, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(squatter, 16) == 0);
  socklen_t len = sizeof a;
  ::getsockname(squatter, reinterpret_cast<sockaddr*>(&a), &len);
  const std::uint16_t taken = ntohs(a.sin_port);
  const std::uint16_t c0 = free_port(), c2 = free_port(), p0 = free_port(), p1 = free_port(), p2 = free_port();
  const auto path = dir + "/three.json";
  std::ofstream(path) << R"({"servers": [
    {"name": "Alpha", "port": )" << c0 << R"(, "peer_port": )" << p0 << R"(, "neighbours": ["Beta"]},
    {"name": "Beta", "port": )" << taken << R"(, "peer_port": )" << p1 << R"(, "neighbours": ["Alpha", "Gamma"]},
    {"name": "Gamma", "port": )" << c2 << R"(, "peer_port": )" << p2 << R"(, "neighbours": ["Beta"]}]})";
  const auto start = std::chrono::steady_clock::now();
  const auto [code, out] = run("timeout 60 " + std::string(HERD_BIN) + " up --config " + path);
  const auto took = std::chrono::steady_clock::now() - start;
  ::close(squatter);
  INFO(out);
  CHECK(code == 1);
  CHECK(took < std::chrono::seconds(8));
  CHECK(out.find("herd up: Beta failed to start (exit status 1); stopped the others") != std::string::npos);
  CHECK(out.find("herd up: started") == std::string::npos);
  // Nothing of this herd is left running.
  for (const auto port : {c0, c2, p0, p1, p2}) {
    INFO(port);
    CHECK_FALSE(listening(port));
  }
  // The secret was created once, by herd up, before any server started.
  const auto secret_path = dir + "/three.secret";
  REQUIRE(std::filesystem::exists(secret_path));
  CHECK(mode_of(secret_path) == 0600);
}

TEST_CASE("cli: herd serve names file and field for a listen host not on this machine and for a log_dir it cannot use") {
  const auto dir = temp_dir("cli-start");
  const auto far = dir + "/far.json";
  // 192.0.2.0/24 is TEST-NET-1: never an address of this machine.
  std::ofstream(far) << R"({"servers": [{"name": "A", "host": "192.0.2.7", "port": )" << free_port()
                     << R"(, "peer_port": )" << free_port() << "}]}";
  const auto [code, out] = run(std::string(HERD_BIN) + " serve --name A --config " + far);
  CHECK(code == 2);
  CHECK(out.find(far + ": servers[0].host: '192.0.2.7' is not an address of this machine") != std::string::npos);

  const auto logs = dir + "/logs.json";
  std::ofstream(dir + "/a-file") << "not a directory\n";
  std::ofstream(logs) << R"({"servers": [{"name": "A", "port": )" << free_port() << R"(, "peer_port": )" << free_port()
                      << R"(}], "log_dir": ")" << dir << R"(/a-file/logs"})";
  const auto [code2, out2] = run(std::string(HERD_BIN) + " serve --name A --config " + logs);
  CHECK(code2 == 2);
  CHECK(out2.find(logs + ": log_dir: cannot open log file " + dir + "/a-file/logs/A.log") != std::string::npos);
}
