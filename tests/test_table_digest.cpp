// The table digest (herd/table_digest.h): equal tables give equal digests,
// it is kept up to date incrementally, and descending from the root finds
// where two tables differ.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "herd/client_directory.h"
#include "herd/location_table.h"

using namespace herd;

namespace {

ReportRef report(ClientDirectory& d, std::size_t client, int second, const char* origin = "Hill") {
  const std::string line = std::string("AT ") + origin + " +0.100000000 c" + std::to_string(client) +
                           " +1+2 16214648" + std::to_string(10 + second) + ".000000001";
  ReportRef r = parse_at_line(line, d);
  REQUIRE(r);
  return r;
}

// Every node of every kept level.
bool same_digest(const TableDigest& a, const TableDigest& b) {
  if (a.depth() != b.depth() || a.size() != b.size()) return false;
  for (unsigned k = 0; k <= a.depth(); ++k) {
    for (std::uint64_t i = 0; i < (std::uint64_t{1} << (4 * k)); ++i) {
      if (!(a.node(k, i) == b.node(k, i))) return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("digest: equal tables give equal digests, whatever order reports came in and when it was built") {
  ClientDirectory d;
  LocationTable a, b;
  (void)a.digest();  // a's digest is kept from the first store; b's is built at the end
  std::vector<std::size_t> order(2000);
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (std::size_t c : order) a.offer(report(d, c, 1));
  for (std::size_t c = 0; c < 2000; c += 3) a.offer(report(d, c, 2));  // replacements
  std::reverse(order.begin(), order.end());
  for (std::size_t c : order) {
    b.offer(report(d, c, c % 3 == 0 ? 2 : 1));
    b.offer(report(d, c, 1));  // stale: changes nothing
  }
  CHECK(a.digest().size() == 2000);
  CHECK(a.digest().depth() == 2);  // 2000 reports: 256 deepest nodes of about 8
  CHECK(same_digest(a.digest(), b.digest()));
  b.offer(report(d, 7, 3));
  CHECK_FALSE(a.digest().node(0, 0) == b.digest().node(0, 0));
  CHECK(a.digest().node(0, 0).count == b.digest().node(0, 0).count);
  b.clear();
  CHECK(b.digest().size() == 0);
  CHECK(b.digest().node(0, 0) == TableDigest::NodeDigest{});
}

TEST_CASE("digest: depth grows with the table, so a deepest node holds about 16 reports") {
  ClientDirectory d;
  LocationTable t;
  for (std::size_t c = 0; c < 16; ++c) t.offer(report(d, c, 1));
  CHECK(t.digest().depth() == 0);
  t.offer(report(d, 16, 1));
  CHECK(t.digest().depth() == 1);
  for (std::size_t c = 17; c < 5000; ++c) t.offer(report(d, c, 1));
  CHECK(t.digest().depth() == 3);
  // Levels kept and levels summed from the leaves agree.
  const auto& g = t.digest();
  std::uint64_t count = 0;
  for (std::uint64_t i = 0; i < 16; ++i) count += g.node(1, i).count;
  CHECK(count == 5000);
  const std::uint64_t some = TableDigest::index_at(3, TableDigest::client_hash("c42"));
  TableDigest::NodeDigest deeper;  // level 4 is not kept: summed on demand
  for (std::uint64_t i = some * 16; i < some * 16 + 16; ++i) {
    deeper.count += g.node(4, i).count;
    deeper.hash += g.node(4, i).hash;
  }
  CHECK(deeper == g.node(3, some));
}

TEST_CASE("digest: descending from the root into the one differing child finds the one differing report") {
  ClientDirectory d;
  LocationTable a, b;
  for (std::size_t c = 0; c < 3000; ++c) {
    a.offer(report(d, c, 1));
    b.offer(report(d, c, c == 1234 ? 2 : 1));
  }
  const TableDigest& x = a.digest();
  const TableDigest& y = b.digest();
  REQUIRE(x.depth() == y.depth());
  std::uint64_t index = 0;
  CHECK_FALSE(x.node(0, 0) == y.node(0, 0));
  for (unsigned level = 1; level <= x.depth(); ++level) {
    std::vector<std::uint64_t> differing;
    for (std::uint64_t i = index * 16; i < index * 16 + 16; ++i) {
      if (!(x.node(level, i) == y.node(level, i))) differing.push_back(i);
    }
    REQUIRE(differing.size() == 1);  // the other 15 siblings are equal: not descended into
    index = differing[0];
  }
  std::vector<ClientId> found;
  x.for_each_in(TableDigest::range_lo(x.depth(), index), TableDigest::range_hi(x.depth(), index),
                [&](std::uint64_t, ClientId id, std::uint64_t) { found.push_back(id); });
  CHECK(std::find(found.begin(), found.end(), *d.find("c1234")) != found.end());
  CHECK(found.size() <= 3 * TableDigest::kLeafTarget);
}

TEST_CASE("digest: hashes are fixed by the format, the same on every platform") {
  // FNV-1a 64 and splitmix64's finish (docs/anti-entropy.md): a changed
  // hash would make two herd versions see every table as different.
  CHECK(TableDigest::client_hash("") == 0xf52a15e9a9b5e89bull);
  CHECK(TableDigest::client_hash("kiwi.cs.ucla.edu") == 0x52293a0664dacf7full);
}
