#include "recipes/queue.h"

#include <algorithm>

#include "recipes/detail/steps.h"
#include "recipes/node_names.h"

namespace cairn::recipes {

using client::ErrorCode;

namespace {
constexpr std::string_view kItemPrefix = "queue-";
}

Queue::Queue(client::BlockingClient& zk, std::string path) : zk_(zk), path_(std::move(path)) {}

client::Outcome<std::string> Queue::Put(std::string data) {
  client::CreateOptions sequential;
  sequential.mode = client::CreateMode::kPersistentSequential;
  const std::string item = JoinPath(path_, kItemPrefix);
  for (int attempt = 0;; ++attempt) {
    auto made = zk_.Create(item, data, sequential);
    if (made.ok()) return {ErrorCode::kOk, made.value.path};
    if (made.code != ErrorCode::kNoNode || attempt > 3) return {made.code, {}};
    ErrorCode parents = detail::EnsureContainers(zk_, path_, detail::kForever);
    if (parents != ErrorCode::kOk) return {parents, {}};
  }
}

client::Outcome<std::vector<std::string>> Queue::Items(client::Watcher watcher) {
  auto children = zk_.GetChildren(path_, watcher);
  if (children.code == ErrorCode::kNoNode) {
    // No directory yet (or its container was reaped): a child watch cannot
    // be set on it, so watch for its creation instead.
    if (watcher) {
      auto exists = zk_.Exists(path_, watcher);
      if (exists.ok()) return Items(watcher);  // created meanwhile: list it
      if (exists.code != ErrorCode::kNoNode) return {exists.code, {}};
    }
    return {ErrorCode::kOk, {}};
  }
  if (!children.ok()) return {children.code, {}};
  auto& names = children.value.names;
  names.erase(std::remove_if(names.begin(), names.end(),
                             [](const std::string& n) { return !n.starts_with(kItemPrefix); }),
              names.end());
  std::sort(names.begin(), names.end());  // same prefix, 10-digit suffix
  return {ErrorCode::kOk, std::move(names)};
}

client::Outcome<std::string> Queue::Take(std::chrono::milliseconds timeout) {
  detail::Deadline deadline = detail::DeadlineAfter(timeout);
  detail::Waiter waiter(zk_);
  for (;;) {
    uint64_t seen = waiter.wakeups();
    auto items = Items(waiter.watcher());
    if (!items.ok()) {
      if (detail::RetryAfter(zk_, items.code, deadline)) continue;
      return {detail::GiveUpCode(zk_, items.code, deadline), {}};
    }
    bool relist = false;
    for (const auto& name : items.value) {
      std::string node = JoinPath(path_, name);
      auto item = zk_.GetData(node);
      if (item.code == ErrorCode::kNoNode) continue;  // another consumer took it
      if (!item.ok()) {
        // Nothing is taken yet, so a lost connection is simply retried.
        if (detail::RetryAfter(zk_, item.code, deadline)) {
          relist = true;
          break;
        }
        return {detail::GiveUpCode(zk_, item.code, deadline), {}};
      }
      auto taken = zk_.Delete(node, item.value.stat.version);
      if (taken.ok()) return {ErrorCode::kOk, std::move(item.value.data)};
      if (taken.code == ErrorCode::kNoNode || taken.code == ErrorCode::kBadVersion) continue;
      return {taken.code, {}};
    }
    if (relist) continue;
    if (items.value.empty() && !waiter.WaitPast(seen, deadline)) {
      return {ErrorCode::kOperationTimeout, {}};
    }
    if (client::IsFinal(zk_.state()))
      return {detail::GiveUpCode(zk_, ErrorCode::kOk, deadline), {}};
  }
}

client::Outcome<std::string> Queue::Peek() {
  for (;;) {
    auto items = Items(nullptr);
    if (!items.ok()) return {items.code, {}};
    if (items.value.empty()) return {ErrorCode::kNoNode, {}};
    auto item = zk_.GetData(JoinPath(path_, items.value.front()));
    if (item.code == ErrorCode::kNoNode) continue;
    return {item.code, std::move(item.value.data)};
  }
}

client::Outcome<size_t> Queue::Size() {
  auto items = Items(nullptr);
  return {items.code, items.value.size()};
}

}  // namespace cairn::recipes
