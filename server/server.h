// server/server.h: one standalone Cairn server process: the client
// listener, the connection registry, the session handshake, auth, session
// expiry and the container/TTL sweeper, wired to the request pipeline.
// Everything runs on the one core thread that runs the io_context.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "base/error.h"
#include "proto/records.h"
#include "server/commit_log.h"
#include "server/config.h"
#include "server/connection.h"
#include "server/database.h"
#include "server/durable_commit_log.h"
#include "server/pipeline.h"
#include "server/recovery.h"
#include "server/snapshotter.h"
#include "server/stats.h"
#include "zab/storage/storage_env.h"

namespace cairn::server {

class Server : public SessionOutput {
 public:
  // env: the filesystem of the data directories (tests inject faults).
  Server(boost::asio::io_context& io, ServerConfig config,
         storage::StorageEnv* env = storage::PosixStorageEnv());
  ~Server() override;

  // Binds the client port, locks the data directories, recovers the state
  // they hold, then serves. Fails (naming the address, directory or
  // record) if any step cannot be done.
  Result<void> Start();
  void Stop();
  // 0 after a normal stop; 3 after the storage failed (fail-stop).
  int exit_code() const { return exit_code_; }

  // What srvr and mntr show of storage.
  struct StorageStatus {
    int64_t last_logged_zxid = 0;
    int64_t log_bytes = 0;
    int64_t log_batches = 0;
    int64_t log_records = 0;
    int64_t snapshots_on_disk = 0;
    SnapshotStats snapshots;
  };
  StorageStatus storage_status() const;

  // From connections.
  void OnConnectRequest(const std::shared_ptr<Connection>& conn, const proto::ConnectRequest& req);
  void OnAuth(const std::shared_ptr<Connection>& conn, int32_t xid, const std::string& body);
  void OnConnectionClosed(Connection* conn);
  bool IsFourLetterWord(const std::string& word) const;
  std::string RunFourLetterWord(const std::string& word, Connection* conn);

  // SessionOutput.
  void Send(int64_t session_id, std::string frame) override;
  void CloseAfterFlush(int64_t session_id) override;
  const znode::AuthIds* AuthOf(int64_t session_id) const override;

  RequestPipeline& pipeline() { return pipeline_; }
  Database& database() { return db_; }
  const ServerConfig& config() const { return config_; }
  ServerStats& stats() { return stats_; }
  const std::unordered_map<uint64_t, std::shared_ptr<Connection>>& connections() const {
    return connections_;
  }
  // Wall-clock ms since the epoch: txn times, TTLs, what 4lw prints.
  int64_t NowMs() const;
  // Monotonic ms: session expiry, latencies, uptime.
  int64_t MonoMs() const;
  // A monotonic instant as wall-clock ms (for printing expiry times).
  int64_t MonoToWallMs(int64_t mono_ms) const { return NowMs() + (mono_ms - MonoMs()); }
  int bound_port() const { return bound_port_; }

 private:
  Result<void> OpenStorage();
  // After a write or fsync error: stop serving and acknowledging at once.
  void FailStop(const Error& error);
  void OnDurable(int64_t last_zxid);
  void DoAccept();
  void FinishHandshake(const std::shared_ptr<Connection>& conn, int64_t session_id,
                       int32_t timeout_ms, const std::string& passwd, bool valid);
  void ScheduleTick();
  void OnTick();
  void SweepContainers();
  // The session no longer has a connection: forget the mapping, its queued
  // reads and its watches.
  void DetachSession(int64_t session_id);

  boost::asio::io_context& io_;
  ServerConfig config_;
  ServerStats stats_;
  Database db_;
  RequestPipeline pipeline_;
  storage::StorageEnv* env_;
  std::string snapshot_dir_;
  std::string log_dir_;
  leveldb::FileLock* data_dir_lock_ = nullptr;
  std::unique_ptr<DurableCommitLog> log_;
  std::unique_ptr<Snapshotter> snapshotter_;
  RecoveryReport recovery_;
  int64_t snapshot_counted_records_ = 0;
  int64_t snapshot_counted_bytes_ = 0;
  int exit_code_ = 0;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer tick_timer_;
  int64_t next_sweep_ms_ = 0;
  int64_t started_ms_ = 0;
  int64_t auth_failed_count_ = 0;
  int bound_port_ = 0;
  uint64_t next_connection_id_ = 1;
  std::unordered_map<uint64_t, std::shared_ptr<Connection>> connections_;
  std::unordered_map<int64_t, Connection*> by_session_;
  std::unordered_map<std::string, int> per_ip_;
};

}  // namespace cairn::server
