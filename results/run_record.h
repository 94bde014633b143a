#pragma once
// What one simulation (or live) run records, as plain data. The simulator
// fills these; results::Store writes them to SQLite (schema in
// docs/results-schema.md). No SQLite here, so the sim includes it freely.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "herd/types.h"

namespace herd::results {

struct RunInfo {
  std::string mode = "sim";        // "sim" or "live"
  std::string scenario_name;       // the scenario's "name"
  std::string scenario_path;       // as given on the command line
  std::string scenario_json;       // the effective scenario (after sweep substitution), canonical dump
  std::string sweep_point_json;    // {"param": value, ...} for a sweep point, or "{}"
  std::uint64_t seed = 0;
  std::string strategy;            // e.g. "flooding"
  std::string topology;            // e.g. "preset:hill", "small_world(n=1000,k=6,p=0.1)"
  std::string code_version;        // sim::code_version(): version+commit[-dirty]
  Nanos duration = 0;              // simulated time the run covered
};

struct NodeRow {
  std::uint32_t id = 0;
  std::string name;
  std::uint32_t degree = 0;
  Nanos clock_skew = 0;
};

struct LinkRow {
  std::uint32_t a = 0, b = 0;
  std::string latency;  // model description, e.g. "lognormal(median=20ms,sigma=0.5)"
  double loss = 0;
};

struct FaultRow {
  Nanos at = 0;
  std::string kind;    // "link_cut", "link_restore", "partition", "heal", "crash", "restart", ...
  std::string target;  // e.g. "Hill-Smith", "Hill", "groups:[[..],[..]]"
};

// One IAMAT that was stored (a new report) at its origin.
struct UpdateRow {
  std::uint64_t id = 0;
  std::string client;
  std::uint32_t origin = 0;
  Nanos issued_at = 0;          // simulated time it was accepted at the origin
  std::uint32_t reachable = 0;  // servers reachable from the origin (incl. it) at issue time
  std::uint32_t reached = 0;    // of those, how many stored this update or a newer one
  // Time until all reachable servers held it or a newer report of the
  // client; nullopt if never.
  std::optional<Nanos> convergence;
  bool sampled = false;         // whether its per-node deliveries are in `deliveries`
  std::uint32_t exact_reached = 0;  // of the reachable, how many stored this very update
  // Time until all reachable servers stored this very update (a newer report
  // arriving first does not count); nullopt if never.
  std::optional<Nanos> exact_convergence;
};

// First time `node` stored update `update` (only for sampled updates).
struct DeliveryRow {
  std::uint64_t update = 0;
  std::uint32_t node = 0;
  Nanos at = 0;     // simulated time
  std::uint16_t hops = 0;
};

struct MessageCount {
  std::string kind;  // "update_sent", "update_delivered", "update_duplicate",
                     // "dropped_loss", "dropped_link", "dropped_crashed", ...
  std::uint64_t count = 0;
};

// WHATSAT reads (all, or a sample; the Summary says how many were made).
struct ReadRow {
  std::uint64_t id = 0;
  Nanos at = 0;
  std::uint32_t node = 0;
  std::string client;
  bool saw_newest = false;  // the served report was the newest issued so far
};

// Fraction of (update, reachable server) pairs covered, sampled over time:
// one row per sampling interval, for the coverage-over-time plot.
struct CoverageSample {
  Nanos at = 0;
  double coverage = 0;  // 0..1: delivered / expected, over updates issued so far
  // 0..1: of every (server, client) pair, over the clients that have
  // reported, the fraction where the server holds the client's newest report.
  double consistency = 1;
};

struct Summary {
  std::uint64_t updates = 0;
  std::uint64_t converged_updates = 0;
  std::optional<Nanos> convergence_p50, convergence_p90, convergence_p99, convergence_max;
  // The same over exact convergence (UpdateRow::exact_convergence).
  std::uint64_t exact_converged_updates = 0;
  std::optional<Nanos> exact_convergence_p50, exact_convergence_p90, exact_convergence_p99, exact_convergence_max;
  double coverage = 0;             // mean over updates of reached / reachable at run end
  double messages_per_update = 0;  // update messages sent / updates
  double duplicate_ratio = 0;      // deliveries that were not new / all deliveries
  std::uint64_t reads = 0;
  double stale_read_fraction = 0;
  std::uint64_t events_processed = 0;
  double wall_seconds = 0;         // wall-clock: excluded from determinism checks
  std::uint64_t peak_rss_bytes = 0;  // wall-clock-like: excluded from determinism checks
};

struct RunRecord {
  RunInfo info;
  std::vector<NodeRow> nodes;
  std::vector<LinkRow> links;
  std::vector<FaultRow> faults;
  std::vector<UpdateRow> updates;
  std::vector<DeliveryRow> deliveries;
  std::vector<MessageCount> messages;
  std::vector<ReadRow> reads;
  std::vector<CoverageSample> coverage;
  Summary summary;
};

}  // namespace herd::results
