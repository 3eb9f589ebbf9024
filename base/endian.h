// base/endian.h: big-endian fixed-width integers in byte strings (the byte
// order of jute, log keys and snapshot files). Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn {

// Into a buffer the caller has sized: a record of fixed-width fields is
// stored field by field and appended once (each std::string append checks
// capacity out of line, which showed in the write path's profile).
inline void StoreBigEndian32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (24 - 8 * i));
}
inline void StoreBigEndian64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (56 - 8 * i));
}
// One append each (a push_back per byte showed in the profile too).
inline void PutBigEndian32(std::string* out, uint32_t v) {
  char b[4];
  StoreBigEndian32(b, v);
  out->append(b, 4);
}
inline void PutBigEndian64(std::string* out, uint64_t v) {
  char b[8];
  StoreBigEndian64(b, v);
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
