// cairn-bench: zkbench's load workloads (create, set, get, mixed,
// create-ephemeral-seq) and its "ZKBENCH key=value ..." result line, driven
// through client-lib instead of the official C client, so that the two
// libraries' CPU per request can be compared against the same server in one
// run (docs/benchmarks.md). The options are zkbench's; the line ends with
// engine=cairn-client threads=T.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "client-lib/blocking_client.h"
#include "tools/cairn-bench/load.h"

namespace {

using namespace cairn;

std::string IsoNow() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Creates `path` if it is missing (an existing one is fine).
bool Ensure(client::BlockingClient& zk, const std::string& path) {
  auto made = zk.Create(path, "");
  return made.ok() || made.code == client::ErrorCode::kNodeExists;
}

std::string ErrorCodes(const std::map<int, uint64_t>& codes) {
  if (codes.empty()) return "none";
  std::string out;
  for (auto [code, n] : codes) {
    out += (out.empty() ? "" : ",") + std::to_string(code) + ":" + std::to_string(n);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cairn-bench: zkbench's workloads through Cairn's client library"};
  bench::LoadConfig cfg;
  std::string workloads = "get", root = "/zkbench", label = "-", pids_text, parent;
  app.add_option("--hosts", cfg.hosts, "host:port[,host:port...]")->required();
  app.add_option("--workload", workloads, "create,set,get,mixed,create-ephemeral-seq");
  app.add_option("--clients", cfg.clients, "sessions")->check(CLI::PositiveNumber);
  app.add_option("--inflight", cfg.inflight, "outstanding requests per session")
      ->check(CLI::PositiveNumber);
  app.add_option("--threads", cfg.threads, "io_context threads")->check(CLI::PositiveNumber);
  app.add_option("--seconds", cfg.seconds, "measured window");
  app.add_option("--warmup", cfg.warmup_s, "unmeasured load before the window");
  app.add_option("--count", cfg.count, "total request cap");
  app.add_option("--size", cfg.size, "bytes of data per write");
  app.add_option("--nodes", cfg.nodes, "pool size for set/get")->check(CLI::PositiveNumber);
  app.add_option("--read-pct", cfg.read_pct, "mixed: percentage of gets")
      ->check(CLI::Range(0, 100));
  app.add_option("--root", root, "root of the benchmark's znodes");
  app.add_option("--parent", parent, "parent for the create workloads");
  app.add_option("--label", label, "copied into the output");
  app.add_option("--session-timeout", cfg.session_timeout_ms, "ms");
  app.add_option("--pids", pids_text, "server PIDs whose CPU and RSS are reported (P1,P2,...)");
  app.add_option("--drain-timeout", cfg.drain_timeout_s, "s to wait for outstanding requests");
  CLI11_PARSE(app, argc, argv);

  std::vector<pid_t> pids;
  std::stringstream pid_list(pids_text);
  for (std::string p; std::getline(pid_list, p, ',');) {
    if (!p.empty()) pids.push_back(static_cast<pid_t>(std::stol(p)));
  }
  bench::UsageMeter meter(pids);

  client::ClientOptions setup_options;
  setup_options.connect_string = cfg.hosts;
  auto setup = client::BlockingClient::Connect(setup_options);
  if (!setup) {
    std::fprintf(stderr, "cairn-bench: %s\n", setup.error().ToString().c_str());
    return 2;
  }
  client::BlockingClient& zk = *setup.value();
  if (!Ensure(zk, root)) {
    std::fprintf(stderr, "cairn-bench: cannot create %s\n", root.c_str());
    return 2;
  }

  std::stringstream list(workloads);
  for (std::string name; std::getline(list, name, ',');) {
    if (!bench::ParseWorkload(name, &cfg.workload)) {
      std::fprintf(stderr, "cairn-bench: unknown workload %s\n", name.c_str());
      return 2;
    }
    bool creates = cfg.workload == bench::Workload::kCreate ||
                   cfg.workload == bench::Workload::kCreateEphemeralSeq;
    std::string path;
    if (creates) {
      char host[256] = "";
      gethostname(host, sizeof host - 1);
      cfg.parent = !parent.empty()
                       ? parent
                       : root + "/create-" + host + "-" + std::to_string(getpid()) + "-" +
                             std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
      if (!Ensure(zk, cfg.parent)) return 2;
      path = cfg.parent;
    } else {
      cfg.pool = root + "/pool-s" + std::to_string(cfg.size);
      if (!Ensure(zk, cfg.pool)) return 2;
      std::string data(static_cast<size_t>(cfg.size), 'p');
      auto have = zk.GetAllChildrenNumber(cfg.pool);
      if (!have.ok() || have.value < cfg.nodes) {
        for (int i = 0; i < cfg.nodes; ++i) {
          auto made = zk.Create(cfg.pool + "/n" + std::to_string(i), data);
          if (!made.ok() && made.code != client::ErrorCode::kNodeExists) return 2;
        }
      }
      path = cfg.pool;
    }
    bench::LoadResult r = bench::RunLoad(cfg, meter);
    if (!r.connected) {
      std::fprintf(stderr, "cairn-bench: not every session connected\n");
      return 2;
    }
    double wall = r.wall_s > 0 ? r.wall_s : 1e-9;
    std::printf(
        "ZKBENCH ts=%s label=%s workload=%s hosts=%s clients=%d inflight=%d size=%d nodes=%d "
        "read_pct=%d duration_s=%.3f ops=%llu ops_s=%.1f mean_us=%.1f p50_us=%u p90_us=%u "
        "p99_us=%u p999_us=%u max_us=%u errors=%llu errors_total=%llu err_codes=%s "
        "host_cpu_pct=%.1f steal_pct=%.1f client_cpu_pct=%.1f",
        IsoNow().c_str(), label.c_str(), name.c_str(), cfg.hosts.c_str(), cfg.clients, cfg.inflight,
        cfg.size, cfg.nodes, cfg.read_pct, r.duration_s, static_cast<unsigned long long>(r.ok),
        static_cast<double>(r.ok) / r.duration_s, r.mean_us, r.p50, r.p90, r.p99, r.p999, r.max,
        static_cast<unsigned long long>(r.errors), static_cast<unsigned long long>(r.errors_total),
        ErrorCodes(r.error_codes).c_str(), 100.0 * r.host_busy_s / wall,
        100.0 * r.host_steal_s / wall, 100.0 * r.client_cpu_s / r.duration_s);
    if (r.server_cpu_s >= 0) {
      std::printf(" server_cpu_pct=%.1f server_rss_mb=%.1f", 100.0 * r.server_cpu_s / r.duration_s,
                  r.server_rss_mb);
    }
    std::printf(" path=%s engine=cairn-client threads=%d\n", path.c_str(), cfg.threads);
    std::fflush(stdout);
  }
  return 0;
}
