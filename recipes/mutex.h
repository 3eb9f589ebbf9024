// recipes/mutex.h: a distributed mutex, compatible with Curator's
// InterProcessMutex: contenders on the same path, whether Cairn's recipe or
// Curator's, exclude each other and are served in arrival order.
//
// Layout: the lock path holds one ephemeral-sequential child per contender,
// "_c_<uuid>-lock-NNNNNNNNNN" (created with container parents); the first in
// order holds the lock and each other contender watches only its
// predecessor. See docs/curator-layout.md.
//
// Reentrant per thread, as InterProcessMutex is: a thread that holds it may
// Lock() again (no new znode) and must Unlock() as many times. Other threads
// of the process contend like other processes, with their own znodes.
//
// Fencing. Lock() returns the holder's fencing token, its znode's czxid,
// which strictly increases from one holder to the next. A lock cannot stop
// a holder that has been paused (GC, swap, a partition) past its session's
// expiry from acting as if it still held the lock; the resource it guards
// can, by refusing a token lower than one it has already seen (FenceCheck).
//
// Connection loss and expiry. While the client is disconnected (kSuspended)
// the lock may or may not still be held: the session lives until the server
// expires it. A holder that must never overlap another stops touching the
// resource on kSuspended and relies on its token. On kExpired the node is
// gone and the lock is lost; this client cannot take it again (its session
// is over). A waiting Lock() rides out connection loss and fails with
// kSessionExpired when the session ends. A create whose answer was lost is
// found again by its uuid, never doubled and never leaked.
//
// Thread-safety: any thread may call any method. Never from a client
// callback (it would block the client's own thread).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "recipes/lock_internals.h"

namespace cairn::recipes {

class Mutex {
 public:
  // `node_data` is stored in the contender's znode (Curator stores the
  // local IP address text there; anything short is fine).
  Mutex(client::BlockingClient& zk, std::string path, std::string node_data = "");
  // A lock with another ordering rule, in the same way (ReadWriteLock's halves).
  Mutex(client::BlockingClient& zk, std::string path, LockRule rule, std::string node_data);
  ~Mutex();  // releases what is still held

  // Blocks until this thread holds the lock, or the session ends.
  client::Outcome<LockHold> Lock();
  // kOperationTimeout if not held within `timeout` (its znode is removed).
  client::Outcome<LockHold> TryLock(std::chrono::milliseconds timeout);
  // The same with a steady_clock deadline (time_point::max() waits forever).
  client::Outcome<LockHold> LockUntil(std::chrono::steady_clock::time_point deadline);
  // kOk, or kApiError if this thread does not hold the lock. The znode is
  // deleted at the last Unlock (in the background after connection loss).
  client::ErrorCode Unlock();

  bool IsHeldByCurrentThread() const;
  // The lock's znodes (full paths) in the order they will hold it.
  client::Outcome<std::vector<std::string>> Participants() { return internals_.Participants(); }
  const std::string& path() const { return internals_.dir(); }
  uint64_t watch_events() const { return internals_.watch_events(); }

 private:
  struct Held {
    LockHold hold;
    int count = 0;
  };
  LockInternals internals_;
  mutable std::mutex mu_;
  std::map<std::thread::id, Held> held_;  // guarded by mu_
};

// The resource side of fencing, as Chubby's sequencers are checked: it
// remembers the highest token it has accepted and refuses lower ones. Keep
// one beside the resource (not in the lock's process) and check each
// request's token before acting on it. Thread-safe.
class FenceCheck {
 public:
  // True (and the token remembered) unless a higher token was accepted.
  bool Accept(int64_t token) {
    std::lock_guard lock(mu_);
    if (token < highest_) return false;
    highest_ = token;
    return true;
  }
  int64_t highest() const {
    std::lock_guard lock(mu_);
    return highest_;
  }

 private:
  mutable std::mutex mu_;
  int64_t highest_ = 0;
};

}  // namespace cairn::recipes
