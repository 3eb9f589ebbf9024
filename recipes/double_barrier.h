// recipes/double_barrier.h: a double barrier, laid out as Curator's
// DistributedDoubleBarrier: `members` processes Enter() and all return
// together once the last has arrived; later they Leave() and all return once
// every one has left.
//
// Layout: each member is an ephemeral child <path>/<uuid>; the one whose
// arrival completes the count creates the persistent <path>/ready, which
// every waiting member watches. Leaving, members delete their nodes; the
// lowest (by name) waits for the highest and every other member for the
// lowest, so each departure wakes one waiter. The last one out deletes ready.
//
// Connection loss and expiry: a member's node is ephemeral; if the session
// expires while inside, the node is gone and the others stop counting it
// (Leave() then fails with kSessionExpired for this member).
//
// Thread-safety: one instance per member; use it from one thread.
#pragma once

#include <chrono>
#include <string>

#include "client-lib/blocking_client.h"

namespace cairn::recipes {

class DoubleBarrier {
 public:
  DoubleBarrier(client::BlockingClient& zk, std::string path, int members);

  // kOk once `members` have entered; kOperationTimeout (our node removed
  // again) if not within `timeout` (negative: wait forever).
  client::ErrorCode Enter(std::chrono::milliseconds timeout = std::chrono::milliseconds(-1));
  // kOk once every member has left; kOperationTimeout if not within `timeout`
  // (our node is removed all the same, so no other member waits for it).
  client::ErrorCode Leave(std::chrono::milliseconds timeout = std::chrono::milliseconds(-1));

 private:
  client::BlockingClient& zk_;
  const std::string path_;
  const std::string ready_;
  const std::string our_name_;
  const int members_;
};

}  // namespace cairn::recipes
