#include "recipes/node_names.h"

#include <algorithm>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <cctype>

namespace cairn::recipes {

namespace {
constexpr std::string_view kProtectedMark = "_c_";
constexpr size_t kUuidLength = 36;
constexpr size_t kPrefixLength = kProtectedMark.size() + kUuidLength + 1;  // 40
}  // namespace

std::string NewProtectedPrefix() {
  // One generator per thread: it holds an entropy source and is not thread-safe.
  thread_local boost::uuids::random_generator generate;
  return std::string(kProtectedMark) + boost::uuids::to_string(generate()) + "-";
}

bool IsProtectedName(std::string_view name) {
  if (name.size() <= kPrefixLength || name.substr(0, kProtectedMark.size()) != kProtectedMark ||
      name[kPrefixLength - 1] != '-') {
    return false;
  }
  std::string_view uuid = name.substr(kProtectedMark.size(), kUuidLength);
  if (uuid[8] != '-' || uuid[13] != '-' || uuid[18] != '-' || uuid[23] != '-') return false;
  for (size_t i = 0; i < uuid.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    if (!std::isxdigit(static_cast<unsigned char>(uuid[i]))) return false;
  }
  return true;
}

std::string_view SortKey(std::string_view child, const std::vector<std::string>& lock_names) {
  for (const auto& lock_name : lock_names) {
    size_t at = child.rfind(lock_name);
    if (at != std::string_view::npos) child = child.substr(at + lock_name.size());
  }
  return child;
}

std::vector<std::string> SortChildren(std::vector<std::string> children,
                                      const std::vector<std::string>& lock_names) {
  std::stable_sort(children.begin(), children.end(),
                   [&](const std::string& a, const std::string& b) {
                     return SortKey(a, lock_names) < SortKey(b, lock_names);
                   });
  return children;
}

std::string JoinPath(const std::string& dir, std::string_view name) {
  std::string path = dir == "/" ? std::string() : dir;
  path += '/';
  path += name;
  return path;
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace cairn::recipes
