// recipes/lock_internals.h: one attempt at a predecessor-watching lock, the
// part Curator calls LockInternals: create our ephemeral-sequential node,
// list the lock's children in Curator's order, and either hold the lock or
// watch the one node we wait for (with getData, which leaves no watch behind
// on a node already gone) until it changes. Every contender watches a
// different node, so a release wakes only the successor (no herd).
//
// Not reentrant and not thread-safe by itself; Mutex and ReadWriteLock add
// that. A rule says which node blocks us; the node's czxid is the holder's
// fencing token.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client-lib/blocking_client.h"
#include "recipes/detail/waiter.h"

namespace cairn::recipes {

// What a lock hands its holder.
struct LockHold {
  std::string node;           // full path of the holder's znode
  int64_t fencing_token = 0;  // its czxid: strictly increasing across holders
};

struct LockRule {
  std::string lock_name;                // appended to the protected prefix
  std::vector<std::string> sort_names;  // for SortChildren
  // Given all children in order and our index: nothing if we hold the lock,
  // else the child to wait for.
  std::function<std::optional<std::string>(const std::vector<std::string>& sorted, size_t ours)>
      blocker;
};
// Index 0 holds; everyone else waits for its immediate predecessor.
LockRule ExclusiveRule(std::string lock_name, std::vector<std::string> sort_names);

class LockInternals {
 public:
  LockInternals(client::BlockingClient& zk, std::string dir, LockRule rule, std::string node_data);

  // Holds the lock by the deadline, or fails: kOperationTimeout (our node is
  // deleted again), kSessionExpired, kConnectionLoss (client closed), or
  // another ZooKeeper error. If our node vanishes while we wait (the lock
  // was revoked by deleting it), a new one is created.
  client::Outcome<LockHold> Acquire(detail::Deadline deadline);
  // Deletes the holder's node, retrying in the background after connection loss.
  void Release(const LockHold& hold);
  // The lock's children, full paths, in lock order.
  client::Outcome<std::vector<std::string>> Participants();

  const std::string& dir() const { return dir_; }
  // Watch events that woke this lock's waiters, for tests of the no-herd rule.
  uint64_t watch_events() const { return *watch_events_; }

 private:
  // Waits until our node is first by the rule: kOk, kNoNode (our node is
  // gone), or the give-up code.
  client::ErrorCode WaitForTurn(const std::string& ours, detail::Deadline deadline,
                                detail::Waiter& waiter);

  client::BlockingClient& zk_;
  const std::string dir_;
  const LockRule rule_;
  const std::string node_data_;
  const std::shared_ptr<std::atomic<uint64_t>> watch_events_ =
      std::make_shared<std::atomic<uint64_t>>(0);
};

}  // namespace cairn::recipes
