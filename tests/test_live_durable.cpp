// Durable tables, tried as users would break them: real `herd serve`
// processes on loopback, killed with SIGKILL (no destructor, no flush), the
// neighbour killed too, and the server restarted alone. Whatever it had
// answered (batch: more than one group-commit window before the kill) it
// must still answer; a file that is not its table must stop it, untouched.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "test_live_support.h"

using namespace herd::live::test;

namespace {

struct ServeProcesses {
  ServeProcesses() : dir(temp_dir("durable")), ports{free_port(), free_port()}, peer_ports{free_port(), free_port()} {}
  ~ServeProcesses() {
    while (!pids.empty()) kill9(pids.begin()->first);
  }

  void write_config(const std::string& durability) {
    std::ofstream(dir + "/herd.json")
        << R"({"servers": [
  {"name": "A", "port": )" << ports[0] << R"(, "peer_port": )" << peer_ports[0] << R"(, "neighbours": ["B"]},
  {"name": "B", "port": )" << ports[1] << R"(, "peer_port": )" << peer_ports[1] << R"(, "neighbours": ["A"]}],
 "data_dir": ")" << dir << R"(/data", "durability": ")" << durability << R"(", "log_dir": ")" << dir << R"(/logs",
 "limits": {"reconnect_initial_ms": 20, "reconnect_max_ms": 200}})";
  }
  std::uint16_t port(const std::string& name) const { return ports[name == "A" ? 0 : 1]; }

  void start(const std::string& name) {
    const std::string config = dir + "/herd.json", err = dir + "/" + name + ".stderr";
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      const int fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execl(HERD_BIN, HERD_BIN, "serve", "--config", config.c_str(), "--name", name.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    pids[name] = pid;
    REQUIRE(eventually([&] { return answering(port(name)); }));
  }
  // SIGKILL: nothing of the server's own runs after this.
  void kill9(const std::string& name) {
    auto it = pids.find(name);
    if (it == pids.end()) return;
    ::kill(it->second, SIGKILL);
    ::waitpid(it->second, nullptr, 0);
    pids.erase(it);
  }
  void stop(const std::string& name) {
    ::kill(pids.at(name), SIGTERM);
    ::waitpid(pids.at(name), nullptr, 0);
    pids.erase(name);
  }
  static bool answering(std::uint16_t port) {
    try {
      LineClient c(port);
      c.send("PING\n");
      return c.line(std::chrono::milliseconds(500)).has_value();
    } catch (const std::exception&) {
      return false;
    }
  }
  // Runs `herd serve` for a server expected to refuse to start.
  std::pair<int, std::string> refused_start(const std::string& name) {
    return run("timeout 20 " + std::string(HERD_BIN) + " serve --config " + dir + "/herd.json --name " + name);
  }

  std::string dir;
  std::uint16_t ports[2], peer_ports[2];
  std::map<std::string, pid_t> pids;
};

// Reports at A (one connection per command, as a course grader sends them)
// and at B (reaching A by flooding); returns client -> AT line.
std::map<std::string, std::string> report_at_both(ServeProcesses& h, int per_server) {
  // Flooding only uses links that are up: both directions first, or B's
  // first reports never reach A (and A is not to blame for not having them).
  for (const auto& [log, peer] : {std::pair{"A", "B"}, std::pair{"B", "A"}}) {
    REQUIRE(eventually([&, log = log, peer = peer] {
      return read_file(h.dir + "/logs/" + log + ".log").find(std::string("peer ") + peer + " up (outbound") !=
             std::string::npos;
    }));
  }
  std::map<std::string, std::string> at;
  for (int i = 0; i < per_server; ++i) {
    for (const char* s : {"A", "B"}) {
      const std::string client = std::string("c") + s + std::to_string(i);
      const auto reply = ask(h.port(s), "IAMAT " + client + " +34.068930-118.445127 1621464827." + std::to_string(100 + i));
      REQUIRE(reply.starts_with(std::string("AT ") + s + " "));
      at[client] = reply;
    }
  }
  // B's last report is known at A (so all of them are: one link, in order).
  const std::string last = "cB" + std::to_string(per_server - 1);
  REQUIRE(eventually([&] { return whatsat_at_line(h.port("A"), last) == at[last]; }));
  return at;
}

std::size_t answered_from(ServeProcesses& h, const std::map<std::string, std::string>& at) {
  std::size_t same = 0;
  for (const auto& [client, line] : at) same += whatsat_at_line(h.port("A"), client) == line;
  return same;
}

}  // namespace

TEST_CASE("batch durability: a server killed with SIGKILL, its only neighbour too, restarts alone knowing every client") {
  ServeProcesses h;
  h.write_config("batch");
  h.start("A");
  h.start("B");
  const auto at = report_at_both(h, 150);
  // More than the documented window (10 ms group commit + one commit).
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  h.kill9("A");
  h.kill9("B");
  h.start("A");
  CHECK(answered_from(h, at) == at.size());
  // The restored table is the server's own again: new reports replace old ones.
  const auto newer = ask(h.port("A"), "IAMAT cA0 +1+2 1721464827");
  CHECK(whatsat_at_line(h.port("A"), "cA0") == newer);
  const auto log = read_file(h.dir + "/logs/A.log");
  CHECK(log.find("300 reports restored") != std::string::npos);
}

TEST_CASE("fsync durability: every report answered before a SIGKILL survives it") {
  ServeProcesses h;
  h.write_config("fsync");
  h.start("A");
  h.start("B");
  const auto at = report_at_both(h, 40);
  h.kill9("A");  // at once: no window to wait out
  h.kill9("B");
  h.start("A");
  CHECK(answered_from(h, at) == at.size());
}

TEST_CASE("durability off: the control, a restarted server has forgotten everything") {
  ServeProcesses h;
  h.write_config("off");
  h.start("A");
  h.start("B");
  const auto at = report_at_both(h, 5);
  h.kill9("A");
  h.kill9("B");
  h.start("A");
  CHECK(answered_from(h, at) == 0);
  CHECK_FALSE(std::filesystem::exists(h.dir + "/data/A.sqlite"));
}

TEST_CASE("a corrupt or foreign table file stops the server with a clear message and is left untouched") {
  ServeProcesses h;
  h.write_config("batch");
  std::filesystem::create_directories(h.dir + "/data");
  const std::string a = h.dir + "/data/A.sqlite";
  std::ofstream(a) << "this is not a database, it is a text file someone put here\n";
  const auto garbage = read_file(a);
  auto [code, out] = h.refused_start("A");
  CHECK(code == 1);
  CHECK(out.find(a) != std::string::npos);
  CHECK(out.find("not an SQLite database") != std::string::npos);
  CHECK(read_file(a) == garbage);
  CHECK_FALSE(std::filesystem::exists(h.dir + "/logs/A.log"));  // nothing started

  // Another server's table, copied over after a clean stop.
  h.start("B");
  CHECK(ask(h.port("B"), "IAMAT kiwi +1+2 1621464827").starts_with("AT B "));
  h.stop("B");
  std::filesystem::copy_file(h.dir + "/data/B.sqlite", a, std::filesystem::copy_options::overwrite_existing);
  const auto foreign = read_file(a);
  std::tie(code, out) = h.refused_start("A");
  CHECK(code == 1);
  CHECK(out.find("'B'") != std::string::npos);
  CHECK(read_file(a) == foreign);
}
