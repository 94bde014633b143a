#pragma once
// A digest of one location table that two servers compare to find where
// their tables differ, at a cost that grows with the difference, not with
// the tables (anti-entropy: herd/anti_entropy.h, docs/anti-entropy.md).
//
// Each held report is one leaf: its client's hash (client_hash, of the
// client name, so both servers put a client under the same key whatever
// report they hold) and its report hash (report_hash, of the AT line). The
// leaves form a trie over the client hash, 16-way (4 bits a level): node
// `index` of level k covers the client hashes whose top 4k bits are `index`.
// A node's digest is the count of its leaves and the sum (mod 2^64) of their
// report hashes, so equal nodes hold equal reports (up to a 2^-64 chance)
// and one store changes one node per level: updates are incremental, O(depth).
//
// Levels 0..depth() are kept as arrays; depth grows with the table so a
// deepest node holds about 16 reports or fewer (at most kMaxDepth: 16^5
// nodes). Hashes are fixed by this file (FNV-1a 64 and a splitmix64 finish),
// the same on every platform, so live servers can compare digests.
#include <cstdint>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "herd/report.h"

namespace herd {

class TableDigest {
 public:
  static constexpr unsigned kBits = 4;  // per level
  static constexpr unsigned kFanout = 1u << kBits;
  static constexpr unsigned kMaxDepth = 5;
  // The deepest level grows once the table holds more than this many
  // reports per deepest node on average.
  static constexpr std::uint64_t kLeafTarget = 16;

  struct NodeDigest {
    std::uint32_t count = 0;
    std::uint64_t hash = 0;
    bool operator==(const NodeDigest&) const = default;
  };

  // FNV-1a 64 of the name, splitmix64's finish, lowest bit set.
  static std::uint64_t client_hash(std::string_view client_name);
  // FNV-1a 64 of the AT line xor 0x5ae5ae5ae5ae5ae5, splitmix64's finish.
  static std::uint64_t report_hash(const Report& r);
  // The client hashes node `index` of `level` covers: [lo, hi].
  static std::uint64_t range_lo(unsigned level, std::uint64_t index) {
    return level == 0 ? 0 : index << (64 - kBits * level);
  }
  static std::uint64_t range_hi(unsigned level, std::uint64_t index) {
    return level == 0 ? ~std::uint64_t{0} : range_lo(level, index) | (~std::uint64_t{0} >> (kBits * level));
  }
  static std::uint64_t index_at(unsigned level, std::uint64_t client) {
    return level == 0 ? 0 : client >> (64 - kBits * level);
  }

  TableDigest();

  // The table now holds `r` for its client (in place of whatever it held).
  void store(const Report& r);
  void clear();

  std::size_t size() const { return leaves_.size(); }
  unsigned depth() const { return depth_; }
  // Node `index` of `level`: O(1) for a level this digest keeps; deeper
  // levels are summed from the leaves (O(reports under the node)).
  NodeDigest node(unsigned level, std::uint64_t index) const;

  // Calls f(client_hash, client, report_hash) for every leaf with a client
  // hash in [lo, hi], in client-hash order.
  template <typename F>
  void for_each_in(std::uint64_t lo, std::uint64_t hi, F&& f) const {
    for (auto it = leaves_.lower_bound({lo, 0}); it != leaves_.end() && it->first.first <= hi; ++it)
      f(it->first.first, it->first.second, it->second);
  }

 private:
  void grow();
  void add(std::uint64_t client, std::uint64_t delta_hash, int delta_count);

  // (client hash, client id) -> report hash; the id tells apart two clients
  // whose names hash alike.
  std::map<std::pair<std::uint64_t, ClientId>, std::uint64_t> leaves_;
  // The client hash of each client id seen (0: none yet), so a replacement
  // finds its leaf without hashing the name again.
  std::vector<std::uint64_t> client_hashes_;
  std::vector<std::vector<NodeDigest>> levels_;  // [level][index], levels 0..depth_
  unsigned depth_ = 0;
};

}  // namespace herd
