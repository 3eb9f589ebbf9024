// server/four_letter_words.cpp: ZooKeeper's four-letter words on the client
// port (ruok, srvr, stat, mntr, conf, cons, crst, srst, envi, wchs, wchc,
// wchp, isro, dump, dirs), in ZooKeeper's output formats so that health
// checks and zktop-style tools parse them unchanged. Core thread.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <ctime>
#include <map>
#include <unistd.h>

#include <dirent.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "base/hex.h"
#include "base/version.h"
#include "server/server.h"

namespace cairn::server {
namespace {

constexpr std::array<const char*, 18> kWords = {"conf", "cons", "crst", "dump", "envi", "ruok",
                                                "srst", "srvr", "stat", "wchs", "wchc", "dirs",
                                                "wchp", "mntr", "isro", "hash", "gtmk", "stmk"};

std::string VersionLine() {
  return std::string("Zookeeper version: 3.8.4-cairn-") + kVersion + ", built on " + kBuildTime;
}

int64_t DirSize(const std::string& dir) {
  std::error_code ec;
  int64_t total = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) total += static_cast<int64_t>(it->file_size(ec));
  }
  return total;
}

int64_t OpenFds() {
  std::error_code ec;
  int64_t n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

// Java's Double.toString for the small positive values latencies take:
// "0.0", "0.5883" (at most four decimals here).
std::string JavaDouble(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  std::string out = buf;
  while (out.size() > 1 && out.back() == '0' && out[out.size() - 2] != '.') out.pop_back();
  return out;
}

// Java's Date.toString, in UTC: "Tue Dec 01 08:27:46 UTC 2026".
std::string JavaDate(int64_t ms) {
  time_t secs = static_cast<time_t>(ms / 1000);
  struct tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%a %b %d %H:%M:%S UTC %Y", &tm);
  return buf;
}

std::string ConnectionLine(const Connection& c, bool detail) {
  const auto& k = c.counters;
  std::ostringstream o;
  o << " /" << c.remote_ip() << ":" << c.remote_port() << "[" << (c.handshake_done() ? 1 : 0)
    << "](queued=0,recved=" << k.packets_received << ",sent=" << k.packets_sent;
  if (detail && c.session_id() != 0) {
    int64_t avg = k.latency_count ? k.latency_total_ms / k.latency_count : 0;
    o << ",sid=" << Hex(c.session_id()) << ",lop=" << k.last_op << ",est=" << c.established_ms
      << ",to=" << c.timeout_ms() << ",lcxid=" << Hex(k.last_cxid) << ",lzxid=" << Hex(k.last_zxid)
      << ",lresp=" << k.last_response_ms << ",llat=" << k.last_latency_ms
      << ",minlat=" << k.latency_min_ms << ",avglat=" << avg << ",maxlat=" << k.latency_max_ms;
  }
  o << ")\n";
  return o.str();
}

int64_t MemoryMb(const char* key) {
  FILE* f = std::fopen("/proc/meminfo", "r");
  if (f == nullptr) return 0;
  char name[64];
  long long kb = 0;
  int64_t out = 0;
  while (std::fscanf(f, "%63s %lld kB", name, &kb) == 2) {
    if (std::string(name) == key) {
      out = kb / 1024;
      break;
    }
  }
  std::fclose(f);
  return out;
}

}  // namespace

bool Server::IsFourLetterWord(const std::string& word) const {
  for (const char* w : kWords) {
    if (word == w) return true;
  }
  return false;
}

std::string Server::RunFourLetterWord(const std::string& word, Connection* self) {
  const auto& allowed = config_.four_letter_words;
  if (!allowed.count("*") && !allowed.count(word)) {
    return word + " is not executed because it is not in the whitelist.\n";
  }
  auto& tree = db_.tree();
  auto& watches = db_.watches();
  std::ostringstream o;
  // ZooKeeper lists the asking connection too, which has sent nothing yet.
  auto clients = [&](bool detail) {
    for (const auto& [id, c] : connections_) o << ConnectionLine(*c, detail);
    o << "\n";
  };
  // ZooKeeper's node map keys the root twice ("" and "/"), so its counts
  // are one above the number of znodes; tools compare against that.
  const size_t node_count = tree.NodeCount() + 1;
  auto summary = [&] {
    o << "Latency min/avg/max: " << stats_.MinLatency() << "/" << JavaDouble(stats_.AvgLatency())
      << "/" << stats_.latency_max_ms << "\n";
    o << "Received: " << stats_.packets_received << "\n";
    o << "Sent: " << stats_.packets_sent << "\n";
    o << "Connections: " << connections_.size() << "\n";
    o << "Outstanding: " << pipeline_.outstanding() << "\n";
    o << "Zxid: " << Hex(tree.last_processed_zxid()) << "\n";
    o << "Mode: standalone\n";
    o << "Node count: " << node_count << "\n";
    auto st = storage_status();
    o << "Last logged zxid: " << Hex(st.last_logged_zxid) << "\n";
    o << "Txn log size: " << st.log_bytes << "\n";
    o << "Snapshots: " << st.snapshots_on_disk << " (last zxid " << Hex(st.snapshots.last_zxid)
      << ", took " << st.snapshots.last_duration_ms << " ms)\n";
  };
  if (word == "ruok") return "imok";
  if (word == "isro") return "rw";
  if (word == "gtmk") return "0";
  if (word == "srvr") {
    o << VersionLine() << "\n";
    summary();
  } else if (word == "stat") {
    o << VersionLine() << "\n";
    o << "Clients:\n";
    clients(false);
    summary();
  } else if (word == "cons") {
    clients(true);
  } else if (word == "crst") {
    for (const auto& [id, c] : connections_) c->counters = Connection::Counters{};
    o << "Connection stats reset.\n";
  } else if (word == "srst") {
    stats_.Reset();
    o << "Server stats reset.\n";
  } else if (word == "conf") {
    o << "clientPort=" << bound_port_ << "\n";
    o << "secureClientPort=-1\n";
    o << "dataDir=" << config_.data_dir << "/version-2\n";
    o << "dataDirSize=" << DirSize(config_.data_dir) << "\n";
    o << "dataLogDir=" << config_.data_log_dir << "/version-2\n";
    o << "dataLogSize=" << DirSize(config_.data_log_dir) << "\n";
    o << "tickTime=" << config_.tick_time_ms << "\n";
    o << "maxClientCnxns=" << config_.max_client_cnxns << "\n";
    o << "minSessionTimeout=" << config_.MinSessionTimeoutMs() << "\n";
    o << "maxSessionTimeout=" << config_.MaxSessionTimeoutMs() << "\n";
    o << "clientPortListenBacklog=-1\n";
    o << "serverId=0\n";
  } else if (word == "envi") {
    // ZooKeeper's keys, in its order, so that tools reading envi find them;
    // the java.* ones have no meaning for a native server.
    char host[256] = "unknown";
    gethostname(host, sizeof host - 1);
    struct utsname uts{};
    uname(&uts);
    std::error_code ec;
    const char* home = "/";
    o << "Environment:\n";
    o << "zookeeper.version=" << VersionLine().substr(std::string("Zookeeper version: ").size()) << "\n";
    o << "host.name=" << host << "\n";
    o << "java.version=<NA>\njava.vendor=<NA>\njava.home=<NA>\njava.class.path=<NA>\n";
    o << "java.library.path=<NA>\njava.io.tmpdir=/tmp\njava.compiler=<NA>\n";
    o << "os.name=" << uts.sysname << "\n";
    o << "os.arch=" << uts.machine << "\n";
    o << "os.version=" << uts.release << "\n";
    o << "user.name=" << std::to_string(getuid()) << "\n";
    o << "user.home=" << home << "\n";
    o << "user.dir=" << std::filesystem::current_path(ec).string() << "\n";
    o << "os.memory.free=" << MemoryMb("MemAvailable:") << "MB\n";
    o << "os.memory.max=" << MemoryMb("MemTotal:") << "MB\n";
    o << "os.memory.total=" << MemoryMb("MemTotal:") << "MB\n";
  } else if (word == "wchs") {
    o << watches.DataBySession().size() << " connections watching " << watches.DataPathCount()
      << " paths\n";
    o << "Total watches:" << watches.DataWatchCount() << "\n";
  } else if (word == "wchc") {
    for (const auto& [session, paths] : watches.DataBySession()) {
      o << Hex(session) << "\n";
      for (const auto& p : paths) o << "\t" << p << "\n";
    }
    o << "\n";
  } else if (word == "wchp") {
    for (const auto& [path, sessions] : watches.DataByPath()) {
      o << path << "\n";
      for (int64_t s : sessions) o << "\t" << Hex(s) << "\n";
    }
    o << "\n";
  } else if (word == "dirs") {
    o << "datadir_size: " << DirSize(config_.data_dir) << "\n";
    o << "logdir_size: " << DirSize(config_.data_log_dir) << "\n";
  } else if (word == "dump") {
    const auto& all = db_.sessions().all();
    std::map<int64_t, std::vector<int64_t>> by_expiry;
    for (const auto& [id, s] : all) by_expiry[s.expires_at_ms].push_back(id);
    o << "SessionTracker dump:\n";
    o << "Session Sets (" << by_expiry.size() << ")/(" << all.size() << "):\n";
    for (const auto& [at, ids] : by_expiry) {
      o << ids.size() << " expire at " << JavaDate(MonoToWallMs(at)) << ":\n";
      for (int64_t id : ids) o << "\t" << Hex(id) << "\n";
    }
    o << "ephemeral nodes dump:\n";
    o << "Sessions with Ephemerals (" << tree.AllEphemerals().size() << "):\n";
    for (const auto& [session, paths] : tree.AllEphemerals()) {
      o << Hex(session) << ":\n";
      for (const auto& p : paths) o << "\t" << p << "\n";
    }
    o << "Connections dump:\n";
    o << "Connections Sets (" << connections_.size() << ")/(" << connections_.size() << "):\n";
    for (const auto& [id, c] : connections_) {
      o << "1 expire at " << JavaDate(MonoToWallMs(c->counters.last_request_ms + c->timeout_ms()))
        << ":\n";
      o << "\tip: /" << c->remote_ip() << ":" << c->remote_port() << " sessionId: "
        << Hex(c->session_id()) << "\n";
    }
  } else if (word == "mntr") {
    struct rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    size_t ephemerals = 0;
    for (const auto& [s, paths] : tree.AllEphemerals()) ephemerals += paths.size();
    auto kv = [&](const char* k, const auto& v) { o << k << "\t" << v << "\n"; };
    kv("zk_version", VersionLine().substr(std::string("Zookeeper version: ").size()));
    kv("zk_server_state", "standalone");
    kv("zk_ephemerals_count", ephemerals);
    kv("zk_num_alive_connections", connections_.size());
    kv("zk_avg_latency", JavaDouble(stats_.AvgLatency()));
    kv("zk_outstanding_requests", pipeline_.outstanding());
    kv("zk_znode_count", node_count);
    kv("zk_global_sessions", db_.sessions().size());
    kv("zk_non_mtls_remote_conn_count", 0);
    kv("zk_last_client_response_size", -1);
    kv("zk_packets_sent", stats_.packets_sent);
    kv("zk_packets_received", stats_.packets_received);
    kv("zk_max_client_response_size", -1);
    kv("zk_connection_drop_probability", "0.0");
    kv("zk_watch_count", watches.WatchCount());
    kv("zk_auth_failed_count", auth_failed_count_);
    kv("zk_min_latency", stats_.MinLatency());
    kv("zk_max_file_descriptor_count", static_cast<int64_t>(rl.rlim_cur));
    kv("zk_approximate_data_size", tree.ApproximateDataSize());
    kv("zk_open_file_descriptor_count", OpenFds());
    kv("zk_local_sessions", 0);
    kv("zk_uptime", MonoMs() - started_ms_);
    kv("zk_max_latency", stats_.latency_max_ms);
    kv("zk_last_zxid", Hex(tree.last_processed_zxid()));
    kv("zk_txn_log_bytes_appended", log_ ? log_->bytes_appended() : 0);
    auto st = storage_status();
    kv("zk_last_logged_zxid", Hex(st.last_logged_zxid));
    kv("zk_txn_log_size_bytes", st.log_bytes);
    kv("zk_txn_log_batches", st.log_batches);
    kv("zk_txn_log_records", st.log_records);
    kv("zk_snapshot_count", st.snapshots_on_disk);
    kv("zk_snapshots_taken", st.snapshots.taken);
    kv("zk_snapshots_failed", st.snapshots.failed);
    kv("zk_snapshots_skipped", st.snapshots.skipped);
    // 1 from the view's opening until the file is renamed and the old ones
    // purged: only at 0 do zk_snapshot_count and the directory agree.
    kv("zk_snapshot_in_progress", st.snapshots.in_progress ? 1 : 0);
    kv("zk_last_snapshot_zxid", Hex(st.snapshots.last_zxid));
    kv("zk_last_snapshot_duration_ms", st.snapshots.last_duration_ms);
    kv("zk_last_snapshot_max_slice_us", st.snapshots.max_slice_us);
    kv("zk_last_snapshot_preserved_nodes", st.snapshots.last_preserved);
    kv("zk_last_snapshot_bytes", st.snapshots.last_bytes);
  } else {
    // hash and stmk: known words that Cairn does not serve yet.
    o << word << " is not supported by this server.\n";
  }
  (void)self;
  return o.str();
}

}  // namespace cairn::server
