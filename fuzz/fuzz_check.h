// FUZZ_CHECK: the invariant check of the fuzz targets. A failed invariant prints where and what,
// then aborts, which libFuzzer reports as a crash and the replay tests report as a failed test.
//
// A macro rather than a function so the message names the line of the broken invariant (clang 14
// with libstdc++ has no std::source_location). Used only by the code in fuzz/; any thread.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace pinana::fuzz {

// True when `part` is empty or lies wholly inside `whole` (views into the same bytes).
inline bool within(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  const char* b = whole.data();
  const char* e = whole.data() + whole.size();
  return part.data() >= b && part.data() + part.size() <= e;
}

}  // namespace pinana::fuzz
