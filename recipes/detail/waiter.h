// recipes/detail/waiter.h: how a recipe's thread sleeps until something it
// watches may have changed. A Waiter counts wake-ups: watch events and
// session state changes (from a listener it registers on the client), so a
// recipe reads the count, looks at the tree, sets its watch, then waits for
// the count to move: an event between the look and the wait is not lost.
//
// Thread-safety: watchers and the listener run on the client's strand;
// everything else may be called from any thread. The shared state outlives
// the Waiter for as long as the client still holds one of its watchers.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "client-lib/blocking_client.h"

namespace cairn::recipes::detail {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;
inline constexpr Deadline kForever = Deadline::max();
Deadline DeadlineAfter(std::chrono::milliseconds timeout);

class Waiter {
 public:
  // `watch_counter`, if given, also counts this waiter's watch events.
  explicit Waiter(client::BlockingClient& zk,
                  std::shared_ptr<std::atomic<uint64_t>> watch_counter = nullptr);
  ~Waiter();  // removes its session listener
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;

  // A one-shot watcher that wakes this waiter (and counts the watch event).
  client::Watcher watcher();
  void Wake();
  uint64_t wakeups() const;
  uint64_t watch_events() const;
  // True once for each run of session states since the last call that
  // included a suspension (or the session's end): a recipe that must react
  // to having been disconnected, even briefly, asks this.
  bool TakeSuspension();
  // Waits until wakeups() moves past `seen`; false at the deadline.
  bool WaitPast(uint64_t seen, Deadline deadline) const;

 private:
  struct State;
  client::BlockingClient& zk_;
  std::shared_ptr<State> state_;
  uint64_t listener_id_ = 0;
};

}  // namespace cairn::recipes::detail
