#include "herd/location_table.h"

namespace herd {

LocationTable::Offer LocationTable::offer(ReportRef r) {
  const ClientId c = r->client();
  if (c >= slots_.size()) slots_.resize(static_cast<std::size_t>(c) + 1);
  ReportRef& slot = slots_[c];
  // The same report again (a flooding duplicate) is never newer: skip the
  // byte-wise line comparison newer_than would make on equal client times.
  if (slot.get() == r.get()) return Offer::Stale;
  if (slot && !r->newer_than(*slot)) return Offer::Stale;
  if (!slot) ++count_;
  slot = std::move(r);
  return Offer::Stored;
}

}  // namespace herd
