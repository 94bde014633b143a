#include "live/scenario_live_run.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <stdexcept>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>

#include "engine/asio/herd_config.h"
#include "engine/asio/live_server.h"
#include "engine/virtual/latency_model.h"
#include "live/delivery_recorder.h"
#include "sim/fault_target.h"
#include "sim/peak_rss.h"
#include "sim/run.h"
#include "sim/scenario_error.h"
#include "sim/scenario_loader.h"
#include "sim/workload.h"
#include "topology/topology_gen.h"

namespace herd::live {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMaxServerName = 64;  // as the herd config allows (docs/live.md)

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

// Component label per server over the servers that are up and the links that
// are open (breadth first, labels in order of first server); a server that is
// down is alone.
std::vector<std::uint32_t> component_labels(const Topology& topo, const std::vector<bool>& up,
                                            const std::function<bool(std::size_t, std::size_t)>& open) {
  const auto adj = topo.adjacency();
  std::vector<std::uint32_t> label(topo.size(), UINT32_MAX);
  std::uint32_t next = 0;
  for (std::size_t s = 0; s < topo.size(); ++s) {
    if (label[s] != UINT32_MAX) continue;
    label[s] = next;
    if (!up[s]) {
      ++next;
      continue;
    }
    std::queue<std::size_t> q;
    q.push(s);
    while (!q.empty()) {
      const std::size_t u = q.front();
      q.pop();
      for (const std::size_t v : adj[u]) {
        if (label[v] == UINT32_MAX && up[v] && open(u, v)) {
          label[v] = next;
          q.push(v);
        }
      }
    }
    ++next;
  }
  return label;
}

// One persistent client connection to one server. Commands are pipelined;
// replies are read as they come and counted (an IAMAT's reply is one line; a
// WHATSAT's is one "? " line, or the AT line and the JSON up to a blank line).
// Runs on the client io_context's one thread.
class ClientConnection {
 public:
  ClientConnection(asio::io_context& io, std::string server, std::uint16_t port)
      : io_(io), socket_(io), server_(std::move(server)) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    socket_.set_option(tcp::no_delay(true));
    read_more();
  }

  void send(const std::string& line, bool whatsat) {
    pending_ += line;
    pending_ += '\n';
    expect_.push_back(whatsat);
    if (!writing_) write_more();
  }
  void close() {
    closing_ = true;
    boost::system::error_code ec;
    socket_.close(ec);
  }

  std::size_t outstanding() const { return expect_.size(); }
  std::uint64_t replies() const { return replies_; }
  std::uint64_t rejected_iamats() const { return rejected_; }
  const std::string& error() const { return error_; }
  const std::string& server() const { return server_; }

 private:
  void write_more() {
    if (pending_.empty() || closing_) return;
    writing_ = true;
    out_.swap(pending_);
    pending_.clear();
    asio::async_write(socket_, asio::buffer(out_), [this](const boost::system::error_code& ec, std::size_t) {
      writing_ = false;
      out_.clear();
      if (ec) return fail("write: " + ec.message());
      write_more();
    });
  }

  void read_more() {
    socket_.async_read_some(asio::buffer(buf_), [this](const boost::system::error_code& ec, std::size_t n) {
      if (ec) return fail(ec == asio::error::eof ? std::string("closed by the server") : "read: " + ec.message());
      on_bytes(std::string_view(buf_.data(), n));
      read_more();
    });
  }

  void on_bytes(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto nl = bytes.find('\n');
      if (nl == std::string_view::npos) {
        line_.append(bytes);
        return;
      }
      line_.append(bytes.substr(0, nl));
      bytes.remove_prefix(nl + 1);
      on_line();
      line_.clear();
    }
  }

  void on_line() {
    if (expect_.empty()) return fail("a reply to no command: " + line_);
    const bool whatsat = expect_.front();
    bool done = true;
    if (!whatsat) {
      if (!line_.starts_with("AT ")) ++rejected_;
    } else if (in_body_) {
      done = line_.empty();  // a WHATSAT reply ends with a blank line
    } else if (!line_.starts_with("? ")) {
      in_body_ = true;  // the AT line; the JSON follows
      done = false;
    }
    if (!done) return;
    in_body_ = false;
    expect_.pop_front();
    ++replies_;
  }

  void fail(const std::string& what) {
    if (closing_) return;
    if (error_.empty()) error_ = "client connection to " + server_ + ": " + what;
    closing_ = true;
    io_.stop();
  }

  asio::io_context& io_;
  tcp::socket socket_;
  std::string server_;
  std::string pending_, out_, line_, error_;
  std::deque<bool> expect_;  // true: a WHATSAT
  std::array<char, 64 * 1024> buf_{};
  bool writing_ = false, closing_ = false, in_body_ = false;
  std::uint64_t replies_ = 0, rejected_ = 0;
};

class LiveRun {
 public:
  LiveRun(const sim::Scenario& s, std::uint64_t seed, const LiveRunOptions& opt) : s_(s), seed_(seed), opt_(opt) {}

  LiveRunOutcome run() {
    const auto wall_start = Clock::now();
    check_live_scenario(s_);
    if (!(opt_.speed > 0) || !std::isfinite(opt_.speed)) throw std::invalid_argument("the speed must be positive");
    sim::GeneratedTopology gen;
    try {
      gen = sim::generate_topology(s_.topology, seed_);
    } catch (const std::invalid_argument& e) {
      throw sim::ScenarioError(s_.file, "topology", e.what());
    }
    topo_ = &gen.topology;
    adj_ = gen.topology.adjacency();
    const Topology& topo = gen.topology;
    n_ = static_cast<std::uint32_t>(topo.size());
    up_.assign(n_, true);
    for (const auto& [a, b] : topo.links) {
      link_index_[{a, b}] = links_.size();
      links_.push_back({static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b)});
    }
    stopping_.assign(n_, false);

    recorder_ = std::make_unique<DeliveryRecorder>(s_.metrics, labels());
    start_servers(topo);
    for (std::uint32_t i = 0; i < n_; ++i)
      conns_.push_back(std::make_unique<ClientConnection>(io_, topo.names[i], servers_[i]->client_port()));

    // Faults first, so a fault and a command at the same instant run in the
    // simulator's order (it schedules faults before the workload).
    if (!opt_.ignore_faults) {
      for (std::uint32_t i = 0; i < s_.faults.size(); ++i) queue_.push({s_.faults[i].at, seq_++, {}, 0, 0, i});
    }

    workload_ = std::make_unique<sim::Workload>(s_, seed_, n_);
    schedule_ = [this](Nanos at, sim::Workload::Kind kind, std::uint32_t c, std::uint32_t server) {
      queue_.push({at, seq_++, kind, c, server, kNoFault});
    };
    workload_->start(schedule_);
    last_time_.assign(workload_->clients(), 0);

    recorder_->begin();
    t0_ = Clock::now();
    step();
    arm_coverage(1);
    arm_progress(1);
    end_timer_.expires_at(real(s_.duration));
    end_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      time_done_ = true;
      maybe_settle();
    });
    io_.run();
    for (const auto& c : conns_) {
      if (c && !c->error().empty()) throw std::runtime_error(c->error());
    }

    LiveRunOutcome out;
    for (const auto* list : {&conns_, &retired_}) {
      for (const auto& c : *list) {
        if (!c) continue;
        out.replies += c->replies();
        rejected_ += c->rejected_iamats();
      }
    }
    out.iamats_sent = iamats_;
    out.whatsats_sent = whatsats_;
    out.settled = settled_;
    conns_.clear();
    retired_.clear();
    servers_.clear();  // stops and joins every server: no more observer calls
    fill_record(out, gen);
    out.record.summary.wall_seconds = std::chrono::duration<double>(Clock::now() - wall_start).count();
    out.record.summary.peak_rss_bytes = sim::peak_rss_bytes();
    return out;
  }

 private:
  static constexpr std::uint32_t kNoFault = UINT32_MAX;
  struct Pending {
    Nanos at;
    std::uint64_t seq;
    sim::Workload::Kind kind;
    std::uint32_t client, server;
    std::uint32_t fault = kNoFault;  // else: index into the scenario's faults
    bool operator>(const Pending& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };

  // Wall-clock instant of scenario time `at`.
  Clock::time_point real(Nanos at) const {
    return t0_ + std::chrono::nanoseconds(std::llround(static_cast<double>(at) / opt_.speed));
  }

  void start_servers(const Topology& topo) {
    HerdConfig& cfg = cfg_;
    cfg.source = "(herd live " + s_.file + ")";
    cfg.log_dir = opt_.log_dir;
    cfg.secret = generate_secret();  // peers authenticate (docs/peer-protocol.md); never logged
    cfg.strategy = s_.strategy;
    // A server that gets no commands for a long time must keep its client
    // connection: the longest idle timeout a config allows (24 h).
    cfg.limits.idle_timeout_ms = 86'400'000;
    // A restarted server's neighbours find it again within half a second.
    cfg.limits.reconnect_initial_ms = 50;
    cfg.limits.reconnect_max_ms = 500;
    cfg.places.provider = "offline";
    cfg.places.offline_delay_ms =
        static_cast<std::uint32_t>(std::min<Nanos>(median(s_.network.places_delay) / 1'000'000, 60'000));
    const auto adj = topo.adjacency();
    for (std::uint32_t i = 0; i < n_; ++i) {
      ServerConfig sc;
      sc.name = topo.names[i];
      for (const auto nb : adj[i]) sc.neighbours.push_back(topo.names[nb]);
      cfg.servers.push_back(std::move(sc));
    }
    for (std::uint32_t i = 0; i < n_; ++i) {
      observers_.push_back(recorder_->observer(i));
      ServerOptions o;
      o.observer = observers_.back().get();
      o.banner = false;
      servers_.push_back(std::make_unique<LiveServer>(cfg, topo.names[i], o));
      // A restart binds the same ports, where the neighbours look for it.
      cfg.servers[i].port = servers_[i]->client_port();
      cfg.servers[i].peer_port = servers_[i]->peer_port();
    }
    // Every server is bound (ephemeral ports) before any dials.
    for (std::uint32_t i = 0; i < n_; ++i) {
      for (const auto nb : adj[i]) servers_[i]->set_peer_address(topo.names[nb], "127.0.0.1", servers_[nb]->peer_port());
    }
    for (auto& s : servers_) s->start();
    const auto deadline = Clock::now() + std::chrono::seconds(10) + std::chrono::milliseconds(100) * n_;
    for (std::uint32_t i = 0; i < n_; ++i) {
      while (servers_[i]->status().peers_up.size() != adj[i].size()) {
        if (Clock::now() > deadline)
          throw std::runtime_error("the peer links of " + topo.names[i] + " did not come up in time");
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    }
  }

  // Sends every command due by now, then waits for the next one. Events
  // after the duration are never sent (the simulator stops there too).
  void step() {
    const auto now = Clock::now();
    while (!queue_.empty() && queue_.top().at <= s_.duration && real(queue_.top().at) <= now) {
      const Pending e = queue_.top();
      queue_.pop();
      if (e.fault != kNoFault) apply_fault(e.fault);
      else if (e.kind == sim::Workload::Kind::Report) report(e);
      else read(e);
    }
    if (!queue_.empty() && queue_.top().at <= s_.duration) {
      step_timer_.expires_at(real(queue_.top().at));
      step_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) step();
      });
      return;
    }
    workload_done_ = true;
    maybe_settle();
  }

  void report(const Pending& e) {
    const sim::Workload::Client& c = workload_->move(e.client);
    // The client's clock is the real one; its reports' times must still increase.
    const Nanos wall = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
    Nanos& last = last_time_[e.client];
    last = std::max(wall, last + 1);
    // A crashed server answers nothing: the command is counted, unanswered
    // (client_refused), as in the simulator.
    if (up_[c.server]) conns_[c.server]->send(workload_->iamat_line(e.client, last), false);
    ++iamats_;
    workload_->after_report(e.client, e.at, schedule_);
  }

  void read(const Pending& e) {
    if (up_[e.server]) conns_[e.server]->send(workload_->whatsat_line(e.client), true);
    ++whatsats_;
  }

  // Crash: from the fault's time on, the server gets no new commands; it
  // first answers those already sent (at most kCrashGrace: the simulator
  // answers a command the instant it is sent), then stops for real (sockets
  // closed, thread joined, table gone) and its neighbours see their links
  // drop. Restart: a fresh server with an empty table on the same ports;
  // links come back as the neighbours redial (back-off 50-500 ms) and it
  // dials them. The faults rows record when each actually happened.
  static constexpr auto kCrashGrace = std::chrono::milliseconds(250);

  void apply_fault(std::uint32_t i) {
    const sim::FaultSpec& f = s_.faults[i];
    if (f.kind != "crash" && f.kind != "restart") return apply_link_fault(f);
    const auto it = std::find(topo_->names.begin(), topo_->names.end(), f.a);
    if (it == topo_->names.end()) throw sim::ScenarioError(s_.file, f.field + ".node", "no server '" + f.a + "'");
    const auto n = static_cast<std::uint32_t>(it - topo_->names.begin());
    if (f.kind == "crash" && up_[n]) {
      up_[n] = false;
      faulted_any_ = true;
      stopping_[n] = true;
      stop_when_answered(n, Clock::now() + kCrashGrace);
    } else if (f.kind == "restart" && !up_[n]) {
      if (stopping_[n]) stop_server(n);
      ServerOptions o;
      o.observer = observers_[n].get();
      o.banner = false;
      servers_[n] = std::make_unique<LiveServer>(cfg_, f.a, o);
      for (const auto nb : adj_[n])
        servers_[n]->set_peer_address(topo_->names[nb], "127.0.0.1", cfg_.servers[nb].peer_port);
      servers_[n]->start();
      for (const auto& l : links_) {  // links cut while it was down stay cut
        if (l.applied_cut && (l.a == n || l.b == n)) servers_[n]->set_link_cut(topo_->names[l.a == n ? l.b : l.a], true);
      }
      conns_[n] = std::make_unique<ClientConnection>(io_, f.a, servers_[n]->client_port());
      up_[n] = true;
      recorder_->set_components(labels());
      faults_.push_back({recorder_->now(), f.kind, f.a});
    }
  }

  // Link faults, as the simulator applies them: a link is open unless cut or
  // separated by an active partition. A link that closes is cut at both ends
  // (LiveServer::set_link_cut: down now, no redial, handshakes refused; what
  // its sender had queued is lost) and reopened at both ends when it opens.
  void apply_link_fault(const sim::FaultSpec& f) {
    auto index_of = [&](const std::string& name) {
      return static_cast<std::uint32_t>(std::find(topo_->names.begin(), topo_->names.end(), name) - topo_->names.begin());
    };
    if (f.kind == "link_cut" || f.kind == "link_restore") {
      const std::uint32_t a = index_of(f.a), b = index_of(f.b);
      const auto it = link_index_.find({std::min(a, b), std::max(a, b)});
      if (it == link_index_.end())
        throw sim::ScenarioError(s_.file, f.field + ".link", "no link " + f.a + "-" + f.b + " in the topology");
      links_[it->second].cut = f.kind == "link_cut";
    } else if (f.kind == "partition") {
      std::vector<std::uint32_t> group = sim::partition_groups(f, topo_->names);
      for (auto& l : links_) l.blocked += group[l.a] != group[l.b];
      partitions_.push_back({f.name, std::move(group)});
    } else if (f.kind == "heal") {
      const auto it = std::find_if(partitions_.begin(), partitions_.end(), [&](const auto& p) { return p.first == f.name; });
      if (it != partitions_.end()) {
        for (auto& l : links_) l.blocked -= it->second[l.a] != it->second[l.b];
        partitions_.erase(it);
      }
    }
    for (auto& l : links_) {
      const bool cut = l.cut || l.blocked > 0;
      if (cut == l.applied_cut) continue;
      l.applied_cut = cut;
      faulted_any_ = faulted_any_ || cut;
      if (servers_[l.a]) servers_[l.a]->set_link_cut(topo_->names[l.b], cut);
      if (servers_[l.b]) servers_[l.b]->set_link_cut(topo_->names[l.a], cut);
    }
    recorder_->set_components(labels());
    faults_.push_back({recorder_->now(), f.kind, sim::fault_target(f)});
  }

  std::vector<std::uint32_t> labels() const {
    return component_labels(*topo_, up_, [this](std::size_t a, std::size_t b) {
      return !links_[link_index_.at({std::min(a, b), std::max(a, b)})].applied_cut;
    });
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
    recorder_->node_crashed(n, labels());
    faults_.push_back({recorder_->now(), "crash", topo_->names[n]});
  }

  Nanos coverage_interval() const {
    return s_.metrics.coverage_interval.value_or(std::max<Nanos>(s_.duration / 200, 1));
  }

  // Coverage sample k at k * interval, as the simulator takes them.
  void arm_coverage(Nanos k) {
    const Nanos at = k * coverage_interval();
    if (at > s_.duration) return;
    coverage_timer_.expires_at(real(at));
    coverage_timer_.async_wait([this, k](const boost::system::error_code& ec) {
      if (ec) return;
      recorder_->sample_coverage();
      arm_coverage(k + 1);
    });
  }

  void arm_progress(int k) {
    if (!opt_.progress || k > 100) return;
    progress_timer_.expires_at(real(s_.duration * k / 100));
    progress_timer_.async_wait([this, k](const boost::system::error_code& ec) {
      if (ec) return;
      opt_.progress(k / 100.0);
      arm_progress(k + 1);
    });
  }

  // Once the duration is over and every command is sent: wait until every
  // reply is read and every update message sent has arrived (twice in a
  // row, nothing happening in between), or the settle timeout.
  void maybe_settle() {
    if (!workload_done_ || !time_done_ || settling_) return;
    settling_ = true;
    settle_deadline_ = Clock::now() + std::chrono::nanoseconds(opt_.settle_timeout);
    poll_settled();
  }

  void poll_settled() {
    const auto k = recorder_->counts();
    // Every update message sent has arrived, unless a crash lost some in
    // flight: then nothing happening for 200 ms has to do.
    bool quiet = faulted_any_ || k.peer_sent == k.peer_stored + k.duplicates;
    for (const auto& c : conns_) quiet = quiet && (!c || c->outstanding() == 0);
    const int needed = faulted_any_ ? 20 : 1;
    quiet_polls_ = quiet && k.events == last_events_ ? quiet_polls_ + 1 : 0;
    if (quiet_polls_ >= needed) return finish(true);
    last_events_ = quiet ? k.events : UINT64_MAX;
    if (Clock::now() > settle_deadline_) return finish(false);
    settle_timer_.expires_after(std::chrono::milliseconds(10));
    settle_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) poll_settled();
    });
  }

  void finish(bool settled) {
    settled_ = settled;
    // The coverage and progress timers are all due by now and run out.
    for (auto& c : conns_) {
      if (c) c->close();
    }
  }

  void fill_record(LiveRunOutcome& out, const sim::GeneratedTopology& gen) {
    results::RunRecord& rec = out.record;
    auto& info = rec.info;
    info = sim::run_info(s_, seed_, gen.description);
    info.mode = "live";
    info.duration = std::llround(static_cast<double>(s_.duration) / opt_.speed);  // wall-clock
    if (opt_.ignore_faults && !s_.faults.empty()) {
      auto j = nlohmann::json::parse(s_.json);
      j.erase("faults");
      info.scenario_json = j.dump();
    }
    rec.faults = faults_;
    const Topology& topo = gen.topology;
    const auto adj = topo.adjacency();
    for (std::uint32_t i = 0; i < n_; ++i)
      rec.nodes.push_back({i, topo.names[i], static_cast<std::uint32_t>(adj[i].size()), 0});
    for (const auto& [a, b] : topo.links)
      rec.links.push_back({static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b), "loopback", 0});
    const auto k = recorder_->counts();
    const std::uint64_t delivered = k.peer_stored + k.duplicates;
    const std::uint64_t commands = iamats_ + whatsats_;
    rec.messages = {
        {"client_refused", commands - std::min(commands, out.replies) + rejected_},
        {"client_reports", iamats_},
        {"dropped_in_flight", k.peer_sent - std::min(k.peer_sent, delivered)},
        {"invalid_lines", k.invalid_lines},
        {"places_lookups", k.whatsats},
        {"update_delivered", delivered},
        {"update_duplicate", k.duplicates},
        {"update_sent", k.peer_sent},
        {"update_stored", k.peer_stored},
    };
    recorder_->finish(rec);
  }

  const sim::Scenario& s_;
  std::uint64_t seed_;
  const LiveRunOptions& opt_;
  std::uint32_t n_ = 0;
  // Declared before the servers: they call the observers until they stop.
  std::unique_ptr<DeliveryRecorder> recorder_;
  std::vector<std::unique_ptr<NodeObserver>> observers_;
  HerdConfig cfg_;
  std::vector<std::unique_ptr<LiveServer>> servers_;  // null while crashed
  const Topology* topo_ = nullptr;
  std::vector<std::vector<std::size_t>> adj_;
  std::vector<bool> up_;        // takes commands (false from a crash's time on)
  std::vector<bool> stopping_;  // crashed, answering what it was sent before stopping
  std::vector<results::FaultRow> faults_;
  bool faulted_any_ = false;  // a crash or a cut link: messages in flight may be lost
  struct LinkState {
    std::uint32_t a = 0, b = 0;  // a < b
    bool cut = false;            // link_cut without link_restore yet
    int blocked = 0;             // active partitions separating a and b
    bool applied_cut = false;    // what the two servers were told
  };
  std::vector<LinkState> links_;
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> link_index_;
  std::vector<std::pair<std::string, std::vector<std::uint32_t>>> partitions_;
  int quiet_polls_ = 0;
  asio::io_context io_{1};
  std::vector<std::unique_ptr<ClientConnection>> conns_;  // null while the server is crashed
  std::vector<std::unique_ptr<ClientConnection>> retired_;  // closed at a crash
  asio::steady_timer step_timer_{io_}, coverage_timer_{io_}, progress_timer_{io_}, end_timer_{io_}, settle_timer_{io_};
  std::unique_ptr<sim::Workload> workload_;
  sim::Workload::Schedule schedule_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> queue_;
  std::uint64_t seq_ = 0;
  std::vector<Nanos> last_time_;
  Clock::time_point t0_, settle_deadline_;
  bool workload_done_ = false, time_done_ = false, settling_ = false, settled_ = false;
  std::uint64_t last_events_ = UINT64_MAX;
  std::uint64_t iamats_ = 0, whatsats_ = 0, rejected_ = 0;
};

}  // namespace

void check_live_scenario(const sim::Scenario& s) {
  const auto names = sim::node_names(s.topology);
  if (names.size() > kMaxLiveServers)
    throw sim::ScenarioError(s.file, "topology",
                             std::to_string(names.size()) + " servers; herd live runs at most " +
                                 std::to_string(kMaxLiveServers) + " (one thread each): use herd sim");
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].size() > kMaxServerName)
      throw sim::ScenarioError(s.file, "topology.nodes[" + std::to_string(i) + "]",
                               "a live server name is at most " + std::to_string(kMaxServerName) + " bytes");
  }
}

std::vector<std::string> live_notes(const sim::Scenario& s) {
  std::vector<std::string> notes;
  if (s.network.loss > 0) notes.push_back("network.loss is not applied live (loopback TCP loses nothing)");
  if (!s.network.links.empty()) notes.push_back("network.links overrides are not applied live");
  if (s.skew.max > 0 || !s.skew.nodes.empty()) notes.push_back("clock_skew is not applied live (real clocks)");
  return notes;
}

sim::Scenario with_duration(sim::Scenario s, Nanos duration) {
  auto j = nlohmann::json::parse(s.json);
  s.duration = duration;
  j["duration"] = virt::format_nanos(duration);
  if (s.clients.stop && *s.clients.stop > duration) {
    s.clients.stop = duration;
    j["clients"]["stop"] = virt::format_nanos(duration);
  }
  s.json = j.dump();
  return s;
}

LiveRunOutcome run_scenario_live(const sim::Scenario& s, std::uint64_t seed, const LiveRunOptions& options) {
  LiveRun run(s, seed, options);
  return run.run();
}

}  // namespace herd::live
