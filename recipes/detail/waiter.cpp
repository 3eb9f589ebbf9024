#include "recipes/detail/waiter.h"

#include <condition_variable>
#include <mutex>
#include <utility>

namespace cairn::recipes::detail {

Deadline DeadlineAfter(std::chrono::milliseconds timeout) {
  if (timeout.count() < 0) return kForever;
  auto now = Clock::now();
  // Saturates: a timeout too long for the clock means no deadline.
  if (timeout > std::chrono::duration_cast<std::chrono::milliseconds>(kForever - now)) {
    return kForever;
  }
  return now + timeout;
}

struct Waiter::State {
  mutable std::mutex mu;
  std::condition_variable changed;
  uint64_t wakeups = 0;                                  // guarded by mu
  uint64_t watch_events = 0;                             // guarded by mu
  bool suspended = false;                                // guarded by mu
  std::shared_ptr<std::atomic<uint64_t>> watch_counter;  // set before sharing

  void Wake(bool watch_event) {
    {
      std::lock_guard lock(mu);
      ++wakeups;
      if (watch_event) ++watch_events;
    }
    if (watch_event && watch_counter) ++*watch_counter;
    changed.notify_all();
  }
};

Waiter::Waiter(client::BlockingClient& zk, std::shared_ptr<std::atomic<uint64_t>> watch_counter)
    : zk_(zk), state_(std::make_shared<State>()) {
  state_->watch_counter = std::move(watch_counter);
  listener_id_ = zk_.async().AddSessionListener([state = state_](client::SessionState s) {
    if (s == client::SessionState::kSuspended || client::IsFinal(s)) {
      std::lock_guard lock(state->mu);
      state->suspended = true;
    }
    state->Wake(false);
  });
}

Waiter::~Waiter() { zk_.async().RemoveSessionListener(listener_id_); }

client::Watcher Waiter::watcher() {
  return [state = state_](const client::WatchEvent& event) {
    state->Wake(event.type != client::EventType::kNone);
  };
}

void Waiter::Wake() { state_->Wake(false); }

bool Waiter::TakeSuspension() {
  std::lock_guard lock(state_->mu);
  return std::exchange(state_->suspended, false);
}

uint64_t Waiter::wakeups() const {
  std::lock_guard lock(state_->mu);
  return state_->wakeups;
}

uint64_t Waiter::watch_events() const {
  std::lock_guard lock(state_->mu);
  return state_->watch_events;
}

bool Waiter::WaitPast(uint64_t seen, Deadline deadline) const {
  std::unique_lock lock(state_->mu);
  auto moved = [&] { return state_->wakeups > seen; };
  if (deadline == kForever) {
    state_->changed.wait(lock, moved);
    return true;
  }
  return state_->changed.wait_until(lock, deadline, moved);
}

}  // namespace cairn::recipes::detail
