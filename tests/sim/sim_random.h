// tests/sim/sim_random.h: the simulator's one source of randomness, a
// std::mt19937_64 per run (its output sequence is fixed by the standard),
// with our own arithmetic for ranges: the standard distributions differ
// between libraries and would break replay.
#pragma once

#include <cstdint>
#include <random>

namespace cairn::sim {

class SimRandom {
 public:
  explicit SimRandom(uint64_t seed) : gen_(seed) {}

  uint64_t Next() { return gen_(); }
  // Uniform in [0, n); 0 when n is 0.
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : gen_() % n; }
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // True with probability per_mille / 1000.
  bool Chance(uint32_t per_mille) { return Below(1000) < per_mille; }

 private:
  std::mt19937_64 gen_;
};

}  // namespace cairn::sim
