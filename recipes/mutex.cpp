#include "recipes/mutex.h"

namespace cairn::recipes {

using client::ErrorCode;

Mutex::Mutex(client::BlockingClient& zk, std::string path, std::string node_data)
    : Mutex(zk, std::move(path), ExclusiveRule("lock-", {"lock-"}), std::move(node_data)) {}

Mutex::Mutex(client::BlockingClient& zk, std::string path, LockRule rule, std::string node_data)
    : internals_(zk, std::move(path), std::move(rule), std::move(node_data)) {}

Mutex::~Mutex() {
  std::lock_guard lock(mu_);
  for (const auto& [thread, held] : held_) internals_.Release(held.hold);
}

client::Outcome<LockHold> Mutex::Lock() { return LockUntil(detail::kForever); }

client::Outcome<LockHold> Mutex::TryLock(std::chrono::milliseconds timeout) {
  return LockUntil(detail::DeadlineAfter(std::max(timeout, std::chrono::milliseconds(0))));
}

client::Outcome<LockHold> Mutex::LockUntil(detail::Deadline deadline) {
  const auto me = std::this_thread::get_id();
  {
    std::lock_guard lock(mu_);
    auto it = held_.find(me);
    if (it != held_.end()) {
      ++it->second.count;
      return {ErrorCode::kOk, it->second.hold};
    }
  }
  // Not under mu_: other threads contend (and unlock) meanwhile.
  auto out = internals_.Acquire(deadline);
  if (out.ok()) {
    std::lock_guard lock(mu_);
    held_[me] = Held{out.value, 1};
  }
  return out;
}

ErrorCode Mutex::Unlock() {
  LockHold released;
  {
    std::lock_guard lock(mu_);
    auto it = held_.find(std::this_thread::get_id());
    if (it == held_.end()) return ErrorCode::kApiError;
    if (--it->second.count > 0) return ErrorCode::kOk;
    released = std::move(it->second.hold);
    held_.erase(it);
  }
  internals_.Release(released);
  return ErrorCode::kOk;
}

bool Mutex::IsHeldByCurrentThread() const {
  std::lock_guard lock(mu_);
  return held_.count(std::this_thread::get_id()) > 0;
}

}  // namespace cairn::recipes
