// zab/storage/snapshot_writer_thread.h: a thread that writes one snapshot
// file from chunks the core thread hands it, so that neither the core
// thread nor the group-commit thread waits for snapshot IO.
//
// Pacing: with max_bytes_per_second > 0 it writes no faster than that
// (after a first burst of kBurstBytes). Unpaced, a snapshot of 100+ MB goes
// to the disk at its full speed and the txn log's fdatasyncs, on the same
// disk, queue behind it: group commit slows for as long as the snapshot is
// written. The snapshot merely takes longer; the core thread's slices wait
// for room in the queue as they do for a slow disk.
//
// Threads: Push/Finish from the core thread; `done` is posted back through
// `post` once, with the file's size or the error. Destroying it before
// Finish abandons the file (its temp file is removed), also while pacing.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "base/error.h"
#include "base/thread_annotations.h"
#include "zab/storage/storage_env.h"

namespace cairn::storage {

class SnapshotWriterThread {
 public:
  using Post = std::function<void(std::function<void()>)>;
  using DoneFn = std::function<void(Result<int64_t> bytes)>;

  SnapshotWriterThread(StorageEnv* env, std::string dir, int64_t zxid, Post post, DoneFn done,
                       int64_t max_bytes_per_second = 0);
  ~SnapshotWriterThread();
  SnapshotWriterThread(const SnapshotWriterThread&) = delete;
  SnapshotWriterThread& operator=(const SnapshotWriterThread&) = delete;

  // True while fewer than kQueuedChunksMax chunks wait (the caller holds
  // back otherwise, so a slow disk bounds memory instead of growing it).
  bool HasRoom() const;
  // REQUIRES: !chunk.empty(); Finish not called yet.
  void Push(std::string chunk);
  // No more chunks: commit the file.
  void Finish();

  static constexpr size_t kQueuedChunksMax = 8;
  static constexpr int64_t kBurstBytes = 4 << 20;

 private:
  void Run();
  // Waits until written bytes are within the pace, or the owner abandons
  // the file (false).
  bool Pace(int64_t written);

  StorageEnv* env_;
  std::string dir_;
  int64_t zxid_;
  Post post_;
  DoneFn done_;
  int64_t max_bytes_per_second_;
  std::chrono::steady_clock::time_point started_;
  // mu_: the core thread holds it to queue a chunk, the writer to take one.
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::string> queue_ CAIRN_GUARDED_BY(mu_);
  bool finishing_ CAIRN_GUARDED_BY(mu_) = false;
  bool abandon_ CAIRN_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: starts after every member above exists
};

}  // namespace cairn::storage
