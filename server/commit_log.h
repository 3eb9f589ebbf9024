// server/commit_log.h: where a txn goes between prep and apply. Core thread.
//
// The pipeline appends each txn's bytes in zxid order and is told, in the
// same order, when txns are durable. This in-memory log makes a txn durable
// on the next turn of the event loop, batching everything appended in one
// turn (the shape of group commit); the LevelDB log of the durability issue
// replaces it behind the same interface.
#pragma once

#include <boost/asio/io_context.hpp>
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

class InMemoryCommitLog : public CommitLog {
 public:
  InMemoryCommitLog(boost::asio::io_context& io, DurableFn on_durable)
      : io_(io), on_durable_(std::move(on_durable)) {}

  void Append(int64_t zxid, std::string txn_bytes) override;
  int64_t bytes_appended() const override { return bytes_; }

 private:
  boost::asio::io_context& io_;
  DurableFn on_durable_;
  int64_t last_appended_ = 0;
  bool flush_posted_ = false;
  int64_t bytes_ = 0;
};

}  // namespace cairn::server
