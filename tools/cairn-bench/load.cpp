#include "tools/cairn-bench/load.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <numeric>
#include <random>
#include <thread>

#include "client-lib/client.h"

namespace cairn::bench {

using client::ErrorCode;

bool ParseWorkload(const std::string& name, Workload* out) {
  static const std::map<std::string, Workload> names = {
      {"create", Workload::kCreate},
      {"set", Workload::kSet},
      {"get", Workload::kGet},
      {"mixed", Workload::kMixed},
      {"create-ephemeral-seq", Workload::kCreateEphemeralSeq},
  };
  auto it = names.find(name);
  if (it == names.end()) return false;
  *out = it->second;
  return true;
}

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// What every session shares: the configuration, the window, the stop flag.
struct Phase {
  const LoadConfig& config;
  std::string payload;
  int64_t window_start_ns = 0;
  int64_t window_end_ns = 0;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> issued{0};
};

// One session. Its counters and samples are touched only from its client's
// strand while the load runs, and read after the drain.
class Session {
 public:
  Session(Phase& phase, int index, client::Client client)
      : phase_(phase), index_(index), client_(std::move(client)), rng_(phase.config.seed + index) {}

  void Start(int inflight) {
    for (int i = 0; i < inflight; ++i) {
      ++outstanding;
      Issue();
    }
  }

  std::atomic<int> outstanding{0};
  std::vector<uint32_t> latencies_us;
  uint64_t ok = 0, errors = 0, ok_total = 0, errors_total = 0;
  std::map<int, uint64_t> error_codes;
  client::Client& client() { return client_; }

 private:
  void Issue() {
    const LoadConfig& cfg = phase_.config;
    if (phase_.stop.load(std::memory_order_relaxed) ||
        (cfg.count > 0 && phase_.issued.fetch_add(1, std::memory_order_relaxed) >= cfg.count)) {
      --outstanding;
      return;
    }
    int64_t start = NowNs();
    auto done = [this, start](ErrorCode code) { Done(start, code); };
    Workload w = cfg.workload;
    if (w == Workload::kMixed) {
      w = static_cast<int>(rng_() % 100) < cfg.read_pct ? Workload::kGet : Workload::kSet;
    }
    switch (w) {
      case Workload::kCreate:
        client_.Create(cfg.parent + "/c" + std::to_string(index_) + "-" + std::to_string(n_++),
                       phase_.payload, {},
                       [done](client::Outcome<client::Created> r) { done(r.code); });
        break;
      case Workload::kCreateEphemeralSeq: {
        client::CreateOptions eph;
        eph.mode = client::CreateMode::kEphemeralSequential;
        client_.Create(cfg.parent + "/e-", phase_.payload, eph,
                       [done](client::Outcome<client::Created> r) { done(r.code); });
        break;
      }
      case Workload::kSet:
        client_.SetData(PoolNode(), phase_.payload, -1,
                        [done](client::Outcome<client::Stat> r) { done(r.code); });
        break;
      case Workload::kGet:
      case Workload::kMixed:
        client_.GetData(PoolNode(), nullptr,
                        [done](client::Outcome<client::NodeData> r) { done(r.code); });
        break;
    }
  }

  void Done(int64_t start, ErrorCode code) {
    int64_t end = NowNs();
    bool in_window = start >= phase_.window_start_ns && end <= phase_.window_end_ns;
    if (code == ErrorCode::kOk) {
      ++ok_total;
      if (in_window) {
        ++ok;
        latencies_us.push_back(static_cast<uint32_t>((end - start) / 1000));
      }
    } else {
      ++errors_total;
      if (in_window) {
        ++errors;
        ++error_codes[static_cast<int>(code)];
      }
    }
    Issue();
  }

  std::string PoolNode() {
    return phase_.config.pool + "/n" +
           std::to_string(rng_() % static_cast<uint64_t>(phase_.config.nodes));
  }

  Phase& phase_;
  const int index_;
  client::Client client_;
  std::mt19937_64 rng_;
  uint64_t n_ = 0;
};

}  // namespace

LoadResult RunLoad(const LoadConfig& cfg, const UsageMeter& meter) {
  LoadResult result;
  Phase phase{cfg, {}, 0, 0, {}, {}};
  for (int i = 0; i < cfg.size; ++i) phase.payload += static_cast<char>('a' + i % 26);

  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::vector<std::thread> threads;
  for (int t = 0; t < std::max(1, cfg.threads); ++t) threads.emplace_back([&io] { io.run(); });

  // Sessions up first (not measured).
  std::atomic<int> connected{0};
  std::vector<std::unique_ptr<Session>> sessions;
  for (int i = 0; i < cfg.clients; ++i) {
    client::ClientOptions options;
    options.connect_string = cfg.hosts;
    options.session_timeout_ms = cfg.session_timeout_ms;
    options.seed = cfg.seed * 1000 + static_cast<uint64_t>(i) + 1;
    options.listener = [&connected](client::SessionState s) {
      if (s == client::SessionState::kConnected) ++connected;
    };
    auto c = client::Client::Connect(io.get_executor(), std::move(options));
    if (!c) {
      result.connected = false;
      break;
    }
    sessions.push_back(std::make_unique<Session>(phase, i, std::move(c.value())));
  }
  auto connect_deadline = NowNs() + 15'000'000'000LL;
  while (connected < cfg.clients && NowNs() < connect_deadline && result.connected) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  result.connected = result.connected && connected == cfg.clients;

  if (result.connected) {
    int64_t t0 = NowNs();
    phase.window_start_ns = t0 + static_cast<int64_t>(cfg.warmup_s * 1e9);
    phase.window_end_ns = phase.window_start_ns + static_cast<int64_t>(cfg.seconds * 1e9);
    for (auto& s : sessions) s->Start(cfg.inflight);
    auto outstanding = [&] {
      int n = 0;
      for (auto& s : sessions) n += s->outstanding.load();
      return n;
    };
    std::this_thread::sleep_until(
        std::chrono::steady_clock::time_point(std::chrono::nanoseconds(phase.window_start_ns)));
    UsageSnapshot before = meter.Take();
    int64_t measured_from = NowNs();
    bool done_early = false;
    while (NowNs() < phase.window_end_ns) {
      if (outstanding() == 0) {
        done_early = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    int64_t measured_to = NowNs();
    UsageSnapshot after = meter.Take();
    phase.stop = true;
    int64_t drain_deadline = NowNs() + static_cast<int64_t>(cfg.drain_timeout_s * 1e9);
    while (outstanding() > 0 && NowNs() < drain_deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    result.wall_s = static_cast<double>(measured_to - measured_from) / 1e9;
    result.duration_s = done_early ? result.wall_s : cfg.seconds;
    result.client_cpu_s = after.self_cpu_s - before.self_cpu_s;
    result.server_cpu_s = before.pids_cpu_s >= 0 ? after.pids_cpu_s - before.pids_cpu_s : -1;
    result.host_busy_s = after.host_busy_s - before.host_busy_s;
    result.host_steal_s = after.host_steal_s - before.host_steal_s;
    result.server_rss_mb = meter.ServerRssMb();
  }

  // Close every session and wait for the closes (bounded), then stop.
  std::atomic<int> closed{0};
  for (auto& s : sessions) s->client().Close([&closed] { ++closed; });
  auto close_deadline = NowNs() + 10'000'000'000LL;
  while (closed < static_cast<int>(sessions.size()) && NowNs() < close_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  work.reset();
  io.stop();
  for (auto& t : threads) t.join();

  std::vector<uint32_t> all;
  for (auto& s : sessions) {
    result.ok += s->ok;
    result.errors += s->errors;
    result.ok_total += s->ok_total;
    result.errors_total += s->errors_total;
    for (auto [code, n] : s->error_codes) result.error_codes[code] += n;
    all.insert(all.end(), s->latencies_us.begin(), s->latencies_us.end());
  }
  std::sort(all.begin(), all.end());
  if (!all.empty()) {
    result.mean_us = std::accumulate(all.begin(), all.end(), 0.0) / static_cast<double>(all.size());
    result.max = all.back();
  }
  result.p50 = Percentile(all, 50);
  result.p90 = Percentile(all, 90);
  result.p99 = Percentile(all, 99);
  result.p999 = Percentile(all, 99.9);
  return result;
}

}  // namespace cairn::bench
