// server/durable_commit_log.h: the CommitLog of a serving server: txns go to
// zab/storage's group committer, and on_durable runs on the core thread once
// their batch is synced. Core thread (the committer has its own).
#pragma once

#include <memory>

#include "server/commit_log.h"
#include "zab/storage/group_commit.h"

namespace cairn::server {

class DurableCommitLog : public CommitLog {
 public:
  explicit DurableCommitLog(std::unique_ptr<storage::GroupCommitter> committer)
      : committer_(std::move(committer)) {}

  void Append(int64_t zxid, std::string txn_bytes) override {
    bytes_ += static_cast<int64_t>(txn_bytes.size());
    ++records_;
    committer_->Append(zxid, std::move(txn_bytes));
  }
  int64_t bytes_appended() const override { return bytes_; }
  int64_t records_appended() const { return records_; }
  storage::GroupCommitter& committer() { return *committer_; }

 private:
  std::unique_ptr<storage::GroupCommitter> committer_;
  int64_t bytes_ = 0;
  int64_t records_ = 0;
};

}  // namespace cairn::server
