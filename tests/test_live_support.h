#pragma once
// Helpers for the live tests: a herd of in-process LiveServers on loopback
// with ephemeral ports (each server on its own thread and io_context), a
// blocking line client with timeouts, and polling with a deadline.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/asio/herd_config.h"
#include "engine/asio/live_server.h"
#include "topology/topology.h"

namespace herd::live::test {

// Polls `done` every few milliseconds until it is true or `timeout` passes.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A fresh empty directory under the system temp dir.
std::string temp_dir(const std::string& tag);

// parse_herd_config's error message for `text` (as file "herd.json"), or
// "(accepted)".
std::string error_of(const std::string& text, const std::optional<std::string>& env = std::nullopt);

// A valid two-server config: A (ports 1000/2000) and B (1001/2001), neighbours.
inline const std::string kTwo = R"({"servers": [
  {"name": "A", "port": 1000, "peer_port": 2000, "neighbours": ["B"]},
  {"name": "B", "port": 1001, "peer_port": 2001, "neighbours": ["A"]}]})";

// A config for a five-server preset with every port 0 (ephemeral).
HerdConfig preset_config(const std::string& preset);

class TestHerd {
 public:
  // Starts every server of `config` and waits until every peer link is up.
  explicit TestHerd(HerdConfig config);
  ~TestHerd();

  const HerdConfig& config() const { return config_; }
  std::size_t index(const std::string& name) const;
  LiveServer& server(const std::string& name) { return *servers_[index(name)]; }
  std::uint16_t port(const std::string& name) const { return ports_[index(name)]; }
  bool running(const std::string& name) const { return servers_[index(name)] != nullptr; }

  // Stops a server for real: every socket of it closes.
  void kill(const std::string& name);
  // Starts a fresh server (empty table) on the same ports.
  void restart(const std::string& name);
  // Every running server has every running neighbour's outbound link up.
  bool links_up();

 private:
  void start(std::size_t i);

  HerdConfig config_;
  std::vector<std::unique_ptr<LiveServer>> servers_;
  std::vector<std::uint16_t> ports_, peer_ports_;
};

// A blocking TCP client on 127.0.0.1 with a receive timeout per call.
class LineClient {
 public:
  // `receive_buffer` > 0 shrinks SO_RCVBUF (so a test can stop reading and
  // have the server's queue fill quickly).
  explicit LineClient(std::uint16_t port, const std::string& bind_address = "", int receive_buffer = 0);
  ~LineClient();
  LineClient(const LineClient&) = delete;
  LineClient& operator=(const LineClient&) = delete;

  void send(const std::string& bytes);
  // Sends without blocking; returns bytes accepted by the kernel.
  std::size_t send_some(const std::string& bytes);
  void shutdown_write();
  // The next line without '\n', or nullopt on timeout/EOF.
  std::optional<std::string> line(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads until `n` bytes follow the current buffer position (or timeout).
  std::optional<std::string> bytes(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads until EOF (true) or timeout/error other than reset (false); the
  // data read lands in rest().
  bool wait_eof(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  const std::string& rest() const { return buf_; }
  // Reads one full WHATSAT reply (up to the blank line).
  std::optional<std::string> whatsat_reply(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buf_;
  bool eof_ = false;
};

// One request on a fresh connection; returns the first reply line.
std::string ask(std::uint16_t port, const std::string& line);
// WHATSAT on a fresh connection: the AT line of the reply, or "? ..." line.
std::string whatsat_at_line(std::uint16_t port, const std::string& client);

std::string read_file(const std::string& path);

// A free TCP port on loopback (bound, read, released).
std::uint16_t free_port();
// Runs a shell command, returning (exit status, stderr+stdout).
std::pair<int, std::string> run(const std::string& cmd);

}  // namespace herd::live::test
