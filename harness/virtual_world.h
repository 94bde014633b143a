#pragma once
// The harness's World on the virtual network (engine/virtual): every server
// a node on one thread, virtual time, simulated latency and loss, clock
// skew. Translates the network's observer calls into WorldEvents.
#include <cstdint>
#include <memory>

#include "engine/virtual/virtual_network.h"
#include "harness/world.h"

namespace herd::harness {

class VirtualWorld final : public World, private virt::NetworkObserver {
 public:
  // `config.due` is set here (to events.due); the rest is the caller's.
  // `tap`, when set, sees every report a node accepted or refused too (after
  // the harness), e.g. for herd explore's invariants.
  VirtualWorld(const Topology& topo, virt::NetworkConfig config, WorldEvents& events,
               virt::NetworkObserver* tap = nullptr);

  virt::VirtualNetwork& network() { return *net_; }

  // Wall-clock and CPU seconds spent in run() (the event loop alone).
  double loop_seconds() const { return loop_seconds_; }
  double loop_cpu_seconds() const { return loop_cpu_seconds_; }

  // --- World ------------------------------------------------------------------------
  Nanos now() const override { return net_->now(); }
  Nanos posix_now() const override { return net_->epoch() + net_->now(); }
  void schedule(Nanos at, std::uint32_t event) override { net_->schedule(at, event); }
  void set_link_open(std::size_t link, bool open) override { net_->set_link_open(link, open); }
  void crash(std::uint32_t n) override;
  void restart(std::uint32_t n) override { net_->restart(n); }
  bool client_command(std::uint32_t n, std::string_view line, bool whatsat) override;
  ClientId client_id(std::string_view name) override { return net_->clients().find(name).value_or(0); }
  void run(Nanos end) override;
  NetworkCounts counts() const override;
  results::NodeRow node_row(std::uint32_t n) const override;
  results::LinkRow link_row(std::size_t link) const override;

 private:
  // --- virt::NetworkObserver -------------------------------------------------------
  void client_report(std::uint32_t node, const ReportRef& r, bool stored, const Report* previous) override;
  void peer_report(std::uint32_t node, PeerId from, const PeerMessage& m, bool stored,
                   const Report* previous) override;
  void whatsat(std::uint32_t node, ClientId client, const Report& served) override;
  void invalid_line(std::uint32_t node, std::string_view line) override;

  const Topology& topo_;
  WorldEvents& events_;
  virt::NetworkObserver* tap_;
  std::unique_ptr<virt::VirtualNetwork> net_;
  double loop_seconds_ = 0, loop_cpu_seconds_ = 0;
};

}  // namespace herd::harness
