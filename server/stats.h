// server/stats.h: request counters and latencies shown by srvr/stat/mntr.
// Owned by the core thread; plain counters, no locking.
#pragma once

#include <cstdint>
#include <limits>

namespace cairn::server {

struct ServerStats {
  int64_t packets_received = 0;
  int64_t packets_sent = 0;
  int64_t latency_count = 0;
  int64_t latency_total_ms = 0;
  int64_t latency_min_ms = std::numeric_limits<int64_t>::max();
  int64_t latency_max_ms = 0;

  void RecordLatency(int64_t ms) {
    ++latency_count;
    latency_total_ms += ms;
    if (ms < latency_min_ms) latency_min_ms = ms;
    if (ms > latency_max_ms) latency_max_ms = ms;
  }
  int64_t MinLatency() const { return latency_count ? latency_min_ms : 0; }
  double AvgLatency() const {
    return latency_count ? static_cast<double>(latency_total_ms) / latency_count : 0.0;
  }
  void Reset() { *this = ServerStats{}; }
};

}  // namespace cairn::server
