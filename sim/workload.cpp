#include "sim/workload.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace herd::sim {

std::string coordinates_text(double lat, double lon) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.6f%+.6f", lat, lon);
  return buf;
}

std::string posix_text(Nanos t) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%09lld", static_cast<long long>(t / kNanosPerSecond),
                static_cast<long long>(t % kNanosPerSecond));
  return buf;
}

Workload::Workload(const Scenario& s, std::uint64_t seed, std::uint32_t servers)
    : spec_(s.clients),
      duration_(s.duration),
      stop_(s.clients.stop.value_or(s.duration)),
      n_(servers),
      rng_(virt::derive_seed(seed, kWorkloadStream)) {}

Nanos Workload::gap() {
  const double mean = static_cast<double>(spec_.report_interval);
  return std::max<Nanos>(1, static_cast<Nanos>(std::llround(rng_.exponential(mean))));
}

void Workload::start(const Schedule& schedule) {
  clients_.resize(spec_.count);
  for (std::uint32_t c = 0; c < spec_.count; ++c) {
    Client& cs = clients_[c];
    cs.name = "c" + std::to_string(c);
    cs.server = static_cast<std::uint32_t>(rng_.below(n_));
    cs.lat = -60 + 120 * rng_.uniform01();
    cs.lon = -180 + 360 * rng_.uniform01();
    const Nanos first =
        spec_.start + (spec_.poisson ? gap() : static_cast<Nanos>(rng_.below(static_cast<std::uint64_t>(spec_.report_interval))));
    if (first < stop_) schedule(first, Kind::Report, c, 0);
  }
}

const Workload::Client& Workload::move(std::uint32_t c) {
  Client& cs = clients_[c];
  if (spec_.moving) cs.server = static_cast<std::uint32_t>(rng_.below(n_));
  // A small random walk (about a kilometre a step), kept in range.
  cs.lat = std::clamp(cs.lat + (rng_.uniform01() - 0.5) * 0.02, -89.0, 89.0);
  cs.lon = std::clamp(cs.lon + (rng_.uniform01() - 0.5) * 0.02, -179.0, 179.0);
  return cs;
}

void Workload::after_report(std::uint32_t c, Nanos now, const Schedule& schedule) {
  const Client& cs = clients_[c];
  // Reads of this client at other servers, before its next report.
  const Nanos next = now + (spec_.poisson ? gap() : spec_.report_interval);
  const double reads = spec_.reads_per_report;
  auto count = static_cast<std::uint32_t>(reads);
  if (rng_.bernoulli(reads - count)) ++count;
  for (std::uint32_t k = 0; k < count && n_ > 1; ++k) {
    std::uint32_t other = static_cast<std::uint32_t>(rng_.below(n_ - 1));
    if (other >= cs.server) ++other;
    const Nanos at = now + static_cast<Nanos>(rng_.below(static_cast<std::uint64_t>(next - now)));
    if (at < duration_) schedule(at, Kind::Read, c, other);
  }
  if (next < stop_) schedule(next, Kind::Report, c, 0);
}

std::string Workload::iamat_line(std::uint32_t c, Nanos client_time) const {
  const Client& cs = clients_[c];
  return "IAMAT " + cs.name + " " + coordinates_text(cs.lat, cs.lon) + " " + posix_text(client_time);
}

std::string Workload::whatsat_line(std::uint32_t c) const {
  return "WHATSAT " + clients_[c].name + " " + std::to_string(spec_.radius_km) + " " +
         std::to_string(spec_.max_places);
}

}  // namespace herd::sim
