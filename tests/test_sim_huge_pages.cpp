#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory_resource>
#include <sstream>
#include <string>
#include <vector>

#include "engine/virtual/huge_pages.h"

using namespace herd::virt;

namespace {
// The VmFlags line of the mapping that contains `p`, from /proc/self/smaps.
std::string vm_flags_of(const void* p) {
  const auto addr = reinterpret_cast<std::uintptr_t>(p);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    unsigned long lo = 0, hi = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &lo, &hi) == 2 && line.find(':') > line.find(' ')) {
      inside = addr >= lo && addr < hi;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return {};
}
bool thp_available() { return std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled"); }
}  // namespace

TEST_CASE("huge-page blocks: small ones are cache-line aligned, big ones 2 MiB aligned and advised") {
  void* small = allocate_huge(1000);
  CHECK(reinterpret_cast<std::uintptr_t>(small) % 64 == 0);
  deallocate_huge(small, 1000);

  const std::size_t bytes = 3 * kHugePage + 12345;  // not a multiple of the page
  auto* big = static_cast<unsigned char*>(allocate_huge(bytes));
  CHECK(reinterpret_cast<std::uintptr_t>(big) % kHugePage == 0);
  for (std::size_t i = 0; i < bytes; i += 4096) big[i] = static_cast<unsigned char>(i >> 12);
  big[bytes - 1] = 7;
  for (std::size_t i = 0; i < bytes; i += 4096) REQUIRE(big[i] == static_cast<unsigned char>(i >> 12));
  if (thp_available()) {
    // "hg": the mapping carries MADV_HUGEPAGE, so the kernel may back it with 2 MiB pages.
    CHECK(vm_flags_of(big + kHugePage).find(" hg") != std::string::npos);
  }
  deallocate_huge(big, bytes);
}

TEST_CASE("a vector on huge pages keeps its contents as it grows past the threshold") {
  std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>> v;
  const std::size_t n = 3 * kHugeThreshold / sizeof(std::uint64_t);
  for (std::size_t i = 0; i < n; ++i) v.push_back(i * 2654435761u);
  for (std::size_t i = 0; i < n; i += 997) REQUIRE(v[i] == i * 2654435761u);
  CHECK(reinterpret_cast<std::uintptr_t>(v.data()) % kHugePage == 0);

  std::pmr::vector<std::uint32_t> pv(HugePageResource::instance());
  pv.resize(kHugeThreshold, 5);
  CHECK(pv.back() == 5);
  CHECK(reinterpret_cast<std::uintptr_t>(pv.data()) % kHugePage == 0);
}
