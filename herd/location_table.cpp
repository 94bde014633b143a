#include "herd/location_table.h"

namespace herd {

ReportRef& LocationTable::grow(ClientId client) {
  const auto c = static_cast<std::size_t>(client);
  if (shared_) {
    auto& all = shared_->slots_;
    const std::size_t t = shared_->tables_;
    if (c >= shared_->clients()) all.resize((c + 1) * t);
    return all[c * t + column_];
  }
  if (c >= slots_.size()) slots_.resize(c + 1);
  return slots_[c];
}

LocationTable::Offer LocationTable::offer(ReportRef r, ReportRef* replaced) {
  ReportRef& slot = grow(r->client());
  // The same report again (a flooding duplicate) is never newer: skip the
  // byte-wise line comparison newer_than would make on equal client times.
  if (slot.get() == r.get()) return Offer::Stale;
  if (slot && !r->newer_than(*slot)) return Offer::Stale;
  if (!slot) ++count_;
  if (digest_) digest_->store(*r);
  if (replaced) *replaced = std::move(slot);
  slot = std::move(r);
  return Offer::Stored;
}

const TableDigest& LocationTable::digest() {
  if (!digest_) {
    digest_ = std::make_unique<TableDigest>();
    for_each([this](const ReportRef& r) { digest_->store(*r); });
  }
  return *digest_;
}

void LocationTable::clear() {
  if (digest_) digest_->clear();
  if (shared_) {
    const std::size_t t = shared_->tables_;
    for (std::size_t i = column_; count_ > 0 && i < shared_->slots_.size(); i += t) {
      if (shared_->slots_[i]) {
        shared_->slots_[i] = ReportRef();
        --count_;
      }
    }
  } else {
    slots_.clear();
  }
  count_ = 0;
}

}  // namespace herd
