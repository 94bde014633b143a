#pragma once
// The simulator's future: events ordered by (time, insertion sequence), so
// two events at the same virtual time always run in the order they were
// scheduled, on every machine.
//
// Layout, for speed at millions of events a second:
// - 16-byte keys {time, seq << 24 | slot} in a calendar queue (see the
//   private section): pushes are appends, each bucket is radix-sorted once
//   when its time comes, and the only heaps sifted are small ones (4-ary: a
//   key's four children share one cache line);
// - the event bodies (24 bytes: ReportRef, three ids, hop count, kind) sit
//   in a slab indexed by `slot`, reused last-freed-first so hot slots stay
//   in cache. A peer message carries the shared ReportRef, never text.
// Limits: at most 2^24 (16.7 million) events pending at once and 2^40
// events scheduled over a run; push throws std::length_error beyond them.
#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "engine/virtual/huge_pages.h"
#include "herd/report.h"
#include "herd/types.h"

namespace herd::virt {

struct Event {
  enum class Kind : std::uint8_t {
    PeerMessage,  // a = link, b = receiving node, c = link epoch at send
    Timer,        // a = node, b = node generation, c = timer slot
    Places,       // a = node, b = node generation, c = lookup slot
    External,     // a: the driver's token (VirtualNetwork::schedule)
    // A peer message of any other kind than Update (a strategy's control
    // kinds, anti-entropy's repairs): a = link, b = receiving node, c = the
    // driver's slot holding the message and the link epoch at send.
    OtherMessage,
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

  bool empty() const { return pending_ == 0; }
  std::size_t size() const { return pending_; }
  std::uint64_t scheduled() const { return next_seq_; }
  // The earliest pending time (the queue must not be empty). May move the
  // queue's current bucket forward; later pushes may still be earlier.
  Nanos next_time() {
    fill_active();
    return next_key().time;
  }

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
    const Key k{e.time, (next_seq_++ << 24) | slot};
    ++pending_;
    const std::uint64_t bucket = bucket_of(k.time);
    if (bucket <= current_) {
      heap_push(late_, k);
    } else if (bucket < current_ + kBuckets) {
      auto& v = ring_[bucket % kBuckets];
      if (v.capacity() == 0 && !spare_.empty()) {
        v.swap(spare_.back());
        spare_.pop_back();
      }
      v.push_back(k);
      ++in_ring_;
    } else {
      heap_push(far_, k);
    }
  }

  // If the event pop() would return next is a peer message, its link,
  // receiving node and report (null when not known without moving buckets).
  // Cache hints only: a push before the next pop may change what comes next.
  const Report* peek_message(std::uint32_t& link, std::uint32_t& node) const {
    if (pos_ == sorted_.size() && late_.empty()) return nullptr;
    const Body& b = bodies_[static_cast<std::uint32_t>(next_key().order & 0xFFFFFF)];
    if (b.kind != Event::Kind::PeerMessage) return nullptr;
    link = b.a;
    node = b.b;
    return b.report.get();
  }

  // Removes and returns the earliest event (ties: lowest sequence).
  Event pop() {
    fill_active();
    const Key top = take_next();
    --pending_;
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
    // Cache hint: the bodies of the next few events (almost always the next
    // in the sorted run) are scattered in the slab.
    const std::size_t ahead = std::min<std::size_t>(sorted_.size(), pos_ + 4);
    for (std::size_t i = pos_; i < ahead; ++i) __builtin_prefetch(&bodies_[sorted_[i].order & 0xFFFFFF]);
    if (!late_.empty()) __builtin_prefetch(&bodies_[late_.front().order & 0xFFFFFF]);
    return e;
  }

 private:
  // A calendar queue: events fall into buckets of 2^20 ns (about 1 ms) of
  // virtual time. The next 4,095 buckets are unsorted vectors in a ring (a
  // push is an append, in sequence order); anything later waits in the `far_`
  // heap until its bucket comes up. When a bucket comes up it is sorted once
  // into `sorted_` by a stable radix sort on the time's low 20 bits (within a
  // bucket that is the whole order, and stability keeps sequence order for
  // ties), then popped from the front. Events that land in the current bucket
  // after that, or come from `far_`, go to the small `late_` heap; pop takes
  // the smaller of the two fronts by (time, sequence).
  static constexpr int kBucketShift = 20;
  static constexpr std::uint64_t kBuckets = 4096;
  static constexpr std::size_t kSpareBuckets = 64;

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
  static std::uint64_t bucket_of(Nanos t) { return static_cast<std::uint64_t>(t) >> kBucketShift; }
  static bool before(const Key& x, const Key& y) {
    return x.time < y.time || (x.time == y.time && x.order < y.order);
  }

  // The next key (sorted_ or late_ must not both be empty).
  const Key& next_key() const {
    if (late_.empty() || (pos_ < sorted_.size() && before(sorted_[pos_], late_.front()))) return sorted_[pos_];
    return late_.front();
  }
  Key take_next() {
    if (late_.empty() || (pos_ < sorted_.size() && before(sorted_[pos_], late_.front()))) return sorted_[pos_++];
    return heap_pop(late_);
  }

  // Makes sure an event of the current bucket is ready (pending_ > 0),
  // advancing the current bucket.
  void fill_active() {
    while (pos_ == sorted_.size() && late_.empty()) {
      sorted_.clear();
      pos_ = 0;
      if (in_ring_ == 0) {
        // Nothing near: jump straight to the far heap's first bucket.
        current_ = bucket_of(far_.front().time);
      } else {
        ++current_;
      }
      auto& bucket = ring_[current_ % kBuckets];
      if (!bucket.empty()) {
        in_ring_ -= bucket.size();
        sort_bucket(bucket);
        // Idle capacity in 4,096 buckets would add up, so a drained bucket
        // gives its storage back; but allocating afresh for every bucket
        // costs malloc and page faults, so a few are kept for reuse.
        bucket.clear();
        if (spare_.size() < kSpareBuckets) spare_.push_back(std::move(bucket));
        std::vector<Key>().swap(bucket);
      }
      while (!far_.empty() && bucket_of(far_.front().time) <= current_) heap_push(late_, heap_pop(far_));
    }
  }

  // Fills sorted_ with `bucket` (all in one bucket, in sequence order) by
  // (time, sequence). Small buckets by comparison; big ones by two stable
  // counting passes of 10 bits each, with no data-dependent branches.
  void sort_bucket(const std::vector<Key>& bucket) {
    const std::size_t n = bucket.size();
    if (n < 128) {
      sorted_.assign(bucket.begin(), bucket.end());
      std::sort(sorted_.begin(), sorted_.end(), before);
      return;
    }
    static_assert(kBucketShift == 20, "two 10-bit radix passes cover the bucket's low bits");
    sorted_.resize(n);
    scratch_.resize(n);
    radix_pass(bucket.data(), scratch_.data(), n, 0);
    radix_pass(scratch_.data(), sorted_.data(), n, 10);
  }
  static void radix_pass(const Key* in, Key* out, std::size_t n, int shift) {
    std::uint32_t count[1025] = {};
    for (std::size_t i = 0; i < n; ++i) ++count[((static_cast<std::uint64_t>(in[i].time) >> shift) & 1023) + 1];
    for (std::size_t d = 1; d <= 1024; ++d) count[d] += count[d - 1];
    for (std::size_t i = 0; i < n; ++i) out[count[(static_cast<std::uint64_t>(in[i].time) >> shift) & 1023]++] = in[i];
  }

  // 4-ary min-heaps with hole-based sifting.
  static void heap_push(std::vector<Key>& h, const Key& k) {
    h.push_back(k);
    std::size_t i = h.size() - 1;
    while (i > 0) {
      const std::size_t parent = (i - 1) / 4;
      if (!before(k, h[parent])) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = k;
  }
  static Key heap_pop(std::vector<Key>& h) {
    const Key top = h.front();
    const Key k = h.back();
    h.pop_back();
    const std::size_t n = h.size();
    if (n == 0) return top;
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = 4 * i + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t last = first + 4 < n ? first + 4 : n;
      for (std::size_t c = first + 1; c < last; ++c) {
        if (before(h[c], h[best])) best = c;
      }
      if (!before(h[best], k)) break;
      h[i] = h[best];
      i = best;
    }
    h[i] = k;
    return top;
  }

  std::vector<Key> sorted_, scratch_;  // the current bucket, sorted; radix scratch
  std::size_t pos_ = 0;                // next in sorted_
  std::vector<Key> late_, far_;        // heaps
  std::vector<std::vector<Key>> spare_;  // drained buckets' storage, for reuse
  std::vector<std::vector<Key>> ring_ = std::vector<std::vector<Key>>(kBuckets);
  std::uint64_t current_ = 0;  // the bucket being popped
  std::size_t in_ring_ = 0, pending_ = 0;
  std::vector<Body, HugePageAllocator<Body>> bodies_;
  std::vector<std::uint32_t> free_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace herd::virt
