// tools/cairn-bench/load.h: one measured load phase through client-lib:
// `clients` sessions (async Clients sharing one io_context run by `threads`
// threads), each keeping `inflight` requests outstanding; every completion
// records its latency (if it started and ended inside the window) and issues
// the next request. The phase is bounded by its window (plus a bounded
// drain) and by `count` requests if given.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tools/cairn-bench/usage_meter.h"

namespace cairn::bench {

enum class Workload { kCreate, kSet, kGet, kMixed, kCreateEphemeralSeq };
bool ParseWorkload(const std::string& name, Workload* out);

struct LoadConfig {
  std::string hosts;
  Workload workload = Workload::kGet;
  int clients = 1;
  int inflight = 1;
  int threads = 1;
  double warmup_s = 0;
  double seconds = 10;
  int64_t count = 0;  // 0: no cap
  int size = 100;
  int nodes = 1000;
  int read_pct = 90;
  int session_timeout_ms = 10000;
  double drain_timeout_s = 30;
  std::string parent;  // create workloads: where the nodes go
  std::string pool;    // set/get/mixed: <pool>/n0..n<nodes-1>
  uint64_t seed = 1;
};

struct LoadResult {
  double duration_s = 0;
  uint64_t ok = 0, errors = 0, ok_total = 0, errors_total = 0;
  std::map<int, uint64_t> error_codes;  // ZooKeeper rc -> count (window)
  double mean_us = 0;
  uint32_t p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
  double client_cpu_s = 0, server_cpu_s = -1, host_busy_s = 0, host_steal_s = 0, wall_s = 0;
  double server_rss_mb = -1;
  bool connected = true;  // every session came up
};

LoadResult RunLoad(const LoadConfig& config, const UsageMeter& meter);

}  // namespace cairn::bench
