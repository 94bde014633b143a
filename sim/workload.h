#pragma once
// The client workload of a scenario (docs/scenarios.md, "Clients and
// workload"): who reports where and when, how clients move, and when they
// are read. Driven by the harness (harness/harness.h) in both worlds, so
// that for one scenario and seed `herd sim` and `herd live` send
// the same commands to the same servers in the same order.
//
// All randomness comes from one stream, the run seed's workload stream
// (derive_seed(seed, kWorkloadStream)). The draws happen as the caller steps
// the workload: the caller keeps the events in a queue ordered by (time,
// insertion order) and, for each due report, calls move() before sending
// the IAMAT and after_report() after it; reads draw nothing. Any caller that
// does this draws the same numbers in the same order.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/virtual/random.h"
#include "sim/scenario.h"

namespace herd::sim {

// The workload's stream number for virt::derive_seed (the simulator's other
// streams: network 1, clock skew 3; the topology generator has its own).
inline constexpr std::uint64_t kWorkloadStream = 2;

class Workload {
 public:
  enum class Kind : std::uint8_t { Report, Read };
  // Puts an event in the caller's queue: client `client` reports (Report) or
  // is read at `server` (Read) at scenario time `at`.
  using Schedule = std::function<void(Nanos at, Kind kind, std::uint32_t client, std::uint32_t server)>;

  struct Client {
    std::string name;          // "c0", "c1", ...
    std::uint32_t server = 0;  // its fixed server, or the last one it reported to
    double lat = 0, lon = 0;
  };

  // `servers`: how many servers the topology has (at least 1).
  Workload(const Scenario& s, std::uint64_t seed, std::uint32_t servers);

  // Draws every client's name, server and starting point and schedules each
  // one's first report. Call once, before anything else.
  void start(const Schedule& schedule);
  // A report of client `c` is due: picks its server (moving clients) and
  // takes one step of its random walk. Returns the client: send
  // iamat_line(c, client_time) to client(c).server.
  const Client& move(std::uint32_t c);
  // After the IAMAT of a report due at `now`: schedules the client's reads
  // at other servers before its next report, then the next report.
  void after_report(std::uint32_t c, Nanos now, const Schedule& schedule);

  const Client& client(std::uint32_t c) const { return clients_[c]; }
  std::size_t clients() const { return clients_.size(); }
  // "IAMAT <name> <+lat+lon> <client_time as POSIX seconds.nanoseconds>"
  std::string iamat_line(std::uint32_t c, Nanos client_time) const;
  // "WHATSAT <name> <radius_km> <max_places>"
  std::string whatsat_line(std::uint32_t c) const;

 private:
  Nanos gap();

  const ClientsSpec& spec_;
  Nanos duration_;
  Nanos stop_;
  std::uint32_t n_;
  virt::Rng rng_;
  std::vector<Client> clients_;
};

// "+34.068930-118.445127": six decimals, signs always.
std::string coordinates_text(double lat, double lon);
// "1621464827.959498503" for a POSIX time in nanoseconds (t >= 0).
std::string posix_text(Nanos t);

}  // namespace herd::sim
