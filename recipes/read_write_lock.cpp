#include "recipes/read_write_lock.h"

namespace cairn::recipes {

namespace {
constexpr const char* kReadName = "__READ__";
constexpr const char* kWriteName = "__WRIT__";

LockRule ReadRule(const Mutex& write_lock) {
  LockRule rule;
  rule.lock_name = kReadName;
  rule.sort_names = {kReadName, kWriteName};
  rule.blocker = [&write_lock](const std::vector<std::string>& sorted,
                               size_t ours) -> std::optional<std::string> {
    if (write_lock.IsHeldByCurrentThread()) return std::nullopt;
    for (size_t i = 0; i < ours; ++i) {
      if (sorted[i].find(kWriteName) != std::string::npos) return sorted[i];
    }
    return std::nullopt;
  };
  return rule;
}
}  // namespace

ReadWriteLock::ReadWriteLock(client::BlockingClient& zk, std::string path, std::string node_data)
    : write_(zk, path, ExclusiveRule(kWriteName, {kReadName, kWriteName}), node_data),
      read_(zk, path, ReadRule(write_), node_data) {}

}  // namespace cairn::recipes
