// zab/core/timeout.h: a named timeout that counts ticks (TigerBeetle's
// Timeout). Start arms it for its base period plus jitter; Backoff re-arms
// it for twice the last period (up to its cap), plus jitter; Tick reports
// the one tick at which it fires, after which it stays stopped until armed
// again. Jitter comes from the peer's Rng, so the same seed fires the same
// timeouts at the same ticks. Pure.
#pragma once

#include <algorithm>

#include "base/assert.h"
#include "base/rng.h"

namespace cairn::zab {

class Timeout {
 public:
  // jitter: up to period * jitter_percent / 100 extra ticks.
  Timeout(const char* name, int base_ticks, int max_ticks, int jitter_percent)
      : name_(name), base_(base_ticks), max_(max_ticks), jitter_percent_(jitter_percent) {
    CAIRN_ASSERT(base_ticks >= 0 && max_ticks >= base_ticks && jitter_percent >= 0);
  }

  void Start(Rng& rng) { Arm(base_, rng); }
  void Backoff(Rng& rng) { Arm(std::min(std::max(period_, 1) * 2, max_), rng); }
  void Stop() { left_ = -1; }
  // True on the tick it fires.
  bool Tick() {
    if (left_ < 0) return false;
    if (left_ > 0) --left_;
    if (left_ > 0) return false;
    left_ = -1;
    return true;
  }
  // Fires at once if armed for zero ticks (call after Start).
  bool Due() const { return left_ == 0; }
  bool running() const { return left_ >= 0; }
  const char* name() const { return name_; }

 private:
  void Arm(int period, Rng& rng) {
    period_ = period;
    int spread = period * jitter_percent_ / 100;
    left_ = period + (spread > 0 ? static_cast<int>(rng.Below(static_cast<uint64_t>(spread) + 1)) : 0);
  }

  const char* name_;
  int base_;
  int max_;
  int jitter_percent_;
  int period_ = 0;
  int left_ = -1;  // -1: stopped
};

}  // namespace cairn::zab
