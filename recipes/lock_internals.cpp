#include "recipes/lock_internals.h"

#include <algorithm>

#include "recipes/detail/steps.h"
#include "recipes/node_names.h"

namespace cairn::recipes {

using client::ErrorCode;
using detail::Deadline;

LockRule ExclusiveRule(std::string lock_name, std::vector<std::string> sort_names) {
  LockRule rule;
  rule.lock_name = std::move(lock_name);
  rule.sort_names = std::move(sort_names);
  rule.blocker = [](const std::vector<std::string>& sorted,
                    size_t ours) -> std::optional<std::string> {
    if (ours == 0) return std::nullopt;
    return sorted[ours - 1];
  };
  return rule;
}

LockInternals::LockInternals(client::BlockingClient& zk, std::string dir, LockRule rule,
                             std::string node_data)
    : zk_(zk), dir_(std::move(dir)), rule_(std::move(rule)), node_data_(std::move(node_data)) {}

client::Outcome<LockHold> LockInternals::Acquire(Deadline deadline) {
  detail::Waiter waiter(zk_, watch_events_);
  for (;;) {
    auto created = detail::CreateProtected(zk_, dir_, rule_.lock_name, node_data_,
                                           client::CreateMode::kEphemeralSequential, deadline);
    if (!created.ok()) return {created.code, {}};
    LockHold hold{created.value.path, created.value.stat.czxid};
    ErrorCode turn = WaitForTurn(std::string(BaseName(hold.node)), deadline, waiter);
    if (turn == ErrorCode::kOk) return {ErrorCode::kOk, hold};
    if (turn == ErrorCode::kNoNode) continue;
    if (!client::IsFinal(zk_.state())) detail::DeleteGuaranteed(zk_, hold.node);
    return {turn, {}};
  }
}

ErrorCode LockInternals::WaitForTurn(const std::string& ours, Deadline deadline,
                                     detail::Waiter& waiter) {
  for (;;) {
    uint64_t seen = waiter.wakeups();
    auto children = zk_.GetChildren(dir_);
    if (!children.ok()) {
      if (children.code == ErrorCode::kNoNode) return ErrorCode::kNoNode;
      if (detail::RetryAfter(zk_, children.code, deadline)) continue;
      return detail::GiveUpCode(zk_, children.code, deadline);
    }
    auto sorted = SortChildren(std::move(children.value.names), rule_.sort_names);
    auto at = std::find(sorted.begin(), sorted.end(), ours);
    if (at == sorted.end()) return ErrorCode::kNoNode;
    auto blocker = rule_.blocker(sorted, static_cast<size_t>(at - sorted.begin()));
    if (!blocker) return ErrorCode::kOk;
    auto watched = zk_.GetData(JoinPath(dir_, *blocker), waiter.watcher());
    if (watched.code == ErrorCode::kNoNode) continue;  // released meanwhile
    if (!watched.ok()) {
      if (detail::RetryAfter(zk_, watched.code, deadline)) continue;
      return detail::GiveUpCode(zk_, watched.code, deadline);
    }
    if (!waiter.WaitPast(seen, deadline)) return ErrorCode::kOperationTimeout;
    if (client::IsFinal(zk_.state())) return detail::GiveUpCode(zk_, ErrorCode::kOk, deadline);
  }
}

void LockInternals::Release(const LockHold& hold) { detail::DeleteGuaranteed(zk_, hold.node); }

client::Outcome<std::vector<std::string>> LockInternals::Participants() {
  auto children = zk_.GetChildren(dir_);
  if (children.code == ErrorCode::kNoNode) return {ErrorCode::kOk, {}};  // no lock yet (or reaped)
  if (!children.ok()) return {children.code, {}};
  std::vector<std::string> paths;
  for (auto& name : SortChildren(std::move(children.value.names), rule_.sort_names)) {
    paths.push_back(JoinPath(dir_, name));
  }
  return {ErrorCode::kOk, std::move(paths)};
}

}  // namespace cairn::recipes
