#include "base/hex.h"

#include <cstdio>

namespace cairn {

std::string Hex(int64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
  return buf;
}

std::string HexDump(std::string_view bytes, size_t max_bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  size_t n = bytes.size() < max_bytes ? bytes.size() : max_bytes;
  out.reserve(n * 2 + 3);
  for (size_t i = 0; i < n; ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  if (n < bytes.size()) out += "...";
  return out;
}

}  // namespace cairn
