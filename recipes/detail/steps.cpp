#include "recipes/detail/steps.h"

#include <algorithm>
#include <thread>

#include "recipes/node_names.h"

namespace cairn::recipes::detail {

using client::BlockingClient;
using client::ErrorCode;
using client::SessionState;

namespace {
// A reconnect is waited for in slices, so a deadline-less wait still
// notices the session ending.
constexpr std::chrono::milliseconds kReconnectSlice{1000};
constexpr int kMaxParentAttempts = 10;  // containers reaped under us each time

bool Connected(SessionState s) {
  return s == SessionState::kConnected || s == SessionState::kReconnected;
}

void DeleteInBackground(client::Client& c, std::string path) {
  c.Delete(path, -1, [&c, path](client::Outcome<client::Empty> out) {
    if (out.code == ErrorCode::kConnectionLoss && !client::IsFinal(c.state())) {
      DeleteInBackground(c, path);
    }
  });
}

void DeleteChildInBackground(client::Client& c, std::string dir, std::string prefix) {
  c.GetChildren(dir, nullptr, [&c, dir, prefix](client::Outcome<client::Children> out) {
    if (out.ok()) {
      for (const auto& name : out.value.names) {
        if (name.starts_with(prefix)) DeleteInBackground(c, JoinPath(dir, name));
      }
    } else if (out.code == ErrorCode::kConnectionLoss && !client::IsFinal(c.state())) {
      DeleteChildInBackground(c, dir, prefix);
    }
  });
}
}  // namespace

bool RetryAfter(BlockingClient& zk, ErrorCode code, Deadline deadline) {
  if (code != ErrorCode::kConnectionLoss) return false;
  for (;;) {
    SessionState s = zk.state();
    if (client::IsFinal(s)) return false;
    auto now = Clock::now();
    if (now >= deadline) return false;
    if (Connected(s)) return true;
    auto slice =
        deadline == kForever
            ? kReconnectSlice
            : std::min<std::chrono::milliseconds>(
                  kReconnectSlice, std::chrono::ceil<std::chrono::milliseconds>(deadline - now));
    if (Connected(zk.WaitConnected(slice))) {
      // The listener's view may lead the snapshot's by a moment; don't spin.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
}

ErrorCode GiveUpCode(BlockingClient& zk, ErrorCode code, Deadline deadline) {
  switch (zk.state()) {
    case SessionState::kExpired:
      return ErrorCode::kSessionExpired;
    case SessionState::kAuthFailed:
      return ErrorCode::kAuthFailed;
    case SessionState::kClosed:
      return ErrorCode::kConnectionLoss;
    default:
      break;
  }
  if (Clock::now() >= deadline) return ErrorCode::kOperationTimeout;
  return code;
}

ErrorCode EnsureContainers(BlockingClient& zk, const std::string& path, Deadline deadline) {
  for (size_t end = path.find('/', 1);; end = path.find('/', end + 1)) {
    std::string prefix = path.substr(0, end);
    for (;;) {
      auto exists = zk.Exists(prefix);
      if (exists.ok()) break;
      if (exists.code == ErrorCode::kNoNode) {
        client::CreateOptions container;
        container.mode = client::CreateMode::kContainer;
        auto made = zk.Create(prefix, "", container);
        if (made.ok() || made.code == ErrorCode::kNodeExists) break;
        if (RetryAfter(zk, made.code, deadline)) continue;
        return GiveUpCode(zk, made.code, deadline);
      }
      if (RetryAfter(zk, exists.code, deadline)) continue;
      return GiveUpCode(zk, exists.code, deadline);
    }
    if (end == std::string::npos) return ErrorCode::kOk;
  }
}

client::Outcome<client::Created> CreateProtected(BlockingClient& zk, const std::string& dir,
                                                 const std::string& name, const std::string& data,
                                                 client::CreateMode mode, Deadline deadline) {
  const std::string prefix = NewProtectedPrefix();
  const std::string path = JoinPath(dir, prefix + name);
  client::CreateOptions options;
  options.mode = mode;
  bool maybe_created = false;  // a create was sent and its answer lost
  int parent_attempts = 0;
  auto give_up = [&](ErrorCode code) {
    if (maybe_created && !client::IsFinal(zk.state())) DeleteProtectedGuaranteed(zk, dir, prefix);
    return client::Outcome<client::Created>{GiveUpCode(zk, code, deadline), {}};
  };
  for (;;) {
    if (maybe_created) {
      auto children = zk.GetChildren(dir);
      if (!children.ok() && children.code != ErrorCode::kNoNode) {
        if (RetryAfter(zk, children.code, deadline)) continue;
        return give_up(children.code);
      }
      auto found = std::find_if(children.value.names.begin(), children.value.names.end(),
                                [&](const std::string& n) { return n.starts_with(prefix); });
      if (found != children.value.names.end()) {
        std::string full = JoinPath(dir, *found);
        auto stat = zk.Exists(full);
        if (stat.ok()) return {ErrorCode::kOk, client::Created{full, stat.value}};
        if (stat.code != ErrorCode::kNoNode) {
          if (RetryAfter(zk, stat.code, deadline)) continue;
          return give_up(stat.code);
        }
      }
      maybe_created = false;  // it did not happen (or is gone): create again
    }
    auto created = zk.Create(path, data, options);
    if (created.ok()) return created;
    if (created.code == ErrorCode::kNoNode && ++parent_attempts <= kMaxParentAttempts) {
      ErrorCode parents = EnsureContainers(zk, dir, deadline);
      if (parents != ErrorCode::kOk) return give_up(parents);
      continue;
    }
    if (created.code == ErrorCode::kConnectionLoss) {
      maybe_created = true;
      if (RetryAfter(zk, created.code, deadline)) continue;
    }
    return give_up(created.code);
  }
}

void DeleteGuaranteed(BlockingClient& zk, const std::string& path) {
  auto out = zk.Delete(path);
  // kApiError: called on the client's own thread, which must not block.
  if ((out.code == ErrorCode::kConnectionLoss || out.code == ErrorCode::kApiError) &&
      !client::IsFinal(zk.state())) {
    DeleteInBackground(zk.async(), path);
  }
}

void DeleteProtectedGuaranteed(BlockingClient& zk, const std::string& dir,
                               const std::string& prefix) {
  DeleteChildInBackground(zk.async(), dir, prefix);
}

}  // namespace cairn::recipes::detail
