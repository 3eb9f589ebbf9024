// server/config.h: the server's configuration, read from a zoo.cfg-style
// file. Pure parsing (the file is read by LoadConfigFile); no globals.
//
// Every key that ZooKeeper 3.9 documents is accepted, with or without the
// "zookeeper." prefix of its system-property form; the ones Cairn does not
// act on yet are listed in ServerConfig::unimplemented_keys so that the
// caller can warn once per key. Any other key is a typo and fails with the
// file, line and a "did you mean" hint.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/error.h"

namespace cairn::server {

struct PeerConfig {
  int64_t id = 0;
  std::string host;
  int quorum_port = 0;
  int election_port = 0;
  std::string role = "participant";  // or "observer"
  std::string client_address;        // from ";[addr:]port", may be empty
  int client_port = 0;
};

struct ServerConfig {
  std::string source;  // the file it came from
  int32_t tick_time_ms = 2000;
  int32_t init_limit = 10;
  int32_t sync_limit = 5;
  std::string data_dir;
  std::string data_log_dir;  // defaults to data_dir
  int client_port = 2181;
  std::string client_port_address = "0.0.0.0";
  int32_t max_client_cnxns = 60;     // per client IP; 0 = unlimited
  int32_t min_session_timeout_ms = -1;  // -1: 2 * tickTime
  int32_t max_session_timeout_ms = -1;  // -1: 20 * tickTime
  int64_t jute_max_buffer_bytes = 0xfffff;
  std::set<std::string> four_letter_words = {"srvr"};
  bool extended_types_enabled = false;
  std::string super_digest;  // "super:<base64 sha1>", empty = none
  int64_t container_check_interval_ms = 60000;  // znode.container.checkIntervalMs
  // Durability (zab/storage). A snapshot is taken after snapCount/2 plus a
  // random share of snapCount/2 txns, or once the txns logged since the last
  // one exceed snapSizeLimitInKb (<= 0: no size trigger).
  int32_t snap_count = 100000;
  int64_t snap_size_limit_kb = 4194304;
  int32_t snap_retain_count = 3;  // ZooKeeper's minimum and default
  int32_t purge_interval_hours = 0;  // accepted; Cairn purges after every snapshot
  bool force_sync = true;  // forceSync=no: batches are written without fsync
  std::map<int64_t, PeerConfig> peers;  // server.N lines
  std::map<std::string, std::string> all_keys;  // every key as written, for conf
  std::vector<std::string> unimplemented_keys;  // accepted, not acted on yet

  int32_t MinSessionTimeoutMs() const {
    return min_session_timeout_ms < 0 ? 2 * tick_time_ms : min_session_timeout_ms;
  }
  int32_t MaxSessionTimeoutMs() const {
    return max_session_timeout_ms < 0 ? 20 * tick_time_ms : max_session_timeout_ms;
  }
};

// Parses text as the contents of the file named source.
Result<ServerConfig> ParseConfig(const std::string& text, const std::string& source);
// Reads and parses a file.
Result<ServerConfig> LoadConfigFile(const std::string& path);

// True if key is one ZooKeeper documents (exposed for tests).
bool IsKnownKey(const std::string& key);
// The known key closest to key, for "did you mean" hints.
std::string ClosestKnownKey(const std::string& key);

}  // namespace cairn::server
