#pragma once
// The simulator's future: events ordered by (time, insertion sequence), so
// two events at the same virtual time always run in the order they were
// scheduled, on every machine.
//
// Layout: a binary min-heap of 40-byte events held by value in one vector
// (no per-event allocation). A peer message is (link, to, link epoch, hops,
// ReportRef): the report text is shared, never copied. Other kinds keep
// their few extra fields in side tables the network owns, referenced by `c`.
#include <cstdint>
#include <utility>
#include <vector>

#include "herd/report.h"
#include "herd/types.h"

namespace herd::virt {

struct Event {
  enum class Kind : std::uint8_t {
    PeerMessage,  // a = link, b = receiving node, c = link epoch at send
    Timer,        // a = node, b = node generation, c = timer slot
    Places,       // a = node, b = node generation, c = lookup slot
    External,     // a, b, c: the driver's own meaning (workload, faults, samples)
  };
  Nanos time = 0;
  std::uint64_t seq = 0;
  ReportRef report;  // PeerMessage only
  std::uint32_t a = 0, b = 0, c = 0;
  std::uint16_t hops = 0;
  Kind kind = Kind::External;
};

class EventQueue {
 public:
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  Nanos next_time() const { return heap_.front().time; }
  std::uint64_t scheduled() const { return next_seq_; }

  // Stamps `e` with the next sequence number and inserts it.
  void push(Event e) {
    e.seq = next_seq_++;
    heap_.push_back(std::move(e));
    sift_up(heap_.size() - 1);
  }

  // Removes and returns the earliest event (ties: lowest sequence).
  Event pop() {
    Event top = std::move(heap_.front());
    Event last = std::move(heap_.back());
    heap_.pop_back();
    if (!heap_.empty()) sift_down_from_root(std::move(last));
    return top;
  }

  void reserve(std::size_t n) { heap_.reserve(n); }

 private:
  static bool before(const Event& x, const Event& y) {
    return x.time < y.time || (x.time == y.time && x.seq < y.seq);
  }
  // Hole-based sifting: each level moves one event, not a swap of two.
  void sift_up(std::size_t i) {
    Event e = std::move(heap_[i]);
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!before(e, heap_[parent])) break;
      heap_[i] = std::move(heap_[parent]);
      i = parent;
    }
    heap_[i] = std::move(e);
  }
  void sift_down_from_root(Event e) {
    const std::size_t n = heap_.size();
    std::size_t i = 0;
    for (;;) {
      std::size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
      if (!before(heap_[child], e)) break;
      heap_[i] = std::move(heap_[child]);
      i = child;
    }
    heap_[i] = std::move(e);
  }

  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace herd::virt
