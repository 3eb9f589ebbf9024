// zab/storage/group_commit.h: the storage thread. It owns the TxnLog and
// makes appended txns durable in batches (group commit): it takes
// everything queued, writes it as one LevelDB batch with one sync, and posts
// one completion for the batch back to the core thread.
//
// Threads: Append/DropThrough are called from the core thread; the
// callbacks run wherever `post` sends them (the core thread's io_context).
// Fail-stop: after the first write error nothing more is written, no more
// completions are posted, and `failed` is called once with the reason.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "base/thread_annotations.h"
#include "zab/storage/txn_log.h"

namespace cairn::storage {

class GroupCommitter {
 public:
  using Post = std::function<void(std::function<void()>)>;
  struct Callbacks {
    std::function<void(int64_t last_zxid)> durable;  // every appended zxid <= last_zxid is durable
    std::function<void(const Error&)> failed;
  };

  // Starts the storage thread. log is owned by it from now on.
  GroupCommitter(std::unique_ptr<TxnLog> log, Post post, Callbacks callbacks);
  // Finishes everything queued, then joins the thread.
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // REQUIRES: zxid above every zxid appended before.
  void Append(int64_t zxid, std::string txn);
  // Drops log records at or below zxid (behind a snapshot), after any
  // appends queued before it.
  void DropThrough(int64_t zxid);

  // Counters, readable from any thread.
  int64_t batches() const { return batches_.load(std::memory_order_relaxed); }
  int64_t records() const { return records_.load(std::memory_order_relaxed); }
  int64_t last_durable_zxid() const { return last_durable_.load(std::memory_order_relaxed); }
  int64_t first_zxid() const { return first_zxid_.load(std::memory_order_relaxed); }

  // The most txn bytes one batch carries; more queued goes in the next.
  static constexpr size_t kBatchBytesMax = 8 << 20;

 private:
  void Run();
  void Fail(const Error& error);

  Post post_;
  Callbacks callbacks_;
  std::unique_ptr<TxnLog> log_;  // storage thread only (after construction)

  // mu_ is held by the core thread to queue work and by the storage thread
  // to take it; never across IO.
  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<LogRecord> queue_ CAIRN_GUARDED_BY(mu_);
  int64_t drop_through_ CAIRN_GUARDED_BY(mu_) = 0;
  bool stopping_ CAIRN_GUARDED_BY(mu_) = false;

  bool failed_ = false;  // storage thread only
  std::atomic<int64_t> batches_{0};
  std::atomic<int64_t> records_{0};
  std::atomic<int64_t> last_durable_{0};
  std::atomic<int64_t> first_zxid_{0};
  std::thread thread_;  // last: starts after every member above exists
};

}  // namespace cairn::storage
