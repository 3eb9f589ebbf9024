// base/assert.h: CAIRN_ASSERT, for broken invariants (programming errors).
// On in every build type (it does not depend on NDEBUG); it logs the failed
// condition with file and line to stderr and aborts. Never caught.
#pragma once

#include <cstdio>
#include <cstdlib>

#define CAIRN_ASSERT(cond)                                                          \
  do {                                                                              \
    if (!(cond)) [[unlikely]] {                                                     \
      std::fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (0)
