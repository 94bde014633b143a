#pragma once
// Memory for the simulator's big, randomly accessed arrays, backed by
// transparent huge pages where the kernel allows them (Debian's default THP
// mode is "madvise": only regions that ask get them).
//
// Why: a 10,000-node run touches ~15 MB of node state at random. With 4 KiB
// pages that is several thousand pages, more than the TLB holds, and in a
// virtual machine every TLB miss is a two-dimensional page walk. With 2 MiB
// pages the same data needs a handful of entries (measured: bench/README.md).
//
// Blocks of at least kHugeThreshold bytes are mmap'ed, rounded up to and
// aligned on 2 MiB, and madvise(MADV_HUGEPAGE)'d; smaller ones, and any
// block when mmap fails, come from operator new. Where THP is off the advice
// is ignored and the memory is ordinary.
#include <cstddef>
#include <memory_resource>
#include <new>

namespace herd::virt {

inline constexpr std::size_t kHugePage = std::size_t{2} << 20;
inline constexpr std::size_t kHugeThreshold = std::size_t{1} << 20;
inline constexpr std::size_t kSmallAlign = 64;  // smaller blocks: one cache line

// Raw blocks, aligned on at least 64 bytes; free with the size asked for.
void* allocate_huge(std::size_t bytes);
void deallocate_huge(void* p, std::size_t bytes) noexcept;

// For std::vector and friends.
template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(allocate_huge(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { deallocate_huge(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept { return true; }
};

// The same, as a polymorphic resource (for std::pmr containers in herd/,
// which know nothing of mmap).
class HugePageResource final : public std::pmr::memory_resource {
 public:
  static HugePageResource* instance();

 private:
  void* do_allocate(std::size_t bytes, std::size_t align) override;
  void do_deallocate(void* p, std::size_t bytes, std::size_t align) override;
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override { return this == &other; }
};

}  // namespace herd::virt
