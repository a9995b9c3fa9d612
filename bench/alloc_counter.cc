#include "alloc_counter.h"

#include <cstddef>

// glibc exports its allocator under these names so that a program replacing malloc can forward
// to it (glibc manual, "Replacing malloc"). Memory from memalign and friends, which we do not
// replace, comes from the same allocator, so our free() may release it.
extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t n, size_t size);
void* __libc_realloc(void* p, size_t size);
void __libc_free(void* p);
}

namespace pinana::bench {
namespace {
// The one piece of global state in the benchmark: malloc has no context argument to carry it.
uint64_t g_allocations = 0;
}  // namespace

uint64_t heap_allocations() {
  return g_allocations;
}

}  // namespace pinana::bench

extern "C" {

void* malloc(size_t size) noexcept {
  ++pinana::bench::g_allocations;
  return __libc_malloc(size);
}

void* calloc(size_t n, size_t size) noexcept {
  ++pinana::bench::g_allocations;
  return __libc_calloc(n, size);
}

void* realloc(void* p, size_t size) noexcept {
  ++pinana::bench::g_allocations;
  return __libc_realloc(p, size);
}

void free(void* p) noexcept {
  __libc_free(p);
}

}  // extern "C"
