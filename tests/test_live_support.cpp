#include "test_live_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "topology/presets.h"

namespace herd::live::test {

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string error_of(const std::string& text, const std::optional<std::string>& env) {
  try {
    parse_herd_config(text, "herd.json", env);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(accepted)";
}

std::string temp_dir(const std::string& tag) {
  static std::atomic<int> n{0};
  auto p = std::filesystem::temp_directory_path() /
           ("herd-live-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

HerdConfig preset_config(const std::string& preset) {
  const Preset* p = find_preset(preset);
  if (!p) throw std::runtime_error("no preset " + preset);
  HerdConfig c;
  c.source = "(test " + preset + ")";
  const Topology t = topology_of(*p);
  const auto adj = t.adjacency();
  for (std::size_t i = 0; i < t.size(); ++i) {
    ServerConfig s;
    s.name = t.names[i];
    for (auto n : adj[i]) s.neighbours.push_back(t.names[n]);
    c.servers.push_back(s);
  }
  // Peers authenticate by HMAC, as in production; a fixed secret because
  // parse-free configs never read a secret file.
  c.secret = "herd live tests' shared secret";
  // Fast redial so restart tests finish quickly.
  c.limits.reconnect_initial_ms = 10;
  c.limits.reconnect_max_ms = 100;
  return c;
}

TestHerd::TestHerd(HerdConfig config) : config_(std::move(config)) {
  const auto n = config_.servers.size();
  servers_.resize(n);
  ports_.resize(n);
  peer_ports_.resize(n);
  // Bind everything first (ephemeral ports), then tell each server where its
  // neighbours are, then start: a server never dials an unknown port.
  for (std::size_t i = 0; i < n; ++i) {
    ServerOptions o;
    o.banner = false;
    servers_[i] = std::make_unique<LiveServer>(config_, config_.servers[i].name, o);
    ports_[i] = servers_[i]->client_port();
    peer_ports_[i] = servers_[i]->peer_port();
  }
  // Pin the ports so a restarted server comes back where its peers dial.
  for (std::size_t i = 0; i < n; ++i) {
    config_.servers[i].port = ports_[i];
    config_.servers[i].peer_port = peer_ports_[i];
  }
  for (std::size_t i = 0; i < n; ++i) start(i);
  if (!eventually([&] { return links_up(); })) throw std::runtime_error("peer links did not come up");
}

void TestHerd::start(std::size_t i) {
  for (const auto& nb : config_.servers[i].neighbours) {
    servers_[i]->set_peer_address(nb, "127.0.0.1", peer_ports_[index(nb)]);
  }
  servers_[i]->start();
}

TestHerd::~TestHerd() {
  for (auto& s : servers_) {
    if (s) s->stop();
  }
  servers_.clear();
}

std::size_t TestHerd::index(const std::string& name) const {
  for (std::size_t i = 0; i < config_.servers.size(); ++i) {
    if (config_.servers[i].name == name) return i;
  }
  throw std::runtime_error("no server " + name);
}

void TestHerd::kill(const std::string& name) { servers_[index(name)].reset(); }

void TestHerd::restart(const std::string& name) {
  const auto i = index(name);
  ServerOptions o;
  o.banner = false;
  servers_[i] = std::make_unique<LiveServer>(config_, name, o);
  start(i);
}

bool TestHerd::links_up() {
  for (std::size_t i = 0; i < servers_.size(); ++i) {
    if (!servers_[i]) continue;
    std::size_t expect = 0;
    for (const auto& nb : config_.servers[i].neighbours) expect += servers_[index(nb)] != nullptr;
    if (servers_[i]->status().peers_up.size() != expect) return false;
  }
  return true;
}

LineClient::LineClient(std::uint16_t port, const std::string& bind_address, int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  if (!bind_address.empty()) {
    sockaddr_in b{};
    b.sin_family = AF_INET;
    ::inet_pton(AF_INET, bind_address.c_str(), &b.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&b), sizeof b) != 0) throw std::runtime_error("bind failed");
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    throw std::runtime_error(std::string("connect failed: ") + std::strerror(errno));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

LineClient::~LineClient() {
  if (fd_ >= 0) ::close(fd_);
}

void LineClient::send(const std::string& bytes) {
  std::size_t off = 0;
  while (off < bytes.size()) {
    const auto n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error(std::string("send failed: ") + std::strerror(errno));
    off += static_cast<std::size_t>(n);
  }
}

std::size_t LineClient::send_some(const std::string& bytes) {
  const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

void LineClient::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

bool LineClient::fill(std::chrono::steady_clock::time_point deadline) {
  if (eof_) return false;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char tmp[65536];
  const auto n = ::recv(fd_, tmp, sizeof tmp, 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buf_.append(tmp, static_cast<std::size_t>(n));
  return true;
}

std::optional<std::string> LineClient::line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto nl = buf_.find('\n');
    if (nl != std::string::npos) {
      std::string l = buf_.substr(0, nl);
      buf_.erase(0, nl + 1);
      return l;
    }
    if (!fill(deadline)) return std::nullopt;
  }
}

std::optional<std::string> LineClient::bytes(std::size_t n, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (buf_.size() < n) {
    if (!fill(deadline)) return std::nullopt;
  }
  std::string out = buf_.substr(0, n);
  buf_.erase(0, n);
  return out;
}

bool LineClient::wait_eof(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!eof_) {
    if (!fill(deadline) && !eof_) return false;
  }
  return true;
}

std::optional<std::string> LineClient::whatsat_reply(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (buf_.starts_with("? ")) return line(timeout);
    const auto end = buf_.find("\n\n");
    if (end != std::string::npos) {
      std::string r = buf_.substr(0, end + 2);
      buf_.erase(0, end + 2);
      return r;
    }
    if (!fill(deadline)) return std::nullopt;
  }
}

std::string ask(std::uint16_t port, const std::string& line) {
  LineClient c(port);
  c.send(line + "\n");
  return c.line().value_or("(no reply)");
}

std::string whatsat_at_line(std::uint16_t port, const std::string& client) {
  LineClient c(port);
  c.send("WHATSAT " + client + " 10 3\n");
  const auto r = c.whatsat_reply();
  if (!r) return "(no reply)";
  return r->substr(0, r->find('\n'));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A free TCP port on loopback (bound, read, released).
// The kernel may hand the same free port to two binds in a row once the
// first socket is closed: a test asking for two ports would then get a
// config with one port used twice. Never return a port twice per process.
std::uint16_t free_port() {
  static std::mutex m;
  static std::set<std::uint16_t> given;
  const std::lock_guard lock(m);
  for (;;) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    if (given.insert(ntohs(a.sin_port)).second) return ntohs(a.sin_port);
  }
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

}  // namespace herd::live::test
