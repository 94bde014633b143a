// `herd bench-live`: a load generator for live mode. Starts a five-server
// preset herd on loopback (each server on its own thread and io_context, as
// in `herd serve`), opens many client connections to the first server,
// pipelines IAMATs on each (a bounded window of outstanding commands), and
// prints accepted IAMATs per second, reply latency p50/p99, and how long a
// report takes to reach the farthest server (p50/p99), measured by an
// observer on that server.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/program_options.hpp>

#include <unistd.h>

#include "apps/commands.h"
#include "engine/asio/herd_config.h"
#include "engine/asio/live_server.h"
#include "herd/observer.h"
#include "herd/report.h"
#include "topology/presets.h"
#include "topology/topology.h"

namespace po = boost::program_options;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace herd::apps {

namespace {

constexpr Nanos kBaseTime = 1'700'000'000LL * kNanosPerSecond;

std::int64_t ticks() { return Clock::now().time_since_epoch().count(); }

// Records when the far server first stores each bench report. Runs on that
// server's thread only; read after the server has stopped.
class ArrivalObserver final : public NodeObserver {
 public:
  struct Arrival {
    std::uint32_t conn;
    std::uint64_t seq;
    std::int64_t at;
  };
  void peer_report(PeerId, const PeerMessage& m, bool stored) override {
    if (!stored) return;
    const auto name = m.report->client_name();
    if (!name.starts_with("bench")) return;
    const auto conn = static_cast<std::uint32_t>(std::stoul(std::string(name.substr(5))));
    arrivals.push_back({conn, static_cast<std::uint64_t>(m.report->client_time() - kBaseTime), ticks()});
  }
  std::vector<Arrival> arrivals;
};

// One client connection pipelining IAMATs with at most `window` outstanding.
class LoadConnection : public std::enable_shared_from_this<LoadConnection> {
 public:
  LoadConnection(asio::io_context& io, std::uint32_t index, int window, int clients, const std::atomic<bool>& running)
      : socket_(io), index_(index), window_(window), clients_(clients), running_(running),
        name_("bench" + std::to_string(index)) {}

  void reserve(std::size_t n) {
    send_times.reserve(n);
    replies.reserve(n);
  }
  void start(const tcp::endpoint& ep) {
    socket_.async_connect(ep, [self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) {
        std::cerr << "herd bench-live: connect failed: " << ec.message() << "\n";
        return;
      }
      self->socket_.set_option(tcp::no_delay(true));
      self->fill();
      self->read();
    });
  }
  // Open-loop pacing: `per_tick` more IAMATs may be sent (fractional credit
  // carries over). Without pacing the window alone limits the load.
  void add_credit(double per_tick) {
    paced_ = true;
    credit_ = std::min(credit_ + per_tick, 4.0 * window_);
    fill();
  }
  void close() {
    boost::system::error_code ec;
    socket_.close(ec);
  }

  std::vector<std::int64_t> send_times;  // by seq
  std::vector<std::pair<std::int64_t, std::int64_t>> replies;  // (reply time, latency)
  std::uint64_t rejected = 0;

 private:
  void fill() {
    if (writing_ || !running_) return;
    std::string& b = buf_;
    b.clear();
    const auto now = ticks();
    while (outstanding_.size() < static_cast<std::size_t>(window_) && (!paced_ || credit_ >= 1)) {
      credit_ -= 1;
      const std::uint64_t seq = send_times.size();
      const Nanos t = kBaseTime + static_cast<Nanos>(seq);
      char line[160];
      // Client "bench<connection>-<k>": the observer reads the connection
      // from the leading digits.
      const int n = std::snprintf(line, sizeof line, "IAMAT %s-%llu +34.068930-118.445127 %lld.%09lld\n", name_.c_str(),
                                  static_cast<unsigned long long>(seq % static_cast<std::uint64_t>(clients_)),
                                  static_cast<long long>(t / kNanosPerSecond),
                                  static_cast<long long>(t % kNanosPerSecond));
      b.append(line, static_cast<std::size_t>(n));
      send_times.push_back(now);
      outstanding_.push_back(now);
    }
    if (b.empty()) return;
    writing_ = true;
    asio::async_write(socket_, asio::buffer(b), [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
      self->writing_ = false;
      if (!ec) self->fill();
    });
  }

  void read() {
    socket_.async_read_some(asio::buffer(rbuf_), [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
      if (ec) return;
      self->on_bytes(n);
      self->read();
    });
  }

  void on_bytes(std::size_t n) {
    const auto now = ticks();
    for (std::size_t i = 0; i < n; ++i) {
      const char c = rbuf_[i];
      if (line_start_) {
        accepted_line_ = c == 'A';
        line_start_ = false;
      }
      if (c == '\n') {
        line_start_ = true;
        if (!outstanding_.empty()) {
          replies.emplace_back(now, now - outstanding_.front());
          outstanding_.pop_front();
        }
        if (!accepted_line_) ++rejected;
      }
    }
    fill();
  }

  tcp::socket socket_;
  std::uint32_t index_;
  int window_;
  int clients_;
  const std::atomic<bool>& running_;
  std::string name_;
  std::deque<std::int64_t> outstanding_;
  std::string buf_;
  char rbuf_[64 * 1024];
  bool writing_ = false;
  bool paced_ = false;
  double credit_ = 0;
  bool line_start_ = true;
  bool accepted_line_ = false;
};

double percentile(std::vector<std::int64_t>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return static_cast<double>(v[k]) / 1e6;  // ms
}

}  // namespace

int cmd_bench_live(int argc, char** argv) {
  po::options_description opts(
      "herd bench-live [options]\n"
      "Starts a five-server preset herd on loopback (ephemeral ports, in this\n"
      "process, one thread per server), loads its first server with pipelined\n"
      "IAMATs, and prints throughput, reply latency and propagation time to the\n"
      "farthest server.\n\noptions");
  std::string preset_name = "hill";
  int connections = 32, window = 64, clients = 1;
  double seconds = 5, warmup = 1, rate = 0;
  std::string log_dir, data_dir, durability = "off";
  opts.add_options()("help,h", "show this help")(
      "preset", po::value(&preset_name)->default_value(preset_name), "five-server preset")(
      "connections", po::value(&connections)->default_value(connections), "client connections to the first server")(
      "window", po::value(&window)->default_value(window), "outstanding IAMATs per connection")(
      "clients", po::value(&clients)->default_value(clients), "client IDs each connection reports for, in turn")(
      "rate", po::value(&rate)->default_value(rate), "IAMATs/s offered in total, paced every 1 ms; 0 = as fast as the window allows")(
      "seconds", po::value(&seconds)->default_value(seconds), "measured duration")(
      "warmup", po::value(&warmup)->default_value(warmup), "seconds of load before measuring")(
      "log-dir", po::value(&log_dir), "write server logs (every line) here; default: no logs")(
      "durability", po::value(&durability)->default_value(durability), "off, batch or fsync: each server's table on disk")(
      "data-dir", po::value(&data_dir), "where the tables go with --durability batch|fsync (emptied first); default: a fresh temporary directory");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "herd bench-live: " << e.what() << "\n" << opts;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << opts;
    return 0;
  }
  const Preset* preset = find_preset(preset_name);
  if (!preset || connections < 1 || window < 1 || clients < 1 || seconds <= 0 || warmup < 0) {
    std::cerr << "herd bench-live: bad --preset, --connections, --window, --clients, --seconds or --warmup\n";
    return 2;
  }

  live::HerdConfig cfg;
  cfg.source = "(bench-live " + preset_name + ")";
  cfg.log_dir = log_dir;
  const auto mode = durable::parse_durability(durability);
  if (!mode) {
    std::cerr << "herd bench-live: --durability must be off, batch or fsync\n";
    return 2;
  }
  cfg.durability = *mode;
  if (*mode != live::Durability::Off) {
    if (data_dir.empty()) {
      data_dir = (std::filesystem::temp_directory_path() / ("herd-bench-live-" + std::to_string(::getpid()))).string();
    }
    // A fresh table each run: a restored one would only measure the last run.
    std::error_code ec;
    for (const auto& s : topology_of(*preset).names) std::filesystem::remove(data_dir + "/" + s + ".sqlite", ec);
    cfg.data_dir = data_dir;
  }
  cfg.secret = live::generate_secret();  // peers authenticate by HMAC, as herd serve's do
  const Topology topo = topology_of(*preset);
  const auto adj = topo.adjacency();
  for (std::size_t i = 0; i < topo.size(); ++i) {
    live::ServerConfig s;
    s.name = topo.names[i];
    for (auto n : adj[i]) s.neighbours.push_back(topo.names[n]);
    cfg.servers.push_back(s);
  }
  // The farthest server from the loaded one (breadth-first hops).
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
  const std::size_t far = static_cast<std::size_t>(std::max_element(dist.begin(), dist.end()) - dist.begin());

  ArrivalObserver arrivals;
  // Sized up front: growing it would copy megabytes on the far server's
  // thread and show up as propagation stalls that are the bench's own.
  arrivals.arrivals.reserve(static_cast<std::size_t>((rate > 0 ? rate * 1.2 : 400'000.0) * (warmup + seconds + 1)));
  std::vector<std::unique_ptr<live::LiveServer>> servers;
  for (std::size_t i = 0; i < topo.size(); ++i) {
    live::ServerOptions o;
    o.banner = false;
    if (i == far) o.observer = &arrivals;
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
        std::cerr << "herd bench-live: peer links did not come up within 10 s\n";
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  asio::io_context io(1);
  std::atomic<bool> running{true};
  std::vector<std::shared_ptr<LoadConnection>> conns;
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), servers[0]->client_port());
  for (int i = 0; i < connections; ++i) {
    conns.push_back(std::make_shared<LoadConnection>(io, static_cast<std::uint32_t>(i), window, clients, running));
    // Sized up front so growing them never stalls the generator mid-run.
    conns.back()->reserve(static_cast<std::size_t>((rate > 0 ? rate * 1.2 : 400'000.0) * (warmup + seconds + 1) / connections));
    conns.back()->start(ep);
  }
  const auto t0 = ticks();
  const auto from = t0 + static_cast<std::int64_t>(warmup * 1e9);
  const auto to = from + static_cast<std::int64_t>(seconds * 1e9);
  asio::steady_timer stop_timer(io, std::chrono::nanoseconds(to - t0));
  stop_timer.async_wait([&](const boost::system::error_code&) {
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
    const double due = rate * static_cast<double>(ticks() - t0) / 1e9 - given;
    given += due;
    for (auto& c : conns) c->add_credit(due / connections);
    pacer.expires_after(std::chrono::milliseconds(1));
    pacer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  };
  if (rate > 0) tick();
  io.run();
  for (auto& s : servers) s->stop();
  servers.clear();  // joins: the observer's data is now safe to read

  std::uint64_t accepted = 0, rejected = 0;
  std::vector<std::int64_t> reply_lat;
  for (auto& c : conns) {
    rejected += c->rejected;
    for (auto [at, lat] : c->replies) {
      if (at >= from && at < to) {
        ++accepted;
        reply_lat.push_back(lat);
      }
    }
  }
  std::vector<std::int64_t> prop;
  std::uint64_t sent_in_window = 0;
  for (auto& c : conns) {
    for (auto t : c->send_times) sent_in_window += (t >= from && t < to);
  }
  for (const auto& a : arrivals.arrivals) {
    const auto& st = conns[a.conn]->send_times;
    if (a.seq < st.size() && st[a.seq] >= from && st[a.seq] < to) prop.push_back(a.at - st[a.seq]);
  }
  const double accepted_rate = static_cast<double>(accepted) / seconds;
  std::printf("preset %s: load on %s, farthest server %s (%d hops); %d connections x window %d x %d clients each; offered %s; logs %s\n",
              preset_name.c_str(), topo.names[0].c_str(), topo.names[far].c_str(), dist[far], connections, window, clients,
              rate > 0 ? (std::to_string(static_cast<long long>(rate)) + "/s").c_str() : "max",
              log_dir.empty() ? "off" : "on");
  std::printf("durability            %s%s\n", durability.c_str(), cfg.data_dir.empty() ? "" : (" (tables in " + cfg.data_dir + ")").c_str());
  std::printf("accepted IAMATs/s     %.0f  (%llu in %.1f s; %llu rejected)\n", accepted_rate,
              static_cast<unsigned long long>(accepted), seconds, static_cast<unsigned long long>(rejected));
  std::printf("reply latency ms      p50 %.3f  p99 %.3f\n", percentile(reply_lat, 0.5), percentile(reply_lat, 0.99));
  std::printf("propagation to %s ms  p50 %.3f  p99 %.3f  (%zu of %llu reports sent in the window were stored there first-hand;\n"
              "                      a report overtaken by a newer one from the same client is not stored, so not counted)\n",
              topo.names[far].c_str(), percentile(prop, 0.5), percentile(prop, 0.99), prop.size(),
              static_cast<unsigned long long>(sent_in_window));
  return 0;
}

}  // namespace herd::apps
