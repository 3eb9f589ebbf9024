#include "zab/storage/snapshot_writer_thread.h"

#include "base/assert.h"
#include "zab/storage/snapshot_file.h"

namespace cairn::storage {

SnapshotWriterThread::SnapshotWriterThread(StorageEnv* env, std::string dir, int64_t zxid, Post post,
                                           DoneFn done, int64_t max_bytes_per_second)
    : env_(env),
      dir_(std::move(dir)),
      zxid_(zxid),
      post_(std::move(post)),
      done_(std::move(done)),
      max_bytes_per_second_(max_bytes_per_second),
      started_(std::chrono::steady_clock::now()) {
  thread_ = std::thread([this] { Run(); });
}

SnapshotWriterThread::~SnapshotWriterThread() {
  {
    std::lock_guard lock(mu_);
    abandon_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

bool SnapshotWriterThread::HasRoom() const {
  std::lock_guard lock(mu_);
  return queue_.size() < kQueuedChunksMax;
}

void SnapshotWriterThread::Push(std::string chunk) {
  CAIRN_ASSERT(!chunk.empty());
  {
    std::lock_guard lock(mu_);
    CAIRN_ASSERT(!finishing_);
    queue_.push_back(std::move(chunk));
  }
  wake_.notify_one();
}

void SnapshotWriterThread::Finish() {
  {
    std::lock_guard lock(mu_);
    finishing_ = true;
  }
  wake_.notify_one();
}

bool SnapshotWriterThread::Pace(int64_t written) {
  if (max_bytes_per_second_ <= 0 || written <= kBurstBytes) return true;
  auto due = started_ + std::chrono::microseconds((written - kBurstBytes) * 1000000 / max_bytes_per_second_);
  std::unique_lock lock(mu_);
  wake_.wait_until(lock, due, [&] { return abandon_; });
  return !abandon_;
}

void SnapshotWriterThread::Run() {
  auto report = [this](Result<int64_t> result) {
    post_([done = done_, result = std::move(result)] { done(result); });
  };
  auto writer = SnapshotWriter::Create(env_, dir_, zxid_);
  bool failed = !writer;
  if (failed) report(writer.error());
  for (;;) {  // until the last chunk is written, or the owner abandons the file
    std::string chunk;
    bool commit = false;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return abandon_ || finishing_ || !queue_.empty(); });
      if (abandon_) return;  // the writer's destructor removes the temp file
      if (!queue_.empty()) {
        chunk = std::move(queue_.front());
        queue_.pop_front();
      } else {
        commit = true;
      }
    }
    if (failed) {
      if (commit) return;
      continue;  // drain: the owner keeps pushing until it learns of the failure
    }
    if (commit) {
      auto committed = writer.value()->Commit();
      if (committed) {
        report(writer.value()->bytes_written());
      } else {
        report(committed.error());
      }
      return;
    }
    auto added = writer.value()->Add(chunk);
    if (!added) {
      failed = true;
      report(added.error());
    } else if (!Pace(writer.value()->bytes_written())) {
      return;  // abandoned while waiting
    }
  }
}

}  // namespace cairn::storage
