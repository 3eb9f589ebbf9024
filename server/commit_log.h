// server/commit_log.h: where a txn goes between prep and apply. Core thread.
//
// The pipeline appends each txn's bytes in zxid order and is told, in the
// same order, when txns are durable. The server's implementation is
// DurableCommitLog (server/durable_commit_log.h): zab/storage's group commit.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace cairn::server {

class CommitLog {
 public:
  // on_durable(last_zxid) is called on the core thread with the highest
  // zxid that is now durable; every lower appended zxid is durable too.
  using DurableFn = std::function<void(int64_t last_zxid)>;
  virtual ~CommitLog() = default;
  virtual void Append(int64_t zxid, std::string txn_bytes) = 0;
  virtual int64_t bytes_appended() const = 0;
};

}  // namespace cairn::server
