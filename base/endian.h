// base/endian.h: big-endian fixed-width integers in byte strings (the byte
// order of jute, log keys and snapshot files). Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn {

// One append each (every reply and txn is a run of these; a push_back per
// byte showed in the write path's profile).
inline void PutBigEndian32(std::string* out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (24 - 8 * i));
  out->append(b, 4);
}
inline void PutBigEndian64(std::string* out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (56 - 8 * i));
  out->append(b, 8);
}
// REQUIRES: in.size() >= 4 (resp. 8).
inline uint32_t GetBigEndian32(std::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}
inline uint64_t GetBigEndian64(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

}  // namespace cairn
