#include "tools/cairn-bench/usage_meter.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace cairn::bench {

namespace {

double Seconds(const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; }

// utime + stime of one process, in seconds; 0 if it is gone.
double ProcessCpuS(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  size_t paren = line.rfind(')');  // the command name may hold spaces
  if (paren == std::string::npos) return 0;
  std::istringstream fields(line.substr(paren + 2));
  std::string field;
  unsigned long utime = 0, stime = 0;
  for (int n = 3; fields >> field; ++n) {  // fields after ')' start at number 3
    if (n == 14) utime = std::stoul(field);
    if (n == 15) {
      stime = std::stoul(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

UsageSnapshot UsageMeter::Take() const {
  UsageSnapshot s;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  s.self_cpu_s = Seconds(ru.ru_utime) + Seconds(ru.ru_stime);
  if (!pids_.empty()) {
    s.pids_cpu_s = 0;
    for (pid_t pid : pids_) s.pids_cpu_s += ProcessCpuS(pid);
  }
  std::ifstream stat("/proc/stat");
  std::string cpu;
  // cpu  user nice system idle iowait irq softirq steal
  unsigned long long v[8] = {};
  stat >> cpu;
  for (auto& x : v) stat >> x;
  double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  s.host_busy_s = static_cast<double>(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / hz;
  s.host_steal_s = static_cast<double>(v[7]) / hz;
  return s;
}

double UsageMeter::ServerRssMb() const {
  if (pids_.empty()) return -1;
  double total_kb = 0;
  for (pid_t pid : pids_) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("VmRSS:", 0) == 0) total_kb += std::stod(line.substr(6));
    }
  }
  return total_kb / 1024.0;
}

uint32_t Percentile(const std::vector<uint32_t>& sorted, double pct) {
  if (sorted.empty()) return 0;
  size_t i = static_cast<size_t>(pct / 100.0 * static_cast<double>(sorted.size()));
  return sorted[std::min(i, sorted.size() - 1)];
}

}  // namespace cairn::bench
