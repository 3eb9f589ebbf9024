// proto/path.h: ZooKeeper's znode path rules, shared by the server's data model and
// the client library (which checks paths before sending them, as ZooKeeper's
// clients do). Pure.
#pragma once

#include <string>
#include <string_view>

namespace cairn::proto {

// True if path is a valid znode path: starts with '/', no empty, "." or ".."
// components, no trailing '/' (except "/" itself), and none of the code
// points ZooKeeper refuses (U+0000-U+001F, U+007F-U+009F, U+D800-U+F8FF,
// U+FFF0-U+FFFF, anything outside the BMP, or bytes that are not UTF-8).
// On failure, *reason (if given) says why.
bool IsValidPath(std::string_view path, std::string* reason = nullptr);

// "/a/b" -> "/a"; "/a" -> "/". REQUIRES: path starts with '/' and is not "/".
std::string_view ParentPath(std::string_view path);
// "/a/b" -> "b". REQUIRES: path contains '/'.
std::string_view BaseName(std::string_view path);

// "/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config": never deleted.
bool IsSpecialPath(std::string_view path);

inline constexpr std::string_view kZookeeperPath = "/zookeeper";
inline constexpr std::string_view kQuotaPath = "/zookeeper/quota";
inline constexpr std::string_view kConfigPath = "/zookeeper/config";

}  // namespace cairn::proto
