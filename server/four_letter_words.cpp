// server/four_letter_words.cpp: ZooKeeper's four-letter words on the client
// port (ruok, srvr, stat, mntr, conf, cons, crst, srst, envi, wchs, wchc,
// wchp, isro, dump, dirs), in ZooKeeper's output formats so that health
// checks and zktop-style tools parse them unchanged. Core thread.
#include <sys/resource.h>
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
  return std::string("Zookeeper version: 3.8.4-cairn-") + kVersion + ", built on " + __DATE__ +
         " " + __TIME__ + " GMT";
}

std::string Fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
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

std::string ConnectionLine(const Connection& c, bool detail) {
  std::ostringstream o;
  o << " /" << c.remote_ip() << ":" << c.remote_port() << "[1](queued=0,recved="
    << c.packets_received << ",sent=" << c.packets_sent;
  if (detail && c.session_id() != 0) {
    o << ",sid=" << Hex(c.session_id()) << ",lop=NA,est=" << c.established_ms
      << ",to=" << c.timeout_ms();
  }
  o << ")\n";
  return o.str();
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
  auto summary = [&] {
    o << "Latency min/avg/max: " << stats_.MinLatency() << "/" << Fmt("%.4f", stats_.AvgLatency())
      << "/" << stats_.latency_max_ms << "\n";
    o << "Received: " << stats_.packets_received << "\n";
    o << "Sent: " << stats_.packets_sent << "\n";
    o << "Connections: " << connections_.size() << "\n";
    o << "Outstanding: " << pipeline_.outstanding() << "\n";
    o << "Zxid: " << Hex(tree.last_processed_zxid()) << "\n";
    o << "Mode: standalone\n";
    o << "Node count: " << tree.NodeCount() << "\n";
  };
  if (word == "ruok") return "imok";
  if (word == "isro") return "rw";
  if (word == "srvr") {
    o << VersionLine() << "\n";
    summary();
  } else if (word == "stat") {
    o << VersionLine() << "\n";
    o << "Clients:\n";
    for (const auto& [id, c] : connections_) o << ConnectionLine(*c, false);
    o << "\n";
    summary();
  } else if (word == "cons") {
    for (const auto& [id, c] : connections_) o << ConnectionLine(*c, true);
    o << "\n";
  } else if (word == "crst") {
    for (const auto& [id, c] : connections_) {
      c->packets_received = 0;
      c->packets_sent = 0;
    }
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
    char host[256] = "unknown";
    gethostname(host, sizeof host - 1);
    o << "Environment:\n";
    o << "zookeeper.version=3.8.4-cairn-" << kVersion << ", built on " << __DATE__ << "\n";
    o << "host.name=" << host << "\n";
    o << "cairn.version=" << kVersion << "\n";
    o << "os.name=Linux\n";
    std::error_code ec;
    o << "user.dir=" << std::filesystem::current_path(ec).string() << "\n";
    o << "process.id=" << getpid() << "\n";
  } else if (word == "wchs") {
    auto by_session = watches.BySession();
    o << by_session.size() << " connections watching " << watches.PathCount() << " paths\n";
    o << "Total watches:" << watches.WatchCount() << "\n";
  } else if (word == "wchc") {
    for (const auto& [session, paths] : watches.BySession()) {
      o << Hex(session) << "\n";
      for (const auto& p : paths) o << "\t" << p << "\n";
    }
  } else if (word == "wchp") {
    for (const auto& [path, sessions] : watches.ByPath()) {
      o << path << "\n";
      for (int64_t s : sessions) o << "\t" << Hex(s) << "\n";
    }
  } else if (word == "dirs") {
    o << "datadir_size: " << DirSize(config_.data_dir) << "\n";
    o << "logdir_size: " << DirSize(config_.data_log_dir) << "\n";
  } else if (word == "dump") {
    const auto& all = db_.sessions().all();
    o << "SessionTracker dump:\n";
    o << "Session Sets (" << all.size() << ")/(" << all.size() << "):\n";
    std::map<int64_t, std::vector<int64_t>> by_expiry;
    for (const auto& [id, s] : all) by_expiry[s.expires_at_ms].push_back(id);
    for (const auto& [at, ids] : by_expiry) {
      o << ids.size() << " expire at " << at << ":\n";
      for (int64_t id : ids) o << "\t" << Hex(id) << "\n";
    }
    o << "ephemeral nodes dump:\n";
    o << "Sessions with Ephemerals (" << tree.AllEphemerals().size() << "):\n";
    for (const auto& [session, paths] : tree.AllEphemerals()) {
      o << Hex(session) << ":\n";
      for (const auto& p : paths) o << "\t" << p << "\n";
    }
    o << "Connections with Ephemerals (0):\n";
  } else if (word == "mntr") {
    struct rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    size_t ephemerals = 0;
    for (const auto& [s, paths] : tree.AllEphemerals()) ephemerals += paths.size();
    auto kv = [&](const char* k, const auto& v) { o << k << "\t" << v << "\n"; };
    kv("zk_version", "3.8.4-cairn-" + std::string(kVersion));
    kv("zk_server_state", "standalone");
    kv("zk_ephemerals_count", ephemerals);
    kv("zk_min_latency", stats_.MinLatency());
    kv("zk_avg_latency", Fmt("%.4f", stats_.AvgLatency()));
    kv("zk_max_latency", stats_.latency_max_ms);
    kv("zk_num_alive_connections", connections_.size());
    kv("zk_outstanding_requests", pipeline_.outstanding());
    kv("zk_znode_count", tree.NodeCount());
    kv("zk_global_sessions", db_.sessions().size());
    kv("zk_watch_count", watches.WatchCount());
    kv("zk_packets_sent", stats_.packets_sent);
    kv("zk_packets_received", stats_.packets_received);
    kv("zk_approximate_data_size", tree.ApproximateDataSize());
    kv("zk_open_file_descriptor_count", OpenFds());
    kv("zk_max_file_descriptor_count", static_cast<int64_t>(rl.rlim_cur));
    kv("zk_last_zxid", Hex(tree.last_processed_zxid()));
  } else {
    // hash, gtmk, stmk: known words that Cairn does not serve yet.
    o << word << " is not supported by this server.\n";
  }
  (void)self;
  return o.str();
}

}  // namespace cairn::server
