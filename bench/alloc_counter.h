// Heap allocation counter for the benchmarks: alloc_counter.cc replaces malloc, calloc and realloc
// for the whole benchmark binary (operator new, osip2 and sofia-sip all end there) and counts each
// call before handing it to glibc.
//
// The count is a plain process-wide integer, not atomic: the benchmarks run on one thread, and an
// atomic add on every malloc would slow down the allocation-heavy parsers we compare against.
// Linked only into benchmark binaries.
#pragma once

#include <cstdint>

namespace pinana::bench {

// Number of malloc/calloc/realloc calls since the process started.
uint64_t heap_allocations();

}  // namespace pinana::bench
