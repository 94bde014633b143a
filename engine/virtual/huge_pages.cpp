#include "engine/virtual/huge_pages.h"

#include <sys/mman.h>

#include <cstdint>

namespace herd::virt {

namespace {
std::size_t mapped_size(std::size_t bytes) { return (bytes + kHugePage - 1) / kHugePage * kHugePage; }
}  // namespace

void* allocate_huge(std::size_t bytes) {
  if (bytes < kHugeThreshold) return ::operator new(bytes, std::align_val_t{kSmallAlign});
  const std::size_t size = mapped_size(bytes);
  // Over-map by one huge page, then trim both ends so the block is aligned.
  void* raw = ::mmap(nullptr, size + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + kHugePage - 1) & ~(std::uintptr_t{kHugePage} - 1);
  if (aligned > start) ::munmap(raw, aligned - start);
  const std::uintptr_t tail = start + size + kHugePage - (aligned + size);
  if (tail > 0) ::munmap(reinterpret_cast<void*>(aligned + size), tail);
  void* p = reinterpret_cast<void*>(aligned);
#ifdef MADV_HUGEPAGE
  ::madvise(p, size, MADV_HUGEPAGE);  // advice only: failure leaves ordinary pages
#endif
  return p;
}

void deallocate_huge(void* p, std::size_t bytes) noexcept {
  if (!p) return;
  if (bytes < kHugeThreshold) return ::operator delete(p, std::align_val_t{kSmallAlign});
  ::munmap(p, mapped_size(bytes));
}

HugePageResource* HugePageResource::instance() {
  static HugePageResource resource;
  return &resource;
}

void* HugePageResource::do_allocate(std::size_t bytes, std::size_t align) {
  if (align > kSmallAlign) throw std::bad_alloc();  // never asked for by a vector
  return allocate_huge(bytes);
}

void HugePageResource::do_deallocate(void* p, std::size_t bytes, std::size_t) { deallocate_huge(p, bytes); }

}  // namespace herd::virt
