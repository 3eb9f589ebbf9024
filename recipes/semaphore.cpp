#include "recipes/semaphore.h"

#include <algorithm>

#include "recipes/detail/steps.h"
#include "recipes/node_names.h"

namespace cairn::recipes {

using client::ErrorCode;

Lease::Lease(Lease&& other) noexcept
    : zk_(std::exchange(other.zk_, nullptr)), node_(std::move(other.node_)) {}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    zk_ = std::exchange(other.zk_, nullptr);
    node_ = std::move(other.node_);
  }
  return *this;
}

void Lease::Release() {
  if (zk_ == nullptr) return;
  detail::DeleteGuaranteed(*zk_, node_);
  zk_ = nullptr;
}

Semaphore::Semaphore(client::BlockingClient& zk, std::string path, int max_leases,
                     std::string node_data)
    : zk_(zk),
      leases_dir_(JoinPath(path, "leases")),
      max_leases_(max_leases),
      node_data_(node_data),
      lock_(zk, JoinPath(path, "locks"), node_data) {}

client::Outcome<Lease> Semaphore::Acquire() { return AcquireUntil(detail::kForever); }

client::Outcome<Lease> Semaphore::TryAcquire(std::chrono::milliseconds timeout) {
  return AcquireUntil(detail::DeadlineAfter(std::max(timeout, std::chrono::milliseconds(0))));
}

client::Outcome<Lease> Semaphore::AcquireUntil(detail::Deadline deadline) {
  if (max_leases_ < 1) return {ErrorCode::kBadArguments, {}};
  // Only one acquirer at a time counts the leases, in arrival order. The
  // mutex is per thread, so a thread taking two leases takes it twice.
  auto locked = lock_.LockUntil(deadline);
  if (!locked.ok()) return {locked.code, {}};
  struct Unlock {
    Mutex& lock;
    ~Unlock() { lock.Unlock(); }
  } unlock{lock_};

  detail::Waiter waiter(zk_);
  for (;;) {  // one lease node per pass
    auto created = detail::CreateProtected(zk_, leases_dir_, "lease-", node_data_,
                                           client::CreateMode::kEphemeralSequential, deadline);
    if (!created.ok()) return {created.code, {}};
    Lease lease(&zk_, created.value.path);
    std::string ours(BaseName(created.value.path));
    for (;;) {
      uint64_t seen = waiter.wakeups();
      auto children = zk_.GetChildren(leases_dir_, waiter.watcher());
      if (!children.ok() && children.code != ErrorCode::kNoNode &&
          detail::RetryAfter(zk_, children.code, deadline)) {
        continue;
      }
      if (!children.ok() && children.code != ErrorCode::kNoNode) {
        return {detail::GiveUpCode(zk_, children.code, deadline), {}};
      }
      const auto& names = children.value.names;
      if (std::find(names.begin(), names.end(), ours) == names.end()) break;  // gone: again
      if (static_cast<int>(names.size()) <= max_leases_) return {ErrorCode::kOk, std::move(lease)};
      if (!waiter.WaitPast(seen, deadline)) return {ErrorCode::kOperationTimeout, {}};
      if (client::IsFinal(zk_.state())) {
        return {detail::GiveUpCode(zk_, ErrorCode::kOk, deadline), {}};
      }
    }
  }
}

client::Outcome<std::vector<std::string>> Semaphore::Leases() {
  auto children = zk_.GetChildren(leases_dir_);
  if (children.code == ErrorCode::kNoNode) return {ErrorCode::kOk, {}};
  if (!children.ok()) return {children.code, {}};
  std::vector<std::string> paths;
  for (auto& name : SortChildren(std::move(children.value.names), {"lease-"})) {
    paths.push_back(JoinPath(leases_dir_, name));
  }
  return {ErrorCode::kOk, std::move(paths)};
}

}  // namespace cairn::recipes
