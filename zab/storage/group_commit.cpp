#include "zab/storage/group_commit.h"

#include <algorithm>
#include <utility>

namespace cairn::storage {

GroupCommitter::GroupCommitter(std::unique_ptr<TxnLog> log, Post post, Callbacks callbacks)
    : post_(std::move(post)), callbacks_(std::move(callbacks)), log_(std::move(log)) {
  last_durable_ = log_->last_zxid();
  first_zxid_ = log_->first_zxid();
  thread_ = std::thread([this] { Run(); });
}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void GroupCommitter::Append(int64_t zxid, std::string txn) {
  bool was_empty;
  {
    std::lock_guard lock(mu_);
    was_empty = queue_.empty();
    queue_.push_back(LogRecord{zxid, std::move(txn)});
  }
  if (was_empty) wake_.notify_one();
}

void GroupCommitter::DropThrough(int64_t zxid) {
  {
    std::lock_guard lock(mu_);
    if (zxid > drop_through_) drop_through_ = zxid;
  }
  wake_.notify_one();
}

void GroupCommitter::Fail(const Error& error) {
  failed_ = true;
  post_([cb = callbacks_.failed, error] { cb(error); });
}

void GroupCommitter::Run() {
  std::vector<LogRecord> batch;
  std::vector<LogRecord> taken;
  size_t next = 0;  // first record of `taken` not yet written
  int64_t drop = 0;  // applied once every record taken with it is written
  for (;;) {  // the storage thread's loop: runs until the destructor stops it
    if (next == taken.size()) {
      taken.clear();
      next = 0;
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty() || drop_through_ != 0; });
      if (queue_.empty() && drop_through_ == 0) return;  // stopping, and nothing left
      taken.swap(queue_);
      drop = std::max(drop, std::exchange(drop_through_, 0));
    }
    if (failed_) {  // fail-stop: drain without writing or acknowledging
      next = taken.size();
      continue;
    }
    batch.clear();
    size_t bytes = 0;
    while (next < taken.size() && (batch.empty() || bytes + taken[next].txn.size() <= kBatchBytesMax)) {
      bytes += taken[next].txn.size();
      batch.push_back(std::move(taken[next++]));
    }
    if (!batch.empty()) {
      auto appended = log_->Append(batch);
      if (!appended) {
        Fail(appended.error());
        continue;
      }
      int64_t last = batch.back().zxid;
      batches_.fetch_add(1, std::memory_order_relaxed);
      records_.fetch_add(static_cast<int64_t>(batch.size()), std::memory_order_relaxed);
      last_durable_.store(last, std::memory_order_relaxed);
      first_zxid_.store(log_->first_zxid(), std::memory_order_relaxed);
      post_([cb = callbacks_.durable, last] { cb(last); });
    }
    if (drop != 0 && next == taken.size()) {
      auto dropped = log_->DropThrough(std::exchange(drop, 0));
      if (!dropped) {
        Fail(dropped.error());
        continue;
      }
      first_zxid_.store(log_->first_zxid(), std::memory_order_relaxed);
    }
  }
}

}  // namespace cairn::storage
