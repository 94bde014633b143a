#pragma once
// The simulator's future: events ordered by (time, insertion sequence), so
// two events at the same virtual time always run in the order they were
// scheduled, on every machine.
//
// Layout, for speed at millions of events a second:
// - a 4-ary min-heap of 16-byte keys {time, seq << 24 | slot}: the four
//   children of a key share one cache line, and the heap is half as deep as
//   a binary one;
// - the event bodies (24 bytes: ReportRef, three ids, hop count, kind) sit
//   in a slab indexed by `slot`, reused last-freed-first so hot slots stay
//   in cache. A peer message carries the shared ReportRef, never text.
// Limits: at most 2^24 (16.7 million) events pending at once and 2^40
// events scheduled over a run; push throws std::length_error beyond them.
#include <cstdint>
#include <stdexcept>
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
  ReportRef report;  // PeerMessage only
  std::uint32_t a = 0, b = 0, c = 0;
  std::uint16_t hops = 0;
  Kind kind = Kind::External;
};

class EventQueue {
 public:
  static constexpr std::uint64_t kMaxPending = 1ull << 24;
  static constexpr std::uint64_t kMaxScheduled = 1ull << 40;

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  Nanos next_time() const { return heap_.front().time; }
  std::uint64_t scheduled() const { return next_seq_; }

  // Stamps `e` with the next sequence number and inserts it.
  void push(Event e) {
    std::uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      if (bodies_.size() >= kMaxPending) throw std::length_error("event queue: more than 2^24 events pending");
      slot = static_cast<std::uint32_t>(bodies_.size());
      bodies_.emplace_back();
    }
    if (next_seq_ >= kMaxScheduled) throw std::length_error("event queue: more than 2^40 events scheduled");
    Body& b = bodies_[slot];
    b.report = std::move(e.report);
    b.a = e.a;
    b.b = e.b;
    b.c = e.c;
    b.hops = e.hops;
    b.kind = e.kind;
    heap_.push_back(Key{e.time, (next_seq_++ << 24) | slot});
    sift_up(heap_.size() - 1);
  }

  // Removes and returns the earliest event (ties: lowest sequence).
  Event pop() {
    const Key top = heap_.front();
    const Key last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(last);
    const auto slot = static_cast<std::uint32_t>(top.order & 0xFFFFFF);
    Body& b = bodies_[slot];
    Event e;
    e.time = top.time;
    e.report = std::move(b.report);
    e.a = b.a;
    e.b = b.b;
    e.c = b.c;
    e.hops = b.hops;
    e.kind = b.kind;
    free_.push_back(slot);
    return e;
  }

 private:
  struct Key {
    Nanos time;
    std::uint64_t order;  // seq << 24 | slot: unique, and ordered by seq
  };
  struct Body {
    ReportRef report;
    std::uint32_t a = 0, b = 0, c = 0;
    std::uint16_t hops = 0;
    Event::Kind kind = Event::Kind::External;
  };
  static bool before(const Key& x, const Key& y) {
    return x.time < y.time || (x.time == y.time && x.order < y.order);
  }
  // Hole-based sifting: each level moves one key, not a swap of two.
  void sift_up(std::size_t i) {
    const Key k = heap_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / 4;
      if (!before(k, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = k;
  }
  void sift_down(const Key k) {
    const std::size_t n = heap_.size();
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = 4 * i + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t last = first + 4 < n ? first + 4 : n;
      for (std::size_t c = first + 1; c < last; ++c) {
        if (before(heap_[c], heap_[best])) best = c;
      }
      if (!before(heap_[best], k)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = k;
  }

  std::vector<Key> heap_;
  std::vector<Body> bodies_;
  std::vector<std::uint32_t> free_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace herd::virt
