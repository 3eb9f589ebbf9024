// tests/unit/support/bytes.h: byte-string helpers shared by the unit tests
// (hex literals for golden encodings, whole-buffer hex dumps for messages).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::testing {

// "00 0a ff" (spaces optional) -> the bytes. REQUIRES: an even number of hex digits.
inline std::string Unhex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  int hi = -1;
  for (char c : hex) {
    int v = nibble(c);
    if (v < 0) continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<char>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

// Every byte as two lower-case hex digits, no limit (unlike base/hex.h's HexDump).
inline std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

}  // namespace cairn::testing
