#include "sim/metrics.h"

#include <algorithm>
#include <limits>

namespace herd::sim {

Metrics::Metrics(const MetricsSpec& spec) : spec_(spec) {}

void Metrics::set_components(std::vector<std::uint32_t> labels) {
  std::vector<std::uint32_t> size(labels.size(), 0);
  // A crashed server is alone in its component and never an origin.
  for (std::size_t v = 0; v < labels.size(); ++v) ++size[labels[v]];
  labels_.push_back(std::move(labels));
  comp_size_.push_back(std::move(size));
}

Metrics::Client& Metrics::client(ClientId id) {
  if (id >= clients_.size()) clients_.resize(id + 1);
  return clients_[id];
}

void Metrics::update_issued(const ReportRef& r, std::uint32_t origin, std::string_view client_name,
                            Nanos now, const Report* previous) {
  const auto id = static_cast<std::uint32_t>(updates_.size());
  Client& c = client(r->client());
  if (c.updates.empty()) c.name = std::string(client_name);
  Update u;
  u.report = r;
  u.origin = origin;
  u.epoch = static_cast<std::uint32_t>(labels_.size() - 1);
  u.label = labels_.back()[origin];
  u.reachable = comp_size_.back()[u.label];
  u.issued = now;
  u.sampled = id < spec_.sample_first || (spec_.sample_every > 0 && id % spec_.sample_every == 0);
  if (u.sampled) {
    if (delivered_words_ == 0) delivered_words_ = (labels_.back().size() + 63) / 64;
    u.sample = static_cast<std::uint32_t>(delivered_.size() / delivered_words_);
    delivered_.resize(delivered_.size() + delivered_words_, 0);
  }
  // The client's newest update changes: its holders stop counting.
  if (c.updates.empty()) ++reporting_clients_;
  else newest_holders_ -= updates_[c.updates.back()].holders;
  updates_.push_back(std::move(u));
  c.updates.push_back(id);
  expected_pairs_ += updates_.back().reachable;
  stored(origin, r, 0, now, previous);
}

std::uint32_t Metrics::position(const Client& c, const Report* r) const {
  if (!r) return 0;
  // Nearly always one of the newest, so search from the back.
  auto pos = static_cast<std::uint32_t>(c.updates.size());
  while (pos > 0 && updates_[c.updates[pos - 1]].report.get() != r) --pos;
  return pos;
}

void Metrics::stored(std::uint32_t node, const ReportRef& r, std::uint16_t hops, Nanos now,
                     const Report* previous) {
  const ClientId cid = r->client();
  if (cid >= clients_.size()) return;  // never issued (cannot happen in a sim run)
  Client& c = clients_[cid];
  const std::uint32_t pos = position(c, r.get());
  if (pos == 0) return;
  const std::uint32_t id = c.updates[pos - 1];
  const Update& u = updates_[id];
  if (u.sampled) {
    std::uint64_t& word = delivered_[u.sample * delivered_words_ + node / 64];
    const std::uint64_t bit = std::uint64_t{1} << (node % 64);
    if (!(word & bit)) deliveries_.push_back({now, id, node, hops});
    word |= bit;
  }
  std::uint32_t from = position(c, previous);
  hold(c, pos, +1);
  hold(c, from, -1);
  if (!crash_floor_.empty()) {
    auto it = crash_floor_.find(node);
    if (it != crash_floor_.end() && cid < it->second.size()) from = std::max(from, it->second[cid]);
  }
  cover(node, cid, from, pos, now);
}

void Metrics::node_lost(std::uint32_t node, ClientId client, const Report* held) {
  if (!held || client >= clients_.size()) return;
  auto& floor = crash_floor_[node];
  if (floor.size() < clients_.size()) floor.resize(clients_.size(), 0);
  const std::uint32_t pos = position(clients_[client], held);
  floor[client] = std::max(floor[client], pos);
  hold(clients_[client], pos, -1);
}

void Metrics::hold(const Client& c, std::uint32_t pos, int delta) {
  if (pos == 0) return;
  updates_[c.updates[pos - 1]].holders += static_cast<std::uint32_t>(delta);
  if (pos == c.updates.size()) newest_holders_ += static_cast<std::uint64_t>(static_cast<std::int64_t>(delta));
}

double Metrics::current_consistency() const {
  const std::size_t servers = labels_.empty() ? 0 : labels_.back().size();
  if (servers == 0 || reporting_clients_ == 0) return 1.0;
  return static_cast<double>(newest_holders_) / (static_cast<double>(servers) * static_cast<double>(reporting_clients_));
}

void Metrics::cover(std::uint32_t node, ClientId cid, std::uint32_t from, std::uint32_t upto, Nanos now) {
  const Client& c = clients_[cid];
  for (std::uint32_t k = from; k < upto; ++k) {
    Update& u = updates_[c.updates[k]];
    if (labels_[u.epoch][node] != u.label) continue;  // not reachable when issued
    ++reached_pairs_;
    if (++u.reached == u.reachable) u.converged = now;
    // The last one is the update `node` stored; the others it only covers.
    if (k + 1 == upto && ++u.exact_reached == u.reachable) u.exact_converged = now;
  }
}

void Metrics::read(std::uint32_t node, std::string_view client_name, const Report* served, ClientId cid,
                   Nanos now) {
  bool newest = false;
  if (served && cid < clients_.size() && !clients_[cid].updates.empty())
    newest = updates_[clients_[cid].updates.back()].report.get() == served;
  if (!newest) ++stale_reads_;
  if (reads_.size() < spec_.max_reads)
    reads_.push_back({read_count_, now, node, std::string(client_name), newest});
  ++read_count_;
}

double Metrics::current_coverage() const {
  return expected_pairs_ ? static_cast<double>(reached_pairs_) / static_cast<double>(expected_pairs_) : 0.0;
}

void Metrics::sample_coverage(Nanos now) { coverage_.push_back({now, current_coverage(), current_consistency()}); }

void Metrics::finish(results::RunRecord& rec, std::uint64_t messages_sent, std::uint64_t duplicates,
                     std::uint64_t peer_stores) const {
  rec.updates.clear();
  rec.updates.reserve(updates_.size());
  std::vector<Nanos> times, exact_times;
  double coverage_sum = 0;
  for (std::size_t id = 0; id < updates_.size(); ++id) {
    const Update& u = updates_[id];
    results::UpdateRow row;
    row.id = id;
    row.client = clients_[u.report->client()].name;
    row.origin = u.origin;
    row.issued_at = u.issued;
    row.reachable = u.reachable;
    row.reached = u.reached;
    if (u.converged >= 0) {
      row.convergence = u.converged - u.issued;
      times.push_back(*row.convergence);
    }
    row.sampled = u.sampled;
    row.exact_reached = u.exact_reached;
    if (u.exact_converged >= 0) {
      row.exact_convergence = u.exact_converged - u.issued;
      exact_times.push_back(*row.exact_convergence);
    }
    coverage_sum += u.reachable ? static_cast<double>(u.reached) / u.reachable : 1.0;
    rec.updates.push_back(std::move(row));
  }
  rec.deliveries.clear();
  rec.deliveries.reserve(deliveries_.size());
  for (const Delivery& d : deliveries_) rec.deliveries.push_back({d.update, d.node, d.at, d.hops});
  rec.reads = reads_;
  rec.coverage = coverage_;

  auto& s = rec.summary;
  const std::size_t n = updates_.size();
  s.updates = n;
  // Nearest-rank percentiles over the converged updates.
  const auto percentiles = [](std::vector<Nanos>& v, std::uint64_t& count, std::optional<Nanos>& p50,
                              std::optional<Nanos>& p90, std::optional<Nanos>& p99, std::optional<Nanos>& max) {
    std::sort(v.begin(), v.end());
    const std::size_t m = v.size();
    count = m;
    auto pct = [&](std::size_t p) -> std::optional<Nanos> {
      if (m == 0) return std::nullopt;
      const std::size_t rank = std::max<std::size_t>(1, (p * m + 99) / 100);  // ceil(p% of m)
      return v[rank - 1];
    };
    p50 = pct(50);
    p90 = pct(90);
    p99 = pct(99);
    max = m ? std::optional<Nanos>(v.back()) : std::nullopt;
  };
  percentiles(times, s.converged_updates, s.convergence_p50, s.convergence_p90, s.convergence_p99,
              s.convergence_max);
  percentiles(exact_times, s.exact_converged_updates, s.exact_convergence_p50, s.exact_convergence_p90,
              s.exact_convergence_p99, s.exact_convergence_max);
  s.coverage = n ? coverage_sum / static_cast<double>(n) : 0;
  s.messages_per_update = n ? static_cast<double>(messages_sent) / static_cast<double>(n) : 0;
  const std::uint64_t arrivals = duplicates + peer_stores;
  s.duplicate_ratio = arrivals ? static_cast<double>(duplicates) / static_cast<double>(arrivals) : 0;
  s.reads = read_count_;
  s.stale_read_fraction = read_count_ ? static_cast<double>(stale_reads_) / static_cast<double>(read_count_) : 0;
}

}  // namespace herd::sim
