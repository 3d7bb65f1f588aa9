// FUZZ_CHECK: an invariant of a fuzz target. A broken one prints where and what, then
// aborts, which libFuzzer reports as a crash (and the corpus-replay test as a failure).
// Unlike assert() it stays on in optimised builds.
#ifndef KIT_TESTING_FUZZ_FUZZ_CHECK_H_
#define KIT_TESTING_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                            \
  do {                                                                                   \
    if (!(condition)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

#endif  // KIT_TESTING_FUZZ_FUZZ_CHECK_H_
