#pragma once
// The harness's World on real servers: one engine/asio LiveServer per
// topology node (a thread each, in this process) on loopback, a persistent
// pipelining client connection to each, real time scaled by a speed.
//
// Scenario time is wall time since the run began times the speed; the
// harness's timeline is sent at those instants. Faults act for real: a
// closed link is cut at both ends (LiveServer::set_link_cut: down now, no
// redial, handshakes refused); a crash stops taking commands at once,
// answers those already sent (at most kCrashGrace: the simulator answers a
// command the instant it is sent), then stops the server (sockets closed,
// thread joined, table gone); a restart brings a fresh, empty server up on
// the same ports, where its neighbours redial it.
//
// After the duration, run() waits until every reply is read and every update
// message sent has arrived (or, after a fault, nothing happened for 200 ms),
// or the settle timeout. No Asio in this header.
#include <cstdint>
#include <memory>
#include <string>

#include "harness/world.h"
#include "topology/topology.h"
#include "sim/scenario.h"

namespace herd::harness {

struct LiveWorldOptions {
  double speed = 1;          // > 0
  std::string log_dir;       // per-server logs; empty = none
  Nanos settle_timeout = 5 * kNanosPerSecond;
};

class LiveWorld final : public World {
 public:
  // Starts every server and waits for every peer link (throws
  // std::runtime_error if a port cannot be bound or links do not come up).
  LiveWorld(const sim::Scenario& s, const Topology& topo, const LiveWorldOptions& options, WorldEvents& events);
  ~LiveWorld() override;

  std::uint64_t iamats_sent() const;
  std::uint64_t whatsats_sent() const;
  std::uint64_t replies() const;  // complete replies the clients read
  bool settled() const;           // every reply and message arrived before the timeout

  // --- World ------------------------------------------------------------------------
  Nanos now() const override;
  Nanos posix_now() const override;
  void schedule(Nanos at, std::uint32_t event) override;
  void set_link_open(std::size_t link, bool open) override;
  void crash(std::uint32_t n) override;
  void restart(std::uint32_t n) override;
  bool client_command(std::uint32_t n, std::string_view line, bool whatsat) override;
  ClientId client_id(std::string_view name) override;
  void run(Nanos end) override;
  NetworkCounts counts() const override;
  results::NodeRow node_row(std::uint32_t n) const override;
  results::LinkRow link_row(std::size_t link) const override;

 private:
  class Impl;
  const Topology& topo_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herd::harness
