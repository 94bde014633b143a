// herd_live_bench: a load generator for live mode. Starts a five-server
// preset herd on loopback (each server on its own thread and io_context, as
// in `herd serve`), opens many client connections to the first server,
// pipelines IAMATs on each (a bounded window of outstanding commands), and
// prints accepted IAMATs per second, reply latency p50/p99, and how long a
// report takes to reach the farthest server (p50/p99), measured by an
// observer on that server. Figures and how they were taken: bench/README.md.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/program_options.hpp>

#include <time.h>
#include <unistd.h>

#include "config/duration.h"
#include "engine/asio/herd_config.h"
#include "engine/asio/live_server.h"
#include "engine/asio/pipelined_client.h"
#include "herd/observer.h"
#include "topology/presets.h"
#include "herd/report.h"
#include "topology/topology.h"

namespace po = boost::program_options;
namespace asio = boost::asio;
using Clock = herd::live::PipelinedClient::Clock;

namespace herd::bench {

namespace {

constexpr Nanos kBaseTime = 1'700'000'000LL * kNanosPerSecond;

std::int64_t ticks(Clock::time_point t = Clock::now()) { return t.time_since_epoch().count(); }

struct Options {
  std::string preset_name = "hill";
  int connections = 32, window = 64, clients = 1;
  double seconds = 5, warmup = 1, rate = 0;
  std::string log_dir, data_dir, durability = "off";
  std::string anti_entropy = "1s";  // herd serve's default (live::kLiveAntiEntropyInterval)

  // Room for every report a run may send (or, per connection, its share),
  // reserved up front: growing a vector mid-run stalls the thread it runs on.
  std::size_t expected_reports() const {
    return static_cast<std::size_t>((rate > 0 ? rate * 1.2 : 400'000.0) * (warmup + seconds + 1));
  }
};

// Returns an exit code when the program is done already (help, bad usage).
std::optional<int> parse_options(int argc, char** argv, Options& o) {
  po::options_description opts(
      "herd_live_bench [options]\n"
      "Starts a five-server preset herd on loopback (ephemeral ports, in this\n"
      "process, one thread per server), loads its first server with pipelined\n"
      "IAMATs, and prints throughput, reply latency and propagation time to the\n"
      "farthest server.\n\noptions");
  opts.add_options()("help,h", "show this help")(
      "preset", po::value(&o.preset_name)->default_value(o.preset_name), "five-server preset")(
      "connections", po::value(&o.connections)->default_value(o.connections), "client connections to the first server")(
      "window", po::value(&o.window)->default_value(o.window), "outstanding IAMATs per connection")(
      "clients", po::value(&o.clients)->default_value(o.clients), "client IDs each connection reports for, in turn")(
      "rate", po::value(&o.rate)->default_value(o.rate), "IAMATs/s offered in total, paced every 1 ms; 0 = as fast as the window allows")(
      "seconds", po::value(&o.seconds)->default_value(o.seconds), "measured duration")(
      "warmup", po::value(&o.warmup)->default_value(o.warmup), "seconds of load before measuring")(
      "log-dir", po::value(&o.log_dir), "write server logs (every line) here; default: no logs")(
      "durability", po::value(&o.durability)->default_value(o.durability), "off, batch or fsync: each server's table on disk")(
      "data-dir", po::value(&o.data_dir), "where the tables go with --durability batch|fsync (emptied first); default: a fresh temporary directory")(
      "anti-entropy", po::value(&o.anti_entropy)->default_value(o.anti_entropy), "rounds' interval (e.g. 1s, 250ms), or off: plain flooding");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "herd_live_bench: " << e.what() << "\n" << opts;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << opts;
    return 0;
  }
  if (!find_preset(o.preset_name) || o.connections < 1 || o.window < 1 || o.clients < 1 || o.seconds <= 0 ||
      o.warmup < 0) {
    std::cerr << "herd_live_bench: bad --preset, --connections, --window, --clients, --seconds or --warmup\n";
    return 2;
  }
  if (o.anti_entropy != "off" && !parse_duration(o.anti_entropy)) {
    std::cerr << "herd_live_bench: --anti-entropy must be a duration (1s, 250ms) or off\n";
    return 2;
  }
  if (!durable::parse_durability(o.durability)) {
    std::cerr << "herd_live_bench: --durability must be off, batch or fsync\n";
    return 2;
  }
  return std::nullopt;
}

// The preset's herd, its tables (if durable) fresh in the data directory.
live::HerdConfig herd_config(const Options& o, const Topology& topo) {
  live::HerdConfig cfg;
  cfg.source = "(herd_live_bench " + o.preset_name + ")";
  cfg.log_dir = o.log_dir;
  cfg.durability = *durable::parse_durability(o.durability);
  if (cfg.durability != live::Durability::Off) {
    cfg.data_dir = o.data_dir.empty() ? (std::filesystem::temp_directory_path() /
                                         ("herd-bench-live-" + std::to_string(::getpid()))).string()
                                      : o.data_dir;
    // A fresh table each run: a restored one would only measure the last run.
    std::error_code ec;
    for (const auto& s : topo.names) std::filesystem::remove(cfg.data_dir + "/" + s + ".sqlite", ec);
  }
  cfg.secret = live::generate_secret();  // peers authenticate by HMAC, as herd serve's do
  cfg.strategy.anti_entropy_interval = o.anti_entropy == "off" ? 0 : *parse_duration(o.anti_entropy);
  const auto adj = topo.adjacency();
  for (std::size_t i = 0; i < topo.size(); ++i) {
    live::ServerConfig s;
    s.name = topo.names[i];
    for (auto n : adj[i]) s.neighbours.push_back(topo.names[n]);
    cfg.servers.push_back(s);
  }
  return cfg;
}

// The farthest server from the loaded one (breadth-first hops).
struct Farthest {
  std::size_t server;
  int hops;
};
Farthest farthest_from_first(const Topology& topo) {
  const auto adj = topo.adjacency();
  std::vector<int> dist(topo.size(), -1);
  std::queue<std::size_t> q;
  dist[0] = 0;
  q.push(0);
  while (!q.empty()) {
    auto u = q.front();
    q.pop();
    for (auto v : adj[u]) {
      if (dist[v] < 0) {
        dist[v] = dist[u] + 1;
        q.push(v);
      }
    }
  }
  const auto far = static_cast<std::size_t>(std::max_element(dist.begin(), dist.end()) - dist.begin());
  return {far, dist[far]};
}

// Records when the far server first stores each bench report. Runs on that
// server's thread only; read after the server has stopped.
class ArrivalObserver final : public NodeObserver {
 public:
  struct Arrival {
    std::uint32_t conn;
    std::uint64_t seq;
    std::int64_t at;
  };
  void peer_report(PeerId, const PeerMessage& m, bool stored, const Report*) override {
    if (!stored) return;
    const auto name = m.report->client_name();
    if (!name.starts_with("bench")) return;
    const auto conn = static_cast<std::uint32_t>(std::stoul(std::string(name.substr(5))));
    arrivals.push_back({conn, static_cast<std::uint64_t>(m.report->client_time() - kBaseTime), ticks()});
  }
  std::vector<Arrival> arrivals;
};

// Starts one server per name (the observer on `far`) on ephemeral ports,
// wired to each other, and waits until every peer link is up. Empty if the
// links did not come up within 10 s.
std::vector<std::unique_ptr<live::LiveServer>> start_herd(const live::HerdConfig& cfg, const Topology& topo,
                                                          std::size_t far, NodeObserver* observer) {
  const auto adj = topo.adjacency();
  std::vector<std::unique_ptr<live::LiveServer>> servers;
  for (std::size_t i = 0; i < topo.size(); ++i) {
    live::ServerOptions o;
    o.banner = false;
    if (i == far) o.observer = observer;
    servers.push_back(std::make_unique<live::LiveServer>(cfg, topo.names[i], o));
  }
  for (std::size_t i = 0; i < topo.size(); ++i) {
    for (auto n : adj[i]) servers[i]->set_peer_address(topo.names[n], "127.0.0.1", servers[n]->peer_port());
  }
  for (auto& s : servers) s->start();
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  for (std::size_t i = 0; i < topo.size(); ++i) {
    while (servers[i]->status().peers_up.size() != adj[i].size()) {
      if (Clock::now() > deadline) {
        std::cerr << "herd_live_bench: peer links did not come up within 10 s\n";
        return {};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  return servers;
}

// One client connection pipelining IAMATs with at most `window` outstanding.
class LoadConnection {
 public:
  LoadConnection(asio::io_context& io, std::uint32_t index, const Options& o, const std::atomic<bool>& running)
      : client_(io, "bench" + std::to_string(index)), window_(o.window), clients_(o.clients), running_(running) {
    send_times.reserve(o.expected_reports() / static_cast<std::size_t>(o.connections));
    replies.reserve(o.expected_reports() / static_cast<std::size_t>(o.connections));
    client_.on_reply([this](const live::PipelinedClient::Reply& r) {
      const auto at = ticks(r.received);
      replies.emplace_back(at, at - ticks(r.sent));
      fill();
    });
    client_.on_error([](const std::string& e) { std::cerr << "herd_live_bench: " << e << "\n"; });
  }
  // Throws std::runtime_error if the connection fails.
  void start(std::uint16_t port) {
    client_.connect("127.0.0.1", port);
    fill();
  }
  // Open-loop pacing: `per_tick` more IAMATs may be sent (fractional credit
  // carries over). Without pacing the window alone limits the load.
  void add_credit(double per_tick) {
    paced_ = true;
    credit_ = std::min(credit_ + per_tick, 4.0 * window_);
    fill();
  }
  void close() { client_.close(); }
  std::uint64_t rejected() const { return client_.rejected_iamats(); }

  std::vector<std::int64_t> send_times;  // by seq
  std::vector<std::pair<std::int64_t, std::int64_t>> replies;  // (reply time, latency)

 private:
  void fill() {
    if (!running_) return;
    const auto now = ticks();
    while (client_.outstanding() < static_cast<std::size_t>(window_) && (!paced_ || credit_ >= 1)) {
      credit_ -= 1;
      const std::uint64_t seq = send_times.size();
      const Nanos t = kBaseTime + static_cast<Nanos>(seq);
      char line[160];
      // Client "bench<connection>-<k>": the observer reads the connection
      // from the leading digits.
      const int n = std::snprintf(line, sizeof line, "IAMAT %s-%llu +34.068930-118.445127 %lld.%09lld",
                                  client_.name().c_str(),
                                  static_cast<unsigned long long>(seq % static_cast<std::uint64_t>(clients_)),
                                  static_cast<long long>(t / kNanosPerSecond),
                                  static_cast<long long>(t % kNanosPerSecond));
      client_.send(std::string_view(line, static_cast<std::size_t>(n)), false);
      send_times.push_back(now);
    }
  }

  live::PipelinedClient client_;
  int window_;
  int clients_;
  const std::atomic<bool>& running_;
  bool paced_ = false;
  double credit_ = 0;
};

double cpu_seconds(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// The measured interval, in ticks(), and the CPU time spent in it: the
// whole process's (servers, their table and log threads, and the load
// generator) and the load generator's own (this thread's).
struct Window {
  std::int64_t from, to;
  double process_cpu = 0, load_cpu = 0;
  bool holds(std::int64_t t) const { return t >= from && t < to; }
};

// Runs the load until the window has passed (plus 300 ms for the reports in
// flight to finish flooding), pacing it every 1 ms if a rate is set.
Window run_load(asio::io_context& io, std::vector<std::unique_ptr<LoadConnection>>& conns, const Options& o,
                std::atomic<bool>& running) {
  const auto t0 = ticks();
  const auto from = t0 + static_cast<std::int64_t>(o.warmup * 1e9);
  const auto to = from + static_cast<std::int64_t>(o.seconds * 1e9);
  Window w{from, to};
  asio::steady_timer start_timer(io, std::chrono::nanoseconds(from - t0));
  start_timer.async_wait([&](const boost::system::error_code&) {
    w.process_cpu = -cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
    w.load_cpu = -cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
  });
  asio::steady_timer stop_timer(io, std::chrono::nanoseconds(to - t0));
  stop_timer.async_wait([&](const boost::system::error_code&) {
    w.process_cpu += cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
    w.load_cpu += cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
    running = false;
    // Let in-flight reports finish flooding before the servers stop.
    stop_timer.expires_after(std::chrono::milliseconds(300));
    stop_timer.async_wait([&](const boost::system::error_code&) {
      for (auto& c : conns) c->close();
    });
  });
  asio::steady_timer pacer(io);
  double given = 0;  // credit handed out so far, from elapsed time (timer ticks run late under load)
  std::function<void()> tick = [&] {
    if (!running) return;
    const double due = o.rate * static_cast<double>(ticks() - t0) / 1e9 - given;
    given += due;
    for (auto& c : conns) c->add_credit(due / o.connections);
    pacer.expires_after(std::chrono::milliseconds(1));
    pacer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  };
  if (o.rate > 0) tick();
  io.run();
  return w;
}

double percentile(std::vector<std::int64_t>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return static_cast<double>(v[k]) / 1e6;  // ms
}

// The figures of one run, from the connections' records and the far server's.
struct Figures {
  std::uint64_t accepted = 0, rejected = 0, sent_in_window = 0;
  std::vector<std::int64_t> reply_latency, propagation;
};

Figures figures(const std::vector<std::unique_ptr<LoadConnection>>& conns, const ArrivalObserver& arrivals,
                Window w) {
  Figures f;
  for (const auto& c : conns) {
    f.rejected += c->rejected();
    for (auto [at, lat] : c->replies) {
      if (w.holds(at)) {
        ++f.accepted;
        f.reply_latency.push_back(lat);
      }
    }
    for (auto t : c->send_times) f.sent_in_window += w.holds(t);
  }
  for (const auto& a : arrivals.arrivals) {
    const auto& st = conns[a.conn]->send_times;
    if (a.seq < st.size() && w.holds(st[a.seq])) f.propagation.push_back(a.at - st[a.seq]);
  }
  return f;
}

void print_figures(const Options& o, const Topology& topo, Farthest far, const live::HerdConfig& cfg, Window w,
                   Figures& f) {
  const std::string& far_name = topo.names[far.server];
  const double accepted_rate = static_cast<double>(f.accepted) / o.seconds;
  std::printf("preset %s: load on %s, farthest server %s (%d hops); %d connections x window %d x %d clients each; offered %s; logs %s\n",
              o.preset_name.c_str(), topo.names[0].c_str(), far_name.c_str(), far.hops, o.connections, o.window,
              o.clients, o.rate > 0 ? (std::to_string(static_cast<long long>(o.rate)) + "/s").c_str() : "max",
              o.log_dir.empty() ? "off" : "on");
  std::printf("strategy              %s\n", cfg.strategy.describe().c_str());
  std::printf("durability            %s%s\n", o.durability.c_str(),
              cfg.data_dir.empty() ? "" : (" (tables in " + cfg.data_dir + ")").c_str());
  std::printf("accepted IAMATs/s     %.0f  (%llu in %.1f s; %llu rejected)\n", accepted_rate,
              static_cast<unsigned long long>(f.accepted), o.seconds, static_cast<unsigned long long>(f.rejected));
  const double millions = static_cast<double>(f.accepted) / 1e6;
  std::printf("CPU s per M IAMATs    %.2f herd-wide (servers with their table and log threads), %.2f load generator\n",
              millions > 0 ? (w.process_cpu - w.load_cpu) / millions : 0.0, millions > 0 ? w.load_cpu / millions : 0.0);
  std::printf("reply latency ms      p50 %.3f  p99 %.3f\n", percentile(f.reply_latency, 0.5),
              percentile(f.reply_latency, 0.99));
  std::printf("propagation to %s ms  p50 %.3f  p99 %.3f  (%zu of %llu reports sent in the window were stored there first-hand;\n"
              "                      a report overtaken by a newer one from the same client is not stored, so not counted)\n",
              far_name.c_str(), percentile(f.propagation, 0.5), percentile(f.propagation, 0.99), f.propagation.size(),
              static_cast<unsigned long long>(f.sent_in_window));
}

int run(const Options& o) {
  const Topology topo = topology_of(*find_preset(o.preset_name));
  const live::HerdConfig cfg = herd_config(o, topo);
  const Farthest far = farthest_from_first(topo);
  ArrivalObserver arrivals;
  // Sized up front: growing it would copy megabytes on the far server's
  // thread and show up as propagation stalls that are the bench's own.
  arrivals.arrivals.reserve(o.expected_reports());
  auto servers = start_herd(cfg, topo, far.server, &arrivals);
  if (servers.empty()) return 1;

  asio::io_context io(1);
  std::atomic<bool> running{true};
  std::vector<std::unique_ptr<LoadConnection>> conns;
  try {
    for (int i = 0; i < o.connections; ++i) {
      conns.push_back(std::make_unique<LoadConnection>(io, static_cast<std::uint32_t>(i), o, running));
      conns.back()->start(servers[0]->client_port());
    }
  } catch (const std::exception& e) {
    std::cerr << "herd_live_bench: " << e.what() << "\n";
    return 1;
  }
  const Window w = run_load(io, conns, o, running);
  for (auto& s : servers) s->stop();
  servers.clear();  // joins: the observer's data is now safe to read
  Figures f = figures(conns, arrivals, w);
  print_figures(o, topo, far, cfg, w, f);
  return 0;
}

}  // namespace

}  // namespace herd::bench

int main(int argc, char** argv) {
  herd::bench::Options o;
  if (const auto done = herd::bench::parse_options(argc, argv, o)) return *done;
  return herd::bench::run(o);
}
