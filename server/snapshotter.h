// server/snapshotter.h: takes snapshots of the Database without stalling the
// core thread, and purges old snapshots and the log behind them. Core thread.
//
// When enough txns have applied since the last snapshot (snapCount / 2 plus
// a random share of snapCount / 2, so that the members of an ensemble do
// not all snapshot at once; or half of snapSizeLimitInKb of txn bytes plus a
// random share of the other half), it opens a copy-on-write SnapshotView of
// the tree at the last applied zxid (znode/snapshot_view.h) and encodes the
// session table at once. Then, one slice per turn of the event loop, it
// encodes a few thousand nodes and hands the chunk to a SnapshotWriterThread,
// which does the file IO (temp file, fsync, rename, directory fsync). Txns
// keep applying between slices; the view keeps the snapshot exact at its
// zxid. When the file is committed, the newest snapRetainCount snapshots are
// kept and the log records at or below the oldest kept one are dropped
// (purge_log). A failed snapshot is logged; the next one is tried after as
// many txns again. One that comes due while the previous is still being
// written is skipped, and counting starts over (as in ZooKeeper).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include "server/database.h"
#include "zab/storage/snapshot_writer_thread.h"
#include "zab/storage/storage_env.h"
#include "znode/snapshot_view.h"

namespace cairn::server {

struct SnapshotStats {
  int64_t taken = 0;  // snapshots written by this process
  int64_t failed = 0;
  int64_t skipped = 0;  // due while the previous one was still being written
  int64_t last_zxid = 0;         // the newest snapshot on disk
  int64_t last_duration_ms = 0;  // from opening the view to the committed file
  int64_t last_bytes = 0;
  int64_t last_preserved = 0;    // nodes the view encoded early because a txn changed them
  int64_t max_slice_us = 0;      // the longest the core thread spent in one slice
  bool in_progress = false;
};

class Snapshotter {
 public:
  struct Options {
    std::string dir;
    int64_t snap_count = 100000;
    int64_t size_limit_bytes = 0;  // <= 0: no size trigger
    size_t retain = 3;
    int64_t write_bytes_per_second = 0;  // pace of the snapshot file (0: the disk's full speed)
  };
  using PurgeLogFn = std::function<void(int64_t through_zxid)>;
  using ClockFn = std::function<int64_t()>;  // monotonic ms

  // db must outlive the Snapshotter.
  Snapshotter(boost::asio::io_context& io, storage::StorageEnv* env, Database* db, Options options,
              PurgeLogFn purge_log, ClockFn clock_ms);
  ~Snapshotter();

  // The snapshot recovery started from (0: none).
  void set_last_zxid(int64_t zxid) { stats_.last_zxid = zxid; }
  // txns applied (of txn_bytes bytes) since the previous call. Starts a
  // snapshot when one is due and none is running.
  void OnApplied(int64_t txns, int64_t txn_bytes);
  // Starts a snapshot now unless one is running.
  void TakeNow();

  const SnapshotStats& stats() const { return stats_; }

  static constexpr size_t kNodesPerSlice = 2048;

 private:
  void Start();
  void Rearm();
  void Slice();
  void OnWritten(Result<int64_t> bytes);

  boost::asio::io_context& io_;
  storage::StorageEnv* env_;
  Database* db_;
  Options options_;
  PurgeLogFn purge_log_;
  ClockFn clock_ms_;
  std::mt19937_64 rng_;
  int64_t txns_since_ = 0;
  int64_t bytes_since_ = 0;
  int64_t txns_due_ = 0;
  int64_t bytes_due_ = 0;

  // The snapshot in progress.
  std::unique_ptr<znode::SnapshotView> view_;
  std::unique_ptr<storage::SnapshotWriterThread> writer_;
  std::string sessions_chunk_;
  int64_t zxid_ = 0;
  int64_t started_ms_ = 0;
  uint64_t job_ = 0;  // tells a stale slice or completion from the current one
  boost::asio::steady_timer backoff_;  // waits for room in the writer's queue
  SnapshotStats stats_;
};

// Writes db as a snapshot at its last applied zxid into dir, synchronously
// (tests and tools; the server uses the Snapshotter).
Result<int64_t> WriteSnapshot(storage::StorageEnv* env, const std::string& dir, const Database& db);

}  // namespace cairn::server
