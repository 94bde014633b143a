#pragma once
// Propagation metrics of one run, collected as events happen and turned into
// a results::RunRecord at the end. Memory is bounded by design:
//
// - one small record per update (a stored IAMAT), never one per message;
// - per-node deliveries only for *sampled* updates: ids below sample_first,
//   or multiples of sample_every; every other update only keeps its
//   aggregate (reached count, convergence time);
// - message counts are counters; WHATSAT reads keep at most max_reads rows
//   (all are counted in the summary);
// - nothing per (node, client): which older updates a store also covers is
//   worked out from the report the node held before (the driver passes it),
//   plus, for servers that crashed, a per-client floor saved at the crash.
//
// Definitions (docs/simulator.md):
// - an update's reachable set: the servers in the origin's component (over
//   links up at issue time); reached: how many of them have stored it or a
//   newer report of the same client at some point; its convergence time:
//   from issue until the last of them did (none if that never happened);
// - exact convergence: the same but counting only servers that stored this
//   very update (one that got a newer report first never does);
// - coverage sample at time t: reached / reachable summed over the updates
//   issued so far (docs/results-schema.md), i.e. the fraction of (update,
//   reachable server) pairs delivered by t;
// - convergence percentiles: nearest rank over the converged updates only
//   (converged_updates says how many that is).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/virtual/huge_pages.h"
#include "herd/report.h"
#include "results/run_record.h"
#include "sim/scenario.h"

namespace herd::sim {

class Metrics {
 public:
  explicit Metrics(const MetricsSpec& spec);

  // The herd's components changed (labels from harness::FaultState::components()).
  void set_components(std::vector<std::uint32_t> labels);

  // A client's IAMAT was stored at `origin`: a new update.
  // `previous`: what the origin held for the client before (or null).
  void update_issued(const ReportRef& r, std::uint32_t origin, std::string_view client_name, Nanos now,
                     const Report* previous);
  // `node` stored `r` from a peer, `hops` links from its origin, replacing `previous`.
  void stored(std::uint32_t node, const ReportRef& r, std::uint16_t hops, Nanos now, const Report* previous);
  // `node` is about to crash holding `held` (null: nothing) for `client`:
  // remember how far it had got (one call per client it held).
  void node_lost(std::uint32_t node, ClientId client, const Report* held);
  void read(std::uint32_t node, std::string_view client_name, const Report* served, ClientId client, Nanos now);
  void sample_coverage(Nanos now);

  // Of every (server, client) pair over the clients that have reported, the
  // fraction where the server holds the client's newest report (1 before
  // any report). Kept from the `previous` of each store: no table copies.
  double current_consistency() const;

  // Fills updates, deliveries, reads, coverage and the summary's metric fields.
  void finish(results::RunRecord& rec, std::uint64_t messages_sent, std::uint64_t duplicates,
              std::uint64_t peer_stores) const;

  std::uint64_t updates() const { return updates_.size(); }
  double current_coverage() const;

 private:
  struct Update {
    ReportRef report;
    std::uint32_t origin = 0;
    std::uint32_t epoch = 0;   // index into labels_
    std::uint32_t label = 0;
    std::uint32_t reachable = 0;
    std::uint32_t reached = 0;
    Nanos issued = 0;
    Nanos converged = -1;      // absolute virtual time, -1 if never
    std::uint32_t exact_reached = 0;  // reachable servers that stored this very update
    Nanos exact_converged = -1;       // when the last of them did, -1 if never
    std::uint32_t holders = 0; // servers holding this update now
    bool sampled = false;
    std::uint32_t sample = 0;  // if sampled: its row in delivered_
  };
  struct Client {
    std::string name;
    std::vector<std::uint32_t> updates;  // ids, in issue order (= newest last)
  };
  Client& client(ClientId id);
  // Position (1-based) of report `r` in the client's update list, 0 if none.
  std::uint32_t position(const Client& c, const Report* r) const;
  // Marks the client's updates at positions (from, upto] as reached at `node`.
  void cover(std::uint32_t node, ClientId c, std::uint32_t from, std::uint32_t upto, Nanos now);
  // One more (+1) or one fewer (-1) server holds the client's update at
  // position `pos` (1-based; 0: not an update, nothing to count).
  void hold(const Client& c, std::uint32_t pos, int delta);

  MetricsSpec spec_;
  std::vector<std::vector<std::uint32_t>> labels_;       // per epoch
  std::vector<std::vector<std::uint32_t>> comp_size_;    // per epoch, by label
  std::vector<Update> updates_;
  std::vector<Client> clients_;                          // by ClientId
  // For servers that crashed: [client] -> positions already counted before.
  std::map<std::uint32_t, std::vector<std::uint32_t>> crash_floor_;
  std::uint64_t expected_pairs_ = 0, reached_pairs_ = 0;
  // Consistency: servers holding each reporting client's newest update, summed.
  std::uint64_t newest_holders_ = 0, reporting_clients_ = 0;
  // Sampled deliveries run to millions of rows (200 updates x 10,000 nodes);
  // kept compact (24 bytes) and on huge pages, so appending does not fault a
  // fresh 4 KiB page every 170 rows. Widened to DeliveryRow in finish().
  struct Delivery {
    Nanos at;
    std::uint32_t update, node;
    std::uint16_t hops;
  };
  std::vector<Delivery, virt::HugePageAllocator<Delivery>> deliveries_;
  // Which servers have a delivery row of each sampled update: one bit per
  // (sampled update, server), 1/192 of the rows' size. A server that lost
  // its table (a crash) can store an update again when anti-entropy
  // repairs it, and a delivery row is the *first* delivery only.
  std::vector<std::uint64_t> delivered_;
  std::size_t delivered_words_ = 0;  // per sampled update
  std::vector<results::ReadRow> reads_;
  std::uint64_t read_count_ = 0, stale_reads_ = 0;
  std::vector<results::CoverageSample> coverage_;
};

}  // namespace herd::sim
