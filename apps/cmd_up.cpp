// `herd up --config FILE`: starts every server of a herd on this machine, each
// as its own `herd serve` process (so one can be killed for real), forwards
// Ctrl-C/SIGTERM to all of them, says where the logs are, and waits.
//
// A herd that cannot fully start is stopped: one server that exits with an
// error (its port taken, say) takes the others down with it, so `herd up`
// never leaves four servers running behind a failure it reported.
#include <csignal>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/program_options.hpp>

#include "apps/commands.h"
#include "engine/asio/herd_config.h"

extern char** environ;

namespace po = boost::program_options;

namespace herd::apps {

namespace {

// How long every server gets to accept connections on its client port.
constexpr int kStartDeadlineMs = 10'000;
// How long stopped servers get to exit before they are killed.
constexpr int kStopDeadlineMs = 10'000;

std::string self_exe(const char* argv0) {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(argv0) : p.string();
}

std::string describe(int status) {
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "exit status " + std::to_string(WEXITSTATUS(status));
}

long now_ms() {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000 + t.tv_nsec / 1'000'000;
}

// The line a readiness probe sends; a herd server answers an unknown
// command with "? " and the line (docs/protocol.md), which a squatter on the port does not.
constexpr std::string_view kProbe = "HERD-UP-PROBE";

// True once a herd server answers at host:port. Accepting the connection is
// not enough: whoever holds the port when the server cannot bind it accepts
// too, and the failing server would look started. Non-blocking with short
// waits, so a host that drops SYNs cannot stall the loop.
bool answers(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) return false;
  bool ok = false;
  for (addrinfo* a = res; a && !ok; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    bool connected = ::connect(fd, a->ai_addr, a->ai_addrlen) == 0;
    if (!connected && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int err = 0;
      socklen_t len = sizeof err;
      connected = ::poll(&p, 1, 100) == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
    }
    const std::string line = std::string(kProbe) + "\n";
    if (connected && ::send(fd, line.data(), line.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(line.size())) {
      const std::string expect = "? " + std::string(kProbe);
      std::string got;
      const long deadline = now_ms() + 500;
      while (got.size() < expect.size() && now_ms() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 50) != 1) continue;
        char buf[64];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
      }
      ok = got.starts_with(expect);
    }
    ::close(fd);
  }
  ::freeaddrinfo(res);
  return ok;
}

struct Child {
  std::string name;
  std::string host;
  std::uint16_t port = 0;
  bool ready = false;
};

class Herd {
 public:
  explicit Herd(const sigset_t& signals) : signals_(signals) {}

  std::map<pid_t, Child> children;
  int signal = 0;  // SIGINT/SIGTERM received

  // Waits up to `ms` for a signal; a SIGINT/SIGTERM lands in `signal`.
  void wait(int ms) {
    timespec t{ms / 1000, (ms % 1000) * 1'000'000L};
    const int sig = ::sigtimedwait(&signals_, nullptr, &t);
    if (sig == SIGINT || sig == SIGTERM) signal = sig;
  }

  // Reaps exited children, reporting each; returns them with their status.
  std::vector<std::pair<Child, int>> reap() {
    std::vector<std::pair<Child, int>> out;
    int status = 0;
    pid_t pid = 0;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
      const auto it = children.find(pid);
      if (it == children.end()) continue;
      std::cout << "herd up: " << it->second.name << " (pid " << pid << ") exited with " << describe(status)
                << std::endl;
      out.emplace_back(it->second, status);
      children.erase(it);
    }
    return out;
  }

  // Sends `sig` to every child and waits for all of them (SIGKILL after a
  // deadline: a stuck server must not keep its ports).
  void stop(int sig) {
    for (const auto& [pid, c] : children) ::kill(pid, sig);
    const long deadline = now_ms() + kStopDeadlineMs;
    bool killed = false;
    while (!children.empty()) {
      reap();
      if (children.empty()) break;
      if (!killed && now_ms() > deadline) {
        for (const auto& [pid, c] : children) ::kill(pid, SIGKILL);
        killed = true;
      }
      wait(50);
    }
  }

 private:
  sigset_t signals_;
};

// Parses the command line and loads the config. Returns an exit code when
// `herd up` is done already (help, bad usage, invalid config).
std::optional<int> parse_up(int argc, char** argv, std::string& config_path, live::HerdConfig& config) {
  po::options_description opts(
      "herd up --config FILE\n"
      "Starts every server in FILE as a separate `herd serve` process, waits until each\n"
      "accepts clients, forwards Ctrl-C (SIGINT) and SIGTERM to them, and waits until all\n"
      "have exited. Kill one (its pid is printed) to watch the herd route around it.\n"
      "If a server fails (exits with an error, or does not start within 10 s), the others\n"
      "are stopped too.\n"
      "Exit codes: 0 stopped by Ctrl-C/SIGTERM; 1 a server failed to start or run;\n"
      "2 bad usage or an invalid config (the message names the file, field and reason).\n\noptions");
  opts.add_options()("help,h", "show this help")("config", po::value(&config_path), "herd config (JSON)");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "herd up: " << e.what() << "\n" << opts;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << opts;
    return 0;
  }
  if (config_path.empty()) {
    std::cerr << "herd up: --config is required\n" << opts;
    return 2;
  }
  try {
    // Validates once, before any process starts, and creates the secret
    // file here: five servers racing to create it would still agree, but
    // one creator is simpler to reason about.
    config = live::load_herd_config(config_path);
  } catch (const std::exception& e) {
    std::cerr << "herd up: " << e.what() << "\n";
    return 2;
  }
  return std::nullopt;
}

// SIGINT, SIGTERM and SIGCHLD stay blocked while it lives and are taken with
// sigtimedwait, so none can slip in between checking and sleeping. Children
// get the original mask back (`original`), and so does this process at the end.
class BlockedSignals {
 public:
  BlockedSignals() {
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGCHLD);
    sigprocmask(SIG_BLOCK, &blocked, &original);
    struct sigaction chld {};
    chld.sa_handler = [](int) {};  // a default-ignored SIGCHLD might never be queued
    sigaction(SIGCHLD, &chld, nullptr);
  }
  ~BlockedSignals() { sigprocmask(SIG_SETMASK, &original, nullptr); }
  BlockedSignals(const BlockedSignals&) = delete;
  BlockedSignals& operator=(const BlockedSignals&) = delete;

  sigset_t blocked, original;
};

// Starts one `herd serve` per server of the config. Returns why one could not
// be started, or "" when all were.
std::string spawn_servers(Herd& herd, const std::string& exe, const live::HerdConfig& config,
                          const std::string& config_path, const sigset_t& child_mask) {
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setsigmask(&attr, &child_mask);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  std::string spawn_error;
  for (const auto& s : config.servers) {
    std::vector<std::string> args = {exe, "serve", "--config", config_path, "--name", s.name};
    std::vector<char*> cargs;
    for (auto& a : args) cargs.push_back(a.data());
    cargs.push_back(nullptr);
    pid_t pid = 0;
    if (int err = posix_spawn(&pid, exe.c_str(), nullptr, &attr, cargs.data(), environ); err != 0) {
      spawn_error = s.name + " cannot be started: " + std::strerror(err);
      break;
    }
    // Port 0 (any free port) cannot be probed: such a server counts as ready.
    herd.children[pid] = Child{s.name, s.host, s.port, s.port == 0};
  }
  posix_spawnattr_destroy(&attr);
  return spawn_error;
}

// Start-up: every server must accept clients before the deadline, and any
// exit before then is a failure to start, whatever its status. Returns the
// failure, or "" once all answer or a signal came.
std::string await_started(Herd& herd) {
  const long deadline = now_ms() + kStartDeadlineMs;
  for (;;) {
    for (const auto& [c, status] : herd.reap()) return c.name + " failed to start (" + describe(status) + ")";
    if (herd.signal) return "";
    bool all = true;
    for (auto& [pid, c] : herd.children) {
      if (!c.ready) c.ready = answers(c.host, c.port);
      all = all && c.ready;
    }
    if (all) return "";
    if (now_ms() > deadline) {
      for (const auto& [pid, c] : herd.children) {
        if (!c.ready) {
          return c.name + " failed to start (no answer on " + c.host + ":" + std::to_string(c.port) + " within " +
                 std::to_string(kStartDeadlineMs / 1000) + " s)";
        }
      }
    }
    herd.wait(50);
  }
}

void print_started(const Herd& herd, const live::HerdConfig& config, const std::string& config_path) {
  for (const auto& [pid, c] : herd.children) {
    std::cout << "herd up: " << c.name << " pid " << pid << " clients " << c.host << ":" << c.port << "\n";
  }
  std::cout << "herd up: started " << herd.children.size() << " servers\n";
  if (config.log_dir.empty()) {
    std::cout << "herd up: no log_dir in " << config_path << ": servers keep no log files\n";
  } else {
    std::cout << "herd up: logs in " << std::filesystem::absolute(config.log_dir).string() << "/<server>.log\n";
  }
  std::cout << "herd up: Ctrl-C stops the herd" << std::endl;
}

// Running: a server killed by a signal (someone trying the herd's fault
// tolerance) or stopped cleanly leaves the rest running; one that exits
// with an error means the herd is broken. Returns that failure, or "" when
// all have exited or a signal came.
std::string supervise(Herd& herd) {
  while (!herd.children.empty() && !herd.signal) {
    for (const auto& [c, status] : herd.reap()) {
      if (WIFEXITED(status) && WEXITSTATUS(status) != 0) return c.name + " failed (" + describe(status) + ")";
    }
    if (herd.children.empty()) break;
    herd.wait(1000);
  }
  return "";
}

}  // namespace

int cmd_up(int argc, char** argv) {
  std::string config_path;
  live::HerdConfig config;
  if (const auto done = parse_up(argc, argv, config_path, config)) return *done;

  const BlockedSignals signals;
  Herd herd(signals.blocked);
  auto fail = [&](const std::string& what) {
    herd.stop(SIGTERM);
    std::cerr << "herd up: " << what << "; stopped the others" << std::endl;
    return 1;
  };
  if (auto e = spawn_servers(herd, self_exe(argv[0]), config, config_path, signals.original); !e.empty()) return fail(e);
  if (auto e = await_started(herd); !e.empty()) return fail(e);
  if (!herd.signal) print_started(herd, config, config_path);
  if (auto e = supervise(herd); !e.empty()) return fail(e);
  if (herd.signal) {
    std::cout << "herd up: forwarding signal " << herd.signal << " to " << herd.children.size() << " servers"
              << std::endl;
    herd.stop(herd.signal);
  }
  return 0;
}

}  // namespace herd::apps
