#include "proto/path.h"

#include <cstdint>

#include "base/assert.h"

namespace cairn::proto {
namespace {

// Decodes one UTF-8 code point at s[i], advancing i. Returns -1 if the bytes
// are not well-formed UTF-8 (Java would decode them to U+FFFD, which
// ZooKeeper then refuses).
int32_t DecodeUtf8(std::string_view s, size_t& i) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = b0 >= 0xf0 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc0 ? 2 : 0;
  if (len == 0 || b0 >= 0xf8 || i + len > s.size()) return -1;
  int32_t cp = b0 & (0x7f >> len);
  for (int k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xc0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3f);
  }
  static constexpr int32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len]) return -1;  // overlong
  i += len;
  return cp;
}

bool Refused(int32_t cp) {
  return cp < 0 || (cp > 0 && cp <= 0x1f) || (cp >= 0x7f && cp <= 0x9f) ||
         (cp >= 0xd800 && cp <= 0xf8ff) || cp >= 0xfff0;
}

bool Fail(std::string* reason, std::string why) {
  if (reason) *reason = std::move(why);
  return false;
}

}  // namespace

bool IsValidPath(std::string_view path, std::string* reason) {
  if (path.empty()) return Fail(reason, "Path length must be > 0");
  if (path[0] != '/') return Fail(reason, "Path must start with / character");
  if (path.size() == 1) return true;
  if (path.back() == '/') return Fail(reason, "Path must not end with / character");
  // Most paths are printable ASCII without dots: one quick pass settles
  // them; anything else gets the full check, code point by code point.
  bool plain = true;
  for (size_t k = 1; k < path.size() && plain; ++k) {
    auto c = static_cast<unsigned char>(path[k]);
    plain = c >= 0x20 && c < 0x7f && c != '.' && !(c == '/' && path[k - 1] == '/');
  }
  if (plain) return true;
  size_t i = 1;
  while (i < path.size()) {
    size_t at = i;
    char prev = path[i - 1];
    int32_t cp = DecodeUtf8(path, i);
    if (cp == 0) return Fail(reason, "null character not allowed @" + std::to_string(at));
    if (cp == '/' && prev == '/') {
      return Fail(reason, "empty node name specified @" + std::to_string(at));
    }
    if (cp == '.') {
      bool ends = i == path.size() || path[i] == '/';
      bool dot_component = prev == '/' && ends;
      bool dotdot_component = prev == '.' && at >= 2 && path[at - 2] == '/' && ends;
      if (dot_component || dotdot_component) {
        return Fail(reason, "relative paths not allowed @" + std::to_string(at));
      }
    }
    if (Refused(cp)) return Fail(reason, "invalid character @" + std::to_string(at));
  }
  return true;
}

std::string_view ParentPath(std::string_view path) {
  size_t slash = path.rfind('/');
  CAIRN_ASSERT(slash != std::string_view::npos);
  return slash == 0 ? std::string_view("/") : path.substr(0, slash);
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  CAIRN_ASSERT(slash != std::string_view::npos);
  return path.substr(slash + 1);
}

bool IsSpecialPath(std::string_view path) {
  return path == "/" || path == kZookeeperPath || path == kQuotaPath || path == kConfigPath;
}

}  // namespace cairn::proto
