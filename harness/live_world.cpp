#include "harness/live_world.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/asio/herd_config.h"
#include "engine/asio/live_server.h"
#include "engine/asio/pipelined_client.h"
#include "engine/virtual/event_queue.h"
#include "harness/live_events.h"

namespace herd::harness {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using live::HerdConfig;
using live::LiveServer;
using live::PipelinedClient;
using live::ServerConfig;
using live::ServerOptions;
using live::generate_secret;

namespace {

// The median of a latency model, for the offline places provider's fixed delay.
Nanos median(const virt::LatencyModel& m) {
  using K = virt::LatencyModel::Kind;
  double v = 0;
  switch (m.kind) {
    case K::Constant: v = m.a; break;
    case K::Uniform: v = (m.a + m.b) / 2; break;
    case K::Normal: v = m.a; break;
    case K::LogNormal: v = std::exp(m.a); break;
    case K::Exponential: v = m.a * std::log(2.0); break;
    case K::Pareto: v = m.a * std::pow(2.0, 1.0 / m.b); break;
  }
  if (!(v > 0)) return 0;
  return static_cast<Nanos>(std::min(v, static_cast<double>(virt::kMaxLatency)));
}

HerdConfig herd_config(const sim::Scenario& s, const Topology& topo, const LiveWorldOptions& opt) {
  HerdConfig cfg;
  cfg.source = "(herd live " + s.file + ")";
  cfg.log_dir = opt.log_dir;
  cfg.secret = generate_secret();  // peers authenticate (docs/peer-protocol.md); never logged
  cfg.strategy = s.strategy;
  // A server that gets no commands for a long time must keep its client
  // connection: the longest idle timeout a config allows (24 h).
  cfg.limits.idle_timeout_ms = 86'400'000;
  // A restarted server's neighbours find it again within half a second.
  cfg.limits.reconnect_initial_ms = 50;
  cfg.limits.reconnect_max_ms = 500;
  cfg.places.provider = "offline";
  cfg.places.offline_delay_ms = static_cast<std::uint32_t>(std::min<Nanos>(median(s.network.places_delay) / 1'000'000, 60'000));
  const auto adj = topo.adjacency();
  for (std::uint32_t i = 0; i < topo.size(); ++i) {
    ServerConfig sc;
    sc.name = topo.names[i];
    for (const auto nb : adj[i]) sc.neighbours.push_back(topo.names[nb]);
    cfg.servers.push_back(std::move(sc));
  }
  return cfg;
}

}  // namespace

class LiveWorld::Impl {
 public:
  Impl(const sim::Scenario& s, const Topology& topo, const LiveWorldOptions& opt, WorldEvents& events)
      : topo_(topo),
        opt_(opt),
        adj_(topo.adjacency()),
        cfg_(herd_config(s, topo, opt)),
        bridge_(events, [this](std::function<void()> f) { asio::post(io_, std::move(f)); },
                [this] { return clock(); }),
        events_(events) {
    t0_ = Clock::now().time_since_epoch().count();
    const auto n = static_cast<std::uint32_t>(topo.size());
    up_.assign(n, true);
    stopping_.assign(n, false);
    open_.assign(topo.links.size(), true);
    start_servers();
    for (std::uint32_t i = 0; i < n; ++i) conns_.push_back(connect_client(i));
  }

  ~Impl() {
    conns_.clear();
    retired_.clear();
    servers_.clear();
  }

  // Scenario time on any thread.
  Nanos clock() const {
    const auto wall = Clock::now().time_since_epoch().count() - t0_.load();
    return std::llround(static_cast<double>(wall) * opt_.speed);
  }
  Nanos now() const { return dispatching_ >= 0 ? dispatching_ : clock(); }

  void schedule(Nanos at, std::uint32_t event) {
    virt::Event e;
    e.time = at;
    e.a = event;  // kind External: the harness's token, as in the virtual network
    queue_.push(std::move(e));
  }

  void set_link_open(std::size_t li, bool open) {
    open_[li] = open;
    faulted_any_ = faulted_any_ || !open;
    const auto [a, b] = topo_.links[li];
    if (servers_[a]) servers_[a]->set_link_cut(topo_.names[b], !open);
    if (servers_[b]) servers_[b]->set_link_cut(topo_.names[a], !open);
  }

  void crash(std::uint32_t n) {
    if (!up_[n]) return;
    up_[n] = false;
    faulted_any_ = true;
    stopping_[n] = true;
    bridge_.server_crashed(n, now());
    stop_when_answered(n, Clock::now() + kCrashGrace);
  }

  void restart(std::uint32_t n) {
    if (up_[n]) return;
    if (stopping_[n]) stop_server(n);
    bridge_.server_restarted(n);
    servers_[n] = make_server(n);
    for (const auto nb : adj_[n]) servers_[n]->set_peer_address(topo_.names[nb], "127.0.0.1", cfg_.servers[nb].peer_port);
    servers_[n]->start();
    for (std::size_t li = 0; li < topo_.links.size(); ++li) {  // links closed while it was down stay closed
      const auto [a, b] = topo_.links[li];
      if (!open_[li] && (a == n || b == n)) servers_[n]->set_link_cut(topo_.names[a == n ? b : a], true);
    }
    conns_[n] = connect_client(n);
    up_[n] = true;
  }

  bool client_command(std::uint32_t n, std::string_view line, bool whatsat) {
    if (!up_[n]) return false;
    conns_[n]->send(line, whatsat);
    ++(whatsat ? whatsats_ : iamats_);
    return true;
  }

  ClientId client_id(std::string_view name) const { return bridge_.client_id(name); }

  void run(Nanos end) {
    end_ = end;
    t0_ = Clock::now().time_since_epoch().count();
    step();
    end_timer_.expires_at(real(end));
    end_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      time_done_ = true;
      maybe_settle();
    });
    io_.run();
    for (const auto& c : conns_) {
      if (c && !c->error().empty()) throw std::runtime_error(c->error());
    }
    for (const auto* list : {&conns_, &retired_}) {
      for (const auto& c : *list) {
        if (!c) continue;
        replies_ += c->replies();
        rejected_ += c->rejected_iamats();
      }
    }
    conns_.clear();
    retired_.clear();
    servers_.clear();  // stops and joins every server: no more observer calls
    io_.restart();
    io_.poll();  // what they posted last
  }

  NetworkCounts counts() const {
    NetworkCounts k;
    k.sent = bridge_.peer_sent();
    k.delivered = bridge_.peer_stored() + bridge_.duplicates();
    k.dropped_in_flight = k.sent - std::min(k.sent, k.delivered);
    const std::uint64_t commands = iamats_ + whatsats_;
    k.unanswered = commands - std::min(commands, replies_) + rejected_;
    k.events = bridge_.events();
    return k;
  }

  std::uint64_t iamats_ = 0, whatsats_ = 0, replies_ = 0, rejected_ = 0;
  bool settled_ = false;

 private:
  static constexpr auto kCrashGrace = std::chrono::milliseconds(250);

  // Wall-clock instant of scenario time `at`.
  Clock::time_point real(Nanos at) const {
    return Clock::time_point(Clock::duration(t0_.load())) +
           std::chrono::nanoseconds(std::llround(static_cast<double>(at) / opt_.speed));
  }

  // The workload's connection to server `n`; a broken one ends the run.
  std::unique_ptr<PipelinedClient> connect_client(std::uint32_t n) {
    auto c = std::make_unique<PipelinedClient>(io_, topo_.names[n], "127.0.0.1", servers_[n]->client_port());
    c->on_error([this](const std::string&) { io_.stop(); });
    return c;
  }

  std::unique_ptr<LiveServer> make_server(std::uint32_t n) {
    if (observers_.size() <= n) observers_.resize(n + 1);
    if (!observers_[n]) observers_[n] = bridge_.observer(n);
    ServerOptions o;
    o.observer = observers_[n].get();
    o.banner = false;
    return std::make_unique<LiveServer>(cfg_, topo_.names[n], o);
  }

  void start_servers() {
    const auto n = static_cast<std::uint32_t>(topo_.size());
    for (std::uint32_t i = 0; i < n; ++i) {
      servers_.push_back(make_server(i));
      // A restart binds the same ports, where the neighbours look for it.
      cfg_.servers[i].port = servers_[i]->client_port();
      cfg_.servers[i].peer_port = servers_[i]->peer_port();
    }
    // Every server is bound (ephemeral ports) before any dials.
    for (std::uint32_t i = 0; i < n; ++i) {
      for (const auto nb : adj_[i]) servers_[i]->set_peer_address(topo_.names[nb], "127.0.0.1", servers_[nb]->peer_port());
    }
    for (auto& s : servers_) s->start();
    const auto deadline = Clock::now() + std::chrono::seconds(10) + std::chrono::milliseconds(100) * n;
    for (std::uint32_t i = 0; i < n; ++i) {
      while (servers_[i]->status().peers_up.size() != adj_[i].size()) {
        if (Clock::now() > deadline) throw std::runtime_error("the peer links of " + topo_.names[i] + " did not come up in time");
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    }
  }

  // Runs every event due by now, then waits for the next one. Events after
  // the end are never run (the simulator stops there too).
  void step() {
    const auto now = Clock::now();
    while (!queue_.empty() && queue_.next_time() <= end_ && real(queue_.next_time()) <= now) {
      const virt::Event e = queue_.pop();
      dispatching_ = e.time;  // the harness records it at its scenario time
      events_.due(e.a);
      dispatching_ = -1;
    }
    if (!queue_.empty() && queue_.next_time() <= end_) {
      step_timer_.expires_at(real(queue_.next_time()));
      step_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) step();
      });
      return;
    }
    workload_done_ = true;
    maybe_settle();
  }

  void stop_when_answered(std::uint32_t n, Clock::time_point deadline) {
    if (!stopping_[n]) return;  // a restart already stopped it
    if (conns_[n]->outstanding() == 0 || Clock::now() >= deadline) return stop_server(n);
    auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(1));
    timer->async_wait([this, n, deadline, timer](const boost::system::error_code& ec) {
      if (!ec) stop_when_answered(n, deadline);
    });
  }

  void stop_server(std::uint32_t n) {
    stopping_[n] = false;
    conns_[n]->close();
    retired_.push_back(std::move(conns_[n]));  // its handlers may still be queued
    servers_[n].reset();                        // stops and joins: no more observer calls
    bridge_.server_stopped(n);
  }

  // Once the time is over and every command is sent: wait until every reply
  // is read and every update message sent has arrived (twice in a row,
  // nothing happening in between), or the settle timeout.
  void maybe_settle() {
    if (!workload_done_ || !time_done_ || settling_) return;
    settling_ = true;
    settle_deadline_ = Clock::now() + std::chrono::nanoseconds(opt_.settle_timeout);
    poll_settled();
  }

  void poll_settled() {
    const std::uint64_t events = bridge_.events();
    // Every update message sent has arrived, unless a fault lost some in
    // flight: then nothing happening for 200 ms has to do.
    bool quiet = faulted_any_ || bridge_.peer_sent() == bridge_.peer_stored() + bridge_.duplicates();
    for (const auto& c : conns_) quiet = quiet && (!c || c->outstanding() == 0);
    const int needed = faulted_any_ ? 20 : 1;
    quiet_polls_ = quiet && events == last_events_ ? quiet_polls_ + 1 : 0;
    if (quiet_polls_ >= needed) return finish(true);
    last_events_ = quiet ? events : UINT64_MAX;
    if (Clock::now() > settle_deadline_) return finish(false);
    settle_timer_.expires_after(std::chrono::milliseconds(10));
    settle_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) poll_settled();
    });
  }

  void finish(bool settled) {
    settled_ = settled;
    for (auto& c : conns_) {
      if (c) c->close();
    }
  }

  const Topology& topo_;
  LiveWorldOptions opt_;
  std::vector<std::vector<std::size_t>> adj_;
  HerdConfig cfg_;
  asio::io_context io_{1};
  LiveEvents bridge_;
  WorldEvents& events_;
  std::atomic<std::int64_t> t0_{0};  // steady-clock ticks at scenario time 0
  Nanos dispatching_ = -1;           // scenario time of the event being run
  Nanos end_ = 0;
  // Declared before the servers: they call the observers until they stop.
  std::vector<std::unique_ptr<NodeObserver>> observers_;
  std::vector<std::unique_ptr<LiveServer>> servers_;  // null while crashed
  std::vector<std::unique_ptr<PipelinedClient>> conns_;    // null while the server is crashed
  std::vector<std::unique_ptr<PipelinedClient>> retired_;  // closed at a crash
  std::vector<bool> up_;        // takes commands (false from a crash's time on)
  std::vector<bool> stopping_;  // crashed, answering what it was sent before stopping
  std::vector<bool> open_;      // per link
  bool faulted_any_ = false;    // a crash or a closed link: messages in flight may be lost
  // The simulator's queue, with the same order: (time, insertion sequence).
  virt::EventQueue queue_;
  asio::steady_timer step_timer_{io_}, end_timer_{io_}, settle_timer_{io_};
  Clock::time_point settle_deadline_;
  bool workload_done_ = false, time_done_ = false, settling_ = false;
  int quiet_polls_ = 0;
  std::uint64_t last_events_ = UINT64_MAX;
};

LiveWorld::LiveWorld(const sim::Scenario& s, const Topology& topo, const LiveWorldOptions& options, WorldEvents& events)
    : topo_(topo), impl_(std::make_unique<Impl>(s, topo, options, events)) {}
LiveWorld::~LiveWorld() = default;

std::uint64_t LiveWorld::iamats_sent() const { return impl_->iamats_; }
std::uint64_t LiveWorld::whatsats_sent() const { return impl_->whatsats_; }
std::uint64_t LiveWorld::replies() const { return impl_->replies_; }
bool LiveWorld::settled() const { return impl_->settled_; }

Nanos LiveWorld::now() const { return impl_->now(); }
Nanos LiveWorld::posix_now() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
void LiveWorld::schedule(Nanos at, std::uint32_t event) { impl_->schedule(at, event); }
void LiveWorld::set_link_open(std::size_t link, bool open) { impl_->set_link_open(link, open); }
void LiveWorld::crash(std::uint32_t n) { impl_->crash(n); }
void LiveWorld::restart(std::uint32_t n) { impl_->restart(n); }
bool LiveWorld::client_command(std::uint32_t n, std::string_view line, bool whatsat) {
  return impl_->client_command(n, line, whatsat);
}
ClientId LiveWorld::client_id(std::string_view name) { return impl_->client_id(name); }
void LiveWorld::run(Nanos end) { impl_->run(end); }
NetworkCounts LiveWorld::counts() const { return impl_->counts(); }

results::NodeRow LiveWorld::node_row(std::uint32_t n) const {
  std::uint32_t degree = 0;
  for (const auto& [a, b] : topo_.links) degree += a == n || b == n;
  return {n, topo_.names[n], degree, 0};  // real clocks: no skew applied
}

results::LinkRow LiveWorld::link_row(std::size_t link) const {
  const auto [a, b] = topo_.links[link];
  return {static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b), "loopback", 0};
}

}  // namespace herd::harness
