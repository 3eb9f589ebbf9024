// recipes/leader_latch.h: leader election by predecessor watching,
// compatible with Curator's LeaderLatch on the same path: Cairn and Curator
// candidates elect one leader among them.
//
// Layout: one ephemeral-sequential child per candidate,
// "_c_<uuid>-latch-NNNNNNNNNN", holding the candidate's id (UTF-8) as data.
// The first in order leads; each other candidate watches only its
// predecessor, so when a leader goes only its successor wakes.
//
// Callbacks: on_leader(term) when this candidate becomes leader, and
// on_not_leader() when it stops being one; they alternate, starting with
// on_leader, and the last on_leader is always followed by an on_not_leader
// (at the latest from Close). They run on the latch's own thread, one at a
// time and with no lock held, so they may call the blocking client. The
// term is the leader's fencing token: its znode's czxid, which strictly
// increases from one leader to the next. A resource that refuses lower terms
// than it has seen (FenceCheck, mutex.h) is safe from a deposed leader that
// has not yet noticed.
//
// Connection loss and expiry, as Curator's default policy: when the
// connection is lost (kSuspended) leadership is given up at once
// (on_not_leader), because the session may expire at any moment and another
// candidate then lead; the znode stays. On kReconnected the candidate looks
// again and, if its znode is still first, leads again (a new on_leader, the
// same term). On kExpired the znode is gone and the candidate is out for
// good: this client's session is over, so start a new client and latch.
//
// Thread-safety: every method may be called from any thread. Close() and
// the destructor must not be called from a callback.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client-lib/blocking_client.h"
#include "recipes/detail/waiter.h"

namespace cairn::recipes {

struct Participant {
  std::string id;    // the candidate's node data
  std::string node;  // full path of its znode
  bool is_leader = false;
};

struct LeaderLatchOptions {
  std::string id;  // shown to others by Leader() and Participants()
  std::function<void(int64_t term)> on_leader;
  std::function<void()> on_not_leader;
};

class LeaderLatch {
 public:
  LeaderLatch(client::BlockingClient& zk, std::string path, LeaderLatchOptions options = {});
  ~LeaderLatch();  // Close()
  LeaderLatch(const LeaderLatch&) = delete;
  LeaderLatch& operator=(const LeaderLatch&) = delete;

  // Joins the election; returns at once.
  void Start();
  // Gives up leadership (or its place in line) and joins again at the back.
  // Returns once its old znode is deleted (at once if called from a callback).
  void Resign();
  // Leaves the election: deletes its znode, calls on_not_leader if it led,
  // and stops its thread. Bounded by the client's read timeout when
  // disconnected.
  void Close();

  bool HasLeadership() const;
  // The current term's fencing token while leader, else 0.
  int64_t term() const;
  // Waits until this candidate leads; false if it did not within `timeout`.
  bool AwaitLeadership(std::chrono::milliseconds timeout) const;
  // The znode of this candidate (empty before it is created).
  std::string node() const;

  // Who leads now: the first candidate whose znode still exists. kNoNode if
  // there is none.
  client::Outcome<Participant> Leader();
  // All candidates in order; the first existing one is marked leader.
  client::Outcome<std::vector<Participant>> Participants();

 private:
  void Run();
  // Updates leadership and calls the callback if it changed (latch thread).
  void SetLeader(bool leader, int64_t term);

  client::BlockingClient& zk_;
  const std::string dir_;
  const LeaderLatchOptions options_;
  detail::Waiter waiter_;
  std::thread thread_;

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  bool stopping_ = false;       // guarded by mu_
  uint64_t resigns_asked_ = 0;  // guarded by mu_
  uint64_t resigns_done_ = 0;   // guarded by mu_
  bool leader_ = false;         // guarded by mu_
  int64_t term_ = 0;            // guarded by mu_
  std::string node_;            // guarded by mu_
};

}  // namespace cairn::recipes
