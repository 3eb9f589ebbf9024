// base/rng.h: a SplitMix64 stream from a seed: zab/core's only randomness and the
// client library's jitter, so that the same seed gives the same jitter and ids
// everywhere (std:: distributions differ between libraries). Pure.
#pragma once

#include <cstdint>

#include "base/assert.h"

namespace cairn {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n). REQUIRES: n > 0.
  uint64_t Below(uint64_t n) {
    CAIRN_ASSERT(n > 0);
    return Next() % n;  // the bias is irrelevant for jitter
  }

 private:
  uint64_t state_;
};

}  // namespace cairn
