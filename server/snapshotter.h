// server/snapshotter.h: takes snapshots of the Database without stalling the
// core thread, and purges old snapshots and the log behind them. Core thread.
//
// When enough txns have applied since the last snapshot (snapCount / 2 plus
// a random share of snapCount / 2, so that the members of an ensemble do
// not all snapshot at once; or half of snapSizeLimitInKb of txn bytes plus a
// random share of the other half), the core thread forks. The child process
// shares the parent's memory copy-on-write, so it sees the tree and the
// session table exactly as they are at the last applied zxid; it writes the
// snapshot file (temp, fsync, rename, directory fsync) and exits. The core
// thread only pays for the fork itself and goes on serving. When the child
// has succeeded, the newest snapRetainCount snapshots are kept and the log
// records at or below the oldest kept one are dropped (purge_log).
// A failed snapshot is logged; the next one is tried after as many txns again.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include "server/database.h"
#include "zab/storage/storage_env.h"

namespace cairn::server {

struct SnapshotStats {
  int64_t taken = 0;          // snapshots written by this process
  int64_t failed = 0;
  int64_t last_zxid = 0;      // the newest snapshot on disk
  int64_t last_duration_ms = 0;  // how long the child took to write it
  int64_t last_fork_us = 0;   // how long the core thread stood still for fork()
  int64_t last_bytes = 0;
  bool in_progress = false;
};

class Snapshotter {
 public:
  struct Options {
    std::string dir;
    int64_t snap_count = 100000;
    int64_t size_limit_bytes = 0;  // <= 0: no size trigger
    size_t retain = 3;
  };
  using PurgeLogFn = std::function<void(int64_t through_zxid)>;
  using ClockFn = std::function<int64_t()>;  // monotonic ms

  Snapshotter(boost::asio::io_context& io, storage::StorageEnv* env, Options options,
              PurgeLogFn purge_log, ClockFn clock_ms);
  ~Snapshotter();

  // The snapshot recovery started from (0: none), so counting starts there.
  void set_last_zxid(int64_t zxid) { stats_.last_zxid = zxid; }
  // txns applied (of txn_bytes bytes) since the previous call; db is at its
  // last applied zxid. Starts a snapshot when one is due.
  void OnApplied(const Database& db, int64_t txns, int64_t txn_bytes);
  // Starts a snapshot now unless one is running (tests, operators).
  void TakeNow(const Database& db);

  const SnapshotStats& stats() const { return stats_; }

 private:
  void Start(const Database& db);
  void Rearm();
  void OnChildExit(int status);

  boost::asio::io_context& io_;
  storage::StorageEnv* env_;
  Options options_;
  PurgeLogFn purge_log_;
  ClockFn clock_ms_;
  std::mt19937_64 rng_;
  int64_t txns_since_ = 0;
  int64_t bytes_since_ = 0;
  int64_t txns_due_ = 0;
  int64_t bytes_due_ = 0;
  pid_t child_ = -1;
  int64_t child_zxid_ = 0;
  int64_t child_started_ms_ = 0;
  std::unique_ptr<boost::asio::posix::stream_descriptor> child_exit_;  // the child's pidfd
  SnapshotStats stats_;
};

// Writes db as a snapshot at its last applied zxid into dir (the child
// process's whole job; tests call it directly).
Result<int64_t> WriteSnapshot(storage::StorageEnv* env, const std::string& dir, const Database& db);

}  // namespace cairn::server
