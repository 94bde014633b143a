#pragma once
// The newest report per client that one server holds.
//
// Layout: one 8-byte ReportRef per (client) slot, indexed by ClientId, so a
// server that knows a million clients spends 8 MB on the table plus the
// shared reports themselves (one per update, shared by every node holding it).
//
// A table keeps its slots either in a vector of its own (live mode, tests) or
// in a column of a SharedTableStorage (the simulator), whose layout is
// client-major: one client's slots on every server are adjacent. A flood
// touches one client's slot on server after server, so with shared storage
// those touches stay in one small region (8 bytes x servers) instead of
// costing a cache miss in a different table each.
#include <cstddef>
#include <memory>
#include <memory_resource>
#include <vector>

#include "herd/report.h"
#include "herd/table_digest.h"

namespace herd {

class SharedTableStorage {
 public:
  // Room for `tables` tables (columns); rows (clients) grow on demand, from
  // `memory` (the simulator passes one backed by huge pages).
  explicit SharedTableStorage(std::size_t tables,
                              std::pmr::memory_resource* memory = std::pmr::new_delete_resource())
      : tables_(tables), slots_(memory) {}
  SharedTableStorage(const SharedTableStorage&) = delete;
  SharedTableStorage& operator=(const SharedTableStorage&) = delete;
  std::size_t tables() const { return tables_; }
  std::size_t clients() const { return tables_ ? slots_.size() / tables_ : 0; }
  // Allocates rows for clients 0..clients-1 up front.
  void reserve(std::size_t clients) { slots_.reserve(clients * tables_); }
  // A cache hint only: starts loading the slot of `client` in `column`.
  void prefetch(ClientId client, std::size_t column) const {
    const std::size_t i = static_cast<std::size_t>(client) * tables_ + column;
    if (i < slots_.size()) __builtin_prefetch(&slots_[i]);
  }

 private:
  friend class LocationTable;
  std::size_t tables_;
  std::pmr::vector<ReportRef> slots_;  // [client * tables_ + column]
};

class LocationTable {
 public:
  enum class Offer { Stored, Stale };

  // A table with its own slots.
  LocationTable() = default;
  // A table in column `column` of `shared` (which must outlive it), or with
  // its own slots when `shared` is null. The column must be empty; it is
  // emptied again when the table is destroyed.
  LocationTable(SharedTableStorage* shared, std::size_t column) : shared_(shared), column_(column) {}
  ~LocationTable() { clear(); }
  LocationTable(const LocationTable&) = delete;
  LocationTable& operator=(const LocationTable&) = delete;

  // Stores `r` if no report is held for its client or r.newer_than(held);
  // otherwise leaves the table unchanged and returns Stale.
  // `replaced`, if given, receives the report the new one replaced (empty if
  // none or if `r` was stale), so a caller can say what changed without a
  // second lookup.
  Offer offer(ReportRef r, ReportRef* replaced = nullptr);

  // The held report for `client`, or null.
  const ReportRef* find(ClientId client) const {
    const ReportRef* s = slot(client);
    return s && *s ? s : nullptr;
  }
  std::size_t size() const { return count_; }
  void clear();

  // Calls f(const ReportRef&) for every held report, in client-id order.
  template <typename F>
  void for_each(F&& f) const {
    const std::size_t n = shared_ ? shared_->clients() : slots_.size();
    for (std::size_t c = 0; c < n; ++c) {
      if (const ReportRef* r = find(static_cast<ClientId>(c))) f(*r);
    }
  }

  // The table's digest (herd/table_digest.h). Built on first use from the
  // held reports, then kept up to date by every offer and clear: a table
  // nobody asks for a digest (flooding, gossip) pays one test per store.
  const TableDigest& digest();

 private:
  // The slot of `client` if it exists yet (it may be empty), else null.
  const ReportRef* slot(ClientId client) const {
    if (shared_) {
      return client < shared_->clients() ? &shared_->slots_[client * shared_->tables_ + column_] : nullptr;
    }
    return client < slots_.size() ? &slots_[client] : nullptr;
  }
  // The slot of `client`, created (empty) if needed.
  ReportRef& grow(ClientId client);

  SharedTableStorage* shared_ = nullptr;
  std::size_t column_ = 0;
  std::vector<ReportRef> slots_;  // own slots (no shared storage)
  std::size_t count_ = 0;
  std::unique_ptr<TableDigest> digest_;  // null until digest() is first called
};

}  // namespace herd
