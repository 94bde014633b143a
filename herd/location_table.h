#pragma once
// The newest report per client that one server holds.
//
// Layout: a vector indexed by ClientId holding one 8-byte ReportRef per slot,
// so a server that knows a million clients spends 8 MB on the table plus the
// shared reports themselves (one per update, shared by every node holding it).
#include <cstddef>
#include <vector>

#include "herd/report.h"

namespace herd {

class LocationTable {
 public:
  enum class Offer { Stored, Stale };

  // Stores `r` if no report is held for its client or r.newer_than(held);
  // otherwise leaves the table unchanged and returns Stale.
  Offer offer(ReportRef r);

  // The held report for `client`, or null.
  // A cache hint only: starts loading `client`'s slot (the simulator calls
  // it for the next event while it handles the current one).
  void prefetch(ClientId client) const {
    if (client < slots_.size()) __builtin_prefetch(&slots_[client]);
  }
  const ReportRef* find(ClientId client) const {
    if (client >= slots_.size() || !slots_[client]) return nullptr;
    return &slots_[client];
  }
  std::size_t size() const { return count_; }
  void clear() { slots_.clear(); count_ = 0; }

 private:
  std::vector<ReportRef> slots_;
  std::size_t count_ = 0;
};

}  // namespace herd
