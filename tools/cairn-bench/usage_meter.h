// tools/cairn-bench/usage_meter.h: the resource figures of a ZKBENCH line,
// measured as zkbench measures them: this process's CPU (getrusage), the
// CPU and RSS of the server processes given by PID (/proc/PID/stat,
// /proc/PID/status), and the whole machine's busy and steal time
// (/proc/stat). A snapshot before and after the window gives the deltas.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cairn::bench {

struct UsageSnapshot {
  double self_cpu_s = 0;
  double pids_cpu_s = -1;  // -1: no PIDs given
  double host_busy_s = 0;
  double host_steal_s = 0;
};

class UsageMeter {
 public:
  explicit UsageMeter(std::vector<pid_t> server_pids) : pids_(std::move(server_pids)) {}
  UsageSnapshot Take() const;
  // Sum of VmRSS over the server PIDs in MiB; -1 without PIDs.
  double ServerRssMb() const;

 private:
  std::vector<pid_t> pids_;
};

// Exact percentile of sorted samples (nearest rank below), 0 when empty.
uint32_t Percentile(const std::vector<uint32_t>& sorted, double pct);

}  // namespace cairn::bench
