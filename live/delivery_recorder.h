#pragma once
// Records what the servers of a live run do, for the same metrics the
// simulator keeps (sim/metrics.h, docs/simulator.md "Metrics"): updates,
// first deliveries with hop counts, convergence, coverage, reads and message
// counts.
//
// Thread safety: every LiveServer calls its observer on its own thread; the
// observers forward here and one mutex serialises the calls. Each server has
// its own Report objects and client ids (and Report reference counts are not
// thread-safe), so nothing of a server's is kept: a report is identified by
// its AT line (origin, time difference, client, coordinates, client time —
// unique per accepted IAMAT and copied verbatim by flooding), and the
// recorder keeps one canonical Report of its own per AT line.
//
// Times are steady-clock nanoseconds since begin(). A node calls its observer
// before it floods, so an update's issue is always recorded before any peer
// stores it.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "herd/client_directory.h"
#include "herd/observer.h"
#include "herd/report.h"
#include "results/run_record.h"
#include "sim/metrics.h"
#include "sim/scenario.h"

namespace herd::live {

class DeliveryRecorder {
 public:
  // `components`: a component label per server (servers with equal labels
  // can reach each other), as for sim::Metrics::set_components.
  DeliveryRecorder(const sim::MetricsSpec& spec, std::vector<std::uint32_t> components);

  // An observer for server `node` that forwards here; it must not outlive
  // the recorder.
  std::unique_ptr<NodeObserver> observer(std::uint32_t node);

  // Starts the clock: times are measured from now.
  void begin();
  Nanos now() const;

  // --- events (any thread) ------------------------------------------------------
  void client_report(std::uint32_t node, std::string at_line, bool stored);
  void peer_report(std::uint32_t node, std::string at_line, std::uint16_t hops, bool stored);
  void peer_sent(std::uint32_t node);
  void whatsat(std::uint32_t node, std::string served_at_line);
  // A line answered "? ...": a WHATSAT for a client the server has not heard
  // of is a (stale) read, as in the simulator.
  void invalid_line(std::uint32_t node, std::string_view line);
  void sample_coverage();
  // Server `node` was stopped (a crash fault): what it held is gone, as in
  // the simulator; `components` are the labels over the servers still up.
  void node_crashed(std::uint32_t node, std::vector<std::uint32_t> components);
  // The herd's components changed (a server came back).
  void set_components(std::vector<std::uint32_t> components);

  struct Counts {
    std::uint64_t client_reports = 0;  // IAMATs accepted (stored or not)
    std::uint64_t updates = 0;         // IAMATs stored at their origin
    std::uint64_t peer_sent = 0;       // update messages sent to peers
    std::uint64_t peer_stored = 0;     // arrivals that were new
    std::uint64_t duplicates = 0;      // arrivals that were not
    std::uint64_t whatsats = 0;        // WHATSATs answered from a report (places lookups)
    std::uint64_t invalid_lines = 0;
    std::uint64_t events = 0;          // every observer call
  };
  Counts counts() const;
  double coverage() const;

  // Fills updates, deliveries, reads, coverage and the summary's metric
  // fields (as sim::Metrics::finish) and summary.events_processed.
  void finish(results::RunRecord& rec) const;

 private:
  // The recorder's own Report for an AT line (parsed once). Null if malformed.
  const ReportRef* canonical(const std::string& at_line);
  // What `node` held for `client` before (null if nothing), and remember `r`.
  const Report* replace_held(std::uint32_t node, ClientId client, const Report* r);

  mutable std::mutex mu_;
  std::chrono::steady_clock::time_point start_;
  sim::Metrics metrics_;
  ClientDirectory clients_;
  std::map<std::string, ReportRef, std::less<>> reports_;                    // by AT line
  std::map<std::pair<std::uint32_t, ClientId>, const Report*> held_;  // (node, client)
  Counts counts_;
};

}  // namespace herd::live
