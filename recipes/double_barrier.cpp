#include "recipes/double_barrier.h"

#include <algorithm>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include "recipes/detail/steps.h"
#include "recipes/node_names.h"

namespace cairn::recipes {

using client::ErrorCode;
using detail::Deadline;

namespace {
constexpr const char* kReady = "ready";

std::string NewMemberName() {
  thread_local boost::uuids::random_generator generate;
  return boost::uuids::to_string(generate());
}

// Members' names (without "ready"), sorted.
std::vector<std::string> Members(std::vector<std::string> names) {
  names.erase(std::remove(names.begin(), names.end(), kReady), names.end());
  std::sort(names.begin(), names.end());
  return names;
}
}  // namespace

DoubleBarrier::DoubleBarrier(client::BlockingClient& zk, std::string path, int members)
    : zk_(zk),
      path_(std::move(path)),
      ready_(JoinPath(path_, kReady)),
      our_name_(NewMemberName()),
      members_(members) {}

ErrorCode DoubleBarrier::Enter(std::chrono::milliseconds timeout) {
  if (members_ < 1) return ErrorCode::kBadArguments;
  Deadline deadline = detail::DeadlineAfter(timeout);
  const std::string ours = JoinPath(path_, our_name_);
  detail::Waiter waiter(zk_);
  auto give_up = [&](ErrorCode code) {
    ErrorCode why = detail::GiveUpCode(zk_, code, deadline);
    if (!client::IsFinal(zk_.state())) detail::DeleteGuaranteed(zk_, ours);
    return why;
  };
  client::CreateOptions ephemeral;
  ephemeral.mode = client::CreateMode::kEphemeral;
  for (;;) {  // our node, with container parents
    auto made = zk_.Create(ours, "", ephemeral);
    if (made.ok() || made.code == ErrorCode::kNodeExists) break;  // NodeExists: ours, after a loss
    if (made.code == ErrorCode::kNoNode) {
      ErrorCode parents = detail::EnsureContainers(zk_, path_, deadline);
      if (parents != ErrorCode::kOk) return give_up(parents);
      continue;
    }
    if (detail::RetryAfter(zk_, made.code, deadline)) continue;
    return give_up(made.code);
  }
  for (;;) {
    uint64_t seen = waiter.wakeups();
    auto ready = zk_.Exists(ready_, waiter.watcher());
    if (ready.ok()) return ErrorCode::kOk;
    if (ready.code != ErrorCode::kNoNode) {
      if (detail::RetryAfter(zk_, ready.code, deadline)) continue;
      return give_up(ready.code);
    }
    auto children = zk_.GetChildren(path_);
    if (!children.ok()) {
      if (detail::RetryAfter(zk_, children.code, deadline)) continue;
      return give_up(children.code);
    }
    if (static_cast<int>(Members(children.value.names).size()) >= members_) {
      auto made = zk_.Create(ready_, "");
      if (made.ok() || made.code == ErrorCode::kNodeExists) return ErrorCode::kOk;
      if (detail::RetryAfter(zk_, made.code, deadline)) continue;
      return give_up(made.code);
    }
    if (!waiter.WaitPast(seen, deadline)) return give_up(ErrorCode::kOperationTimeout);
    if (client::IsFinal(zk_.state())) return give_up(ErrorCode::kOk);
  }
}

ErrorCode DoubleBarrier::Leave(std::chrono::milliseconds timeout) {
  Deadline deadline = detail::DeadlineAfter(timeout);
  detail::Waiter waiter(zk_);
  bool ours_should_exist = true;
  // Giving up, our node goes anyway, so nobody waits for it in turn.
  auto give_up = [&](ErrorCode code) {
    ErrorCode why = detail::GiveUpCode(zk_, code, deadline);
    if (ours_should_exist && !client::IsFinal(zk_.state())) {
      detail::DeleteGuaranteed(zk_, JoinPath(path_, our_name_));
    }
    return why;
  };
  for (;;) {
    uint64_t seen = waiter.wakeups();
    auto children = zk_.GetChildren(path_);
    if (!children.ok() && children.code != ErrorCode::kNoNode) {
      if (detail::RetryAfter(zk_, children.code, deadline)) continue;
      return give_up(children.code);
    }
    auto members = Members(children.value.names);
    bool ours_exists = std::find(members.begin(), members.end(), our_name_) != members.end();
    if (!ours_exists && ours_should_exist && client::IsFinal(zk_.state())) {
      return detail::GiveUpCode(zk_, ErrorCode::kOk, deadline);
    }
    if (members.empty()) break;
    if (members.size() == 1 && ours_exists) {
      auto gone = zk_.Delete(JoinPath(path_, our_name_));
      if (!gone.ok() && gone.code != ErrorCode::kNoNode) {
        if (detail::RetryAfter(zk_, gone.code, deadline)) continue;
        return give_up(gone.code);
      }
      ours_should_exist = false;
      break;
    }
    std::string awaited;
    if (ours_exists && members.front() == our_name_) {
      awaited = members.back();  // the lowest leaves last
    } else {
      if (ours_exists) {
        auto gone = zk_.Delete(JoinPath(path_, our_name_));
        if (!gone.ok() && gone.code != ErrorCode::kNoNode) {
          if (detail::RetryAfter(zk_, gone.code, deadline)) continue;
          return give_up(gone.code);
        }
        ours_should_exist = false;
      }
      awaited = members.front();
    }
    auto watched = zk_.Exists(JoinPath(path_, awaited), waiter.watcher());
    if (watched.code == ErrorCode::kNoNode) continue;
    if (!watched.ok()) {
      if (detail::RetryAfter(zk_, watched.code, deadline)) continue;
      return give_up(watched.code);
    }
    if (!waiter.WaitPast(seen, deadline)) return give_up(ErrorCode::kOperationTimeout);
  }
  auto removed = zk_.Delete(ready_);
  if (!removed.ok() && removed.code != ErrorCode::kNoNode) {
    return detail::GiveUpCode(zk_, removed.code, deadline);
  }
  return ErrorCode::kOk;
}

}  // namespace cairn::recipes
