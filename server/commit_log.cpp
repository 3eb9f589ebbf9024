#include "server/commit_log.h"

#include <boost/asio/post.hpp>

namespace cairn::server {

void InMemoryCommitLog::Append(int64_t zxid, std::string txn_bytes) {
  last_appended_ = zxid;
  bytes_ += static_cast<int64_t>(txn_bytes.size());
  if (flush_posted_) return;
  flush_posted_ = true;
  boost::asio::post(io_, [this] {
    flush_posted_ = false;
    on_durable_(last_appended_);
  });
}

}  // namespace cairn::server
