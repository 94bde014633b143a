#include "live/delivery_recorder.h"

#include <array>

#include "herd/client_command.h"

namespace herd::live {

namespace {

// Forwards one server's node events to the recorder, copying what it keeps
// (the AT line) on the server's thread.
class ServerObserver final : public NodeObserver {
 public:
  ServerObserver(DeliveryRecorder& rec, std::uint32_t node) : rec_(rec), node_(node) {}
  void client_report(const Report& r, bool stored) override { rec_.client_report(node_, r.at_line(), stored); }
  void peer_report(PeerId, const PeerMessage& m, bool stored) override {
    if (m.report) rec_.peer_report(node_, m.report->at_line(), m.hops, stored);
  }
  void peer_sent(PeerId, const PeerMessage&) override { rec_.peer_sent(node_); }
  void whatsat(ClientId, const Report& served) override { rec_.whatsat(node_, served.at_line()); }
  void invalid_line(ConnId, std::string_view line, bool) override { rec_.invalid_line(node_, line); }

 private:
  DeliveryRecorder& rec_;
  std::uint32_t node_;
};

}  // namespace

DeliveryRecorder::DeliveryRecorder(const sim::MetricsSpec& spec, std::vector<std::uint32_t> components)
    : start_(std::chrono::steady_clock::now()), metrics_(spec) {
  metrics_.set_components(std::move(components));
}

std::unique_ptr<NodeObserver> DeliveryRecorder::observer(std::uint32_t node) {
  return std::make_unique<ServerObserver>(*this, node);
}

void DeliveryRecorder::begin() {
  std::lock_guard lock(mu_);
  start_ = std::chrono::steady_clock::now();
}

Nanos DeliveryRecorder::now() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start_).count();
}

const ReportRef* DeliveryRecorder::canonical(const std::string& at_line) {
  auto it = reports_.find(at_line);
  if (it != reports_.end()) return &it->second;
  ReportRef r = parse_at_line(at_line, clients_);
  if (!r) return nullptr;
  return &reports_.emplace(at_line, std::move(r)).first->second;
}

const Report* DeliveryRecorder::replace_held(std::uint32_t node, ClientId client, const Report* r) {
  const Report*& slot = held_[{node, client}];
  const Report* before = slot;
  slot = r;
  return before;
}

void DeliveryRecorder::client_report(std::uint32_t node, std::string at_line, bool stored) {
  std::lock_guard lock(mu_);
  ++counts_.events;
  ++counts_.client_reports;
  if (!stored) return;
  const ReportRef* r = canonical(at_line);
  if (!r) return;
  ++counts_.updates;
  const Report* previous = replace_held(node, (*r)->client(), r->get());
  metrics_.update_issued(*r, node, (*r)->client_name(), now(), previous);
}

void DeliveryRecorder::peer_report(std::uint32_t node, std::string at_line, std::uint16_t hops, bool stored) {
  std::lock_guard lock(mu_);
  ++counts_.events;
  if (!stored) {
    ++counts_.duplicates;
    return;
  }
  ++counts_.peer_stored;
  const ReportRef* r = canonical(at_line);
  if (!r) return;
  const Report* previous = replace_held(node, (*r)->client(), r->get());
  metrics_.stored(node, *r, hops, now(), previous);
}

void DeliveryRecorder::peer_sent(std::uint32_t) {
  std::lock_guard lock(mu_);
  ++counts_.events;
  ++counts_.peer_sent;
}

void DeliveryRecorder::whatsat(std::uint32_t node, std::string served_at_line) {
  std::lock_guard lock(mu_);
  ++counts_.events;
  ++counts_.whatsats;
  const ReportRef* r = canonical(served_at_line);
  if (!r) return;
  metrics_.read(node, (*r)->client_name(), r->get(), (*r)->client(), now());
}

void DeliveryRecorder::invalid_line(std::uint32_t node, std::string_view line) {
  std::lock_guard lock(mu_);
  ++counts_.events;
  ++counts_.invalid_lines;
  std::array<std::string_view, 4> f;
  if (split_fields(line, f) == 4 && f[0] == "WHATSAT") {
    metrics_.read(node, f[1], nullptr, clients_.find(f[1]).value_or(0), now());
  }
}

void DeliveryRecorder::node_crashed(std::uint32_t node, std::vector<std::uint32_t> components) {
  std::lock_guard lock(mu_);
  ++counts_.events;
  for (auto it = held_.lower_bound({node, 0}); it != held_.end() && it->first.first == node;) {
    metrics_.node_lost(node, it->first.second, it->second);
    it = held_.erase(it);
  }
  metrics_.set_components(std::move(components));
}

void DeliveryRecorder::set_components(std::vector<std::uint32_t> components) {
  std::lock_guard lock(mu_);
  ++counts_.events;
  metrics_.set_components(std::move(components));
}

void DeliveryRecorder::sample_coverage() {
  std::lock_guard lock(mu_);
  metrics_.sample_coverage(now());
}

DeliveryRecorder::Counts DeliveryRecorder::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

double DeliveryRecorder::coverage() const {
  std::lock_guard lock(mu_);
  return metrics_.current_coverage();
}

void DeliveryRecorder::finish(results::RunRecord& rec) const {
  std::lock_guard lock(mu_);
  metrics_.finish(rec, counts_.peer_sent, counts_.duplicates, counts_.peer_stored);
  rec.summary.events_processed = counts_.events;
}

}  // namespace herd::live
