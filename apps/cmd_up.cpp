// `herd up --config FILE`: starts every server of a herd on this machine, each
// as its own `herd serve` process (so one can be killed for real), forwards
// Ctrl-C/SIGTERM to all of them, says where the logs are, and waits.
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/program_options.hpp>

#include "apps/commands.h"
#include "engine/asio/herd_config.h"

extern char** environ;

namespace po = boost::program_options;

namespace herd::apps {

namespace {

volatile std::sig_atomic_t g_signal = 0;
void remember_signal(int sig) { g_signal = sig; }

std::string self_exe(const char* argv0) {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(argv0) : p.string();
}

}  // namespace

int cmd_up(int argc, char** argv) {
  po::options_description opts(
      "herd up --config FILE\n"
      "Starts every server in FILE as a separate `herd serve` process, forwards\n"
      "Ctrl-C (SIGINT) and SIGTERM to them, and waits until all have exited.\n"
      "Kill one (its pid is printed) to watch the herd route around it.\n\noptions");
  std::string config_path;
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
  live::HerdConfig config;
  try {
    config = live::load_herd_config(config_path);  // validate once, before any process starts
  } catch (const std::exception& e) {
    std::cerr << "herd up: " << e.what() << "\n";
    return 2;
  }

  // SIGINT, SIGTERM and SIGCHLD stay blocked except inside sigsuspend, so
  // none can slip in between checking for it and going to sleep. Children
  // get the original mask back.
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGCHLD);
  sigprocmask(SIG_BLOCK, &block, &old);
  struct sigaction sa {};
  sa.sa_handler = remember_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  struct sigaction chld {};
  chld.sa_handler = [](int) {};  // only to wake sigsuspend
  sigaction(SIGCHLD, &chld, nullptr);

  const std::string exe = self_exe(argv[0]);
  std::map<pid_t, std::string> children;
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setsigmask(&attr, &old);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  int rc = 0;
  for (const auto& s : config.servers) {
    std::vector<std::string> args = {exe, "serve", "--config", config_path, "--name", s.name};
    std::vector<char*> cargs;
    for (auto& a : args) cargs.push_back(a.data());
    cargs.push_back(nullptr);
    pid_t pid = 0;
    if (int err = posix_spawn(&pid, exe.c_str(), nullptr, &attr, cargs.data(), environ); err != 0) {
      std::cerr << "herd up: cannot start " << s.name << ": " << std::strerror(err) << "\n";
      rc = 1;
      break;
    }
    children[pid] = s.name;
    std::cout << "herd up: " << s.name << " pid " << pid << " clients " << s.host << ":" << s.port << "\n";
  }
  posix_spawnattr_destroy(&attr);
  if (config.log_dir.empty()) {
    std::cout << "herd up: no log_dir in " << config_path << ": servers keep no log files\n";
  } else {
    std::cout << "herd up: logs in " << std::filesystem::absolute(config.log_dir).string() << "/<server>.log\n";
  }
  std::cout << "herd up: Ctrl-C stops the herd" << std::endl;
  if (rc != 0) g_signal = SIGTERM;

  sigset_t wait_mask = old;
  sigdelset(&wait_mask, SIGINT);
  sigdelset(&wait_mask, SIGTERM);
  sigdelset(&wait_mask, SIGCHLD);
  bool forwarded = false;
  while (!children.empty()) {
    int status = 0;
    pid_t pid = 0;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
      const auto it = children.find(pid);
      if (it == children.end()) continue;
      std::cout << "herd up: " << it->second << " (pid " << pid << ") exited"
                << (WIFSIGNALED(status) ? " on signal " + std::to_string(WTERMSIG(status))
                                        : " with status " + std::to_string(WEXITSTATUS(status)))
                << std::endl;
      if (!forwarded && WIFEXITED(status) && WEXITSTATUS(status) != 0) rc = 1;
      children.erase(it);
    }
    if (children.empty() || pid < 0) break;
    if (g_signal && !forwarded) {
      std::cout << "herd up: forwarding signal " << g_signal << " to " << children.size() << " servers"
                << std::endl;
      for (const auto& [child, name] : children) kill(child, g_signal);
      forwarded = true;
      continue;
    }
    sigsuspend(&wait_mask);
  }
  sigprocmask(SIG_SETMASK, &old, nullptr);
  return rc;
}

}  // namespace herd::apps
