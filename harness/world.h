#pragma once
// The world a scenario runs in, as the harness (harness.h) sees it: servers
// joined by the topology's links, a clock in scenario time, and a way to be
// called back at a scenario time. Two implementations: the virtual network
// (virtual_world.h) and real servers on loopback (live_world.h).
//
// The harness owns *why* a link is closed (cuts, partitions) and when a
// server crashes; a world only carries the consequences: one open bit per
// link, and which servers are up. A link carries messages when it is open
// and both its ends are up.
#include <cstdint>
#include <string_view>
#include <vector>

#include "herd/report.h"
#include "herd/types.h"
#include "results/run_record.h"

namespace herd::harness {

// What a world tells the harness, on the harness's thread: in the order it
// happened in the simulator; live, in each server's order (servers race each
// other by microseconds). `at` is scenario time. Reports are the world's canonical ones
// (one id space for every server, so metrics can compare them).
class WorldEvents {
 public:
  virtual ~WorldEvents() = default;
  // An event scheduled with World::schedule is due.
  virtual void due(std::uint32_t event) = 0;
  // Server `node` accepted an IAMAT: `stored` if it was new there, replacing
  // `previous` (null if none).
  virtual void client_report(std::uint32_t node, const ReportRef& r, bool stored, const Report* previous,
                             Nanos at) = 0;
  // Server `node` received `r` from a peer, `hops` links from its origin.
  virtual void peer_report(std::uint32_t node, const ReportRef& r, std::uint16_t hops, bool stored,
                           const Report* previous, Nanos at) = 0;
  // Server `node` received `r` from a peer as an anti-entropy repair (not an
  // update): the same, counted apart. Only the simulator sends repairs yet.
  virtual void repair_report(std::uint32_t /*node*/, const ReportRef& /*r*/, bool /*stored*/,
                             const Report* /*previous*/, Nanos /*at*/) {}
  // A WHATSAT at `node` was answered from `served`.
  virtual void whatsat(std::uint32_t node, const Report& served, Nanos at) = 0;
  // A line at `node` was answered "? ..." (a WHATSAT for a client it never
  // heard of is a stale read).
  virtual void invalid_line(std::uint32_t node, std::string_view line, Nanos at) = 0;
  // Server `node` is gone (a crash), holding `held` for `client` (one call
  // per client it held).
  virtual void lost(std::uint32_t node, ClientId client, const Report* held) = 0;
};

// Counts only a world can keep (what the network did with messages).
struct NetworkCounts {
  std::uint64_t sent = 0;               // update messages handed to the network
  std::uint64_t delivered = 0;          // handed to the receiving server
  std::uint64_t dropped_in_flight = 0;  // lost with a link that went down
  // Only the simulated network tells these apart (absent live).
  bool has_drop_causes = false;
  std::uint64_t dropped_link_down = 0, dropped_loss = 0;
  std::uint64_t unanswered = 0;  // commands sent that got no (or a refusing) reply
  std::uint64_t events = 0;      // the world's own count of what it processed
  // Messages of kinds other than updates (repairs, control), as "<kind>"
  // (PeerMessage kind_name) with sent, delivered and bytes; only kinds sent.
  struct Kind {
    const char* name = "";
    std::uint64_t sent = 0, delivered = 0, bytes = 0;
  };
  std::vector<Kind> kinds;
};

class World {
 public:
  virtual ~World() = default;
  // Scenario time now.
  virtual Nanos now() const = 0;
  // What a client's clock reads now (POSIX nanoseconds): the IAMAT times.
  virtual Nanos posix_now() const = 0;
  // Calls WorldEvents::due(event) at scenario time `at` (>= now). Events due
  // at one time run in the order they were scheduled, after anything the
  // world already had for that time.
  virtual void schedule(Nanos at, std::uint32_t event) = 0;
  // Opens or closes link `link` (an index into the topology's links) at both
  // ends. What was in flight on a link that closes is lost.
  virtual void set_link_open(std::size_t link, bool open) = 0;
  // Server `n` stops (its table is lost: WorldEvents::lost for each client
  // it held). No-op if it is down.
  virtual void crash(std::uint32_t n) = 0;
  // Server `n` comes back with an empty table; its open links come up.
  virtual void restart(std::uint32_t n) = 0;
  // Sends one client command to server `n`. False if `n` is down (refused).
  virtual bool client_command(std::uint32_t n, std::string_view line, bool whatsat) = 0;
  // The client id the world's servers know `name` by (0 if none).
  virtual ClientId client_id(std::string_view name) = 0;
  // Runs until scenario time `end` (and, live, until the herd settles).
  virtual void run(Nanos end) = 0;

  // --- for the run record, after run() ---------------------------------------
  virtual NetworkCounts counts() const = 0;
  virtual results::NodeRow node_row(std::uint32_t n) const = 0;
  virtual results::LinkRow link_row(std::size_t link) const = 0;
};

}  // namespace herd::harness
