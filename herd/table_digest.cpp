#include "herd/table_digest.h"

namespace herd {

namespace {

std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

// splitmix64's finish: FNV-1a's low bits mix poorly, and the trie indexes
// by the top bits, so every bit must depend on every byte.
std::uint64_t finish(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

// Odd, so 0 can mean "not hashed yet" in client_hashes_.
std::uint64_t TableDigest::client_hash(std::string_view client_name) { return finish(fnv1a(client_name)) | 1; }

std::uint64_t TableDigest::report_hash(const Report& r) { return finish(fnv1a(r.at_line()) ^ 0x5AE5AE5AE5AE5AE5ull); }

TableDigest::TableDigest() : levels_(1, std::vector<NodeDigest>(1)) {}

void TableDigest::add(std::uint64_t client, std::uint64_t delta_hash, int delta_count) {
  for (unsigned k = 0; k <= depth_; ++k) {
    NodeDigest& n = levels_[k][index_at(k, client)];
    n.hash += delta_hash;
    n.count = static_cast<std::uint32_t>(static_cast<std::int64_t>(n.count) + delta_count);
  }
}

void TableDigest::store(const Report& r) {
  const ClientId id = r.client();
  if (id >= client_hashes_.size()) client_hashes_.resize(id + 1, 0);
  std::uint64_t& ch = client_hashes_[id];
  if (ch == 0) ch = client_hash(r.client_name());
  const std::uint64_t rh = report_hash(r);
  auto [it, fresh] = leaves_.try_emplace({ch, id}, rh);
  if (fresh) {
    add(ch, rh, +1);
    if (leaves_.size() > kLeafTarget << (kBits * depth_) && depth_ < kMaxDepth) grow();
    return;
  }
  add(ch, rh - it->second, 0);
  it->second = rh;
}

void TableDigest::grow() {
  ++depth_;
  levels_.emplace_back(std::size_t{1} << (kBits * depth_));
  auto& level = levels_.back();
  for (const auto& [key, rh] : leaves_) {
    NodeDigest& n = level[index_at(depth_, key.first)];
    n.hash += rh;
    ++n.count;
  }
}

void TableDigest::clear() {
  leaves_.clear();
  client_hashes_.clear();
  levels_.assign(1, std::vector<NodeDigest>(1));
  depth_ = 0;
}

TableDigest::NodeDigest TableDigest::node(unsigned level, std::uint64_t index) const {
  if (level <= depth_) return index < levels_[level].size() ? levels_[level][index] : NodeDigest{};
  NodeDigest n;
  for_each_in(range_lo(level, index), range_hi(level, index), [&](std::uint64_t, ClientId, std::uint64_t rh) {
    n.hash += rh;
    ++n.count;
  });
  return n;
}

}  // namespace herd
