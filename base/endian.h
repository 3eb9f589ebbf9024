// base/endian.h: big-endian fixed-width integers in byte strings (the byte
// order of jute, log keys and snapshot files). Pure.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace cairn {

// Into a buffer the caller has sized, so that a record of fixed-width
// fields is stored field by field and appended once (each std::string
// append checks capacity out of line, which showed in the write path's
// profile). A byte swap and one store each: GCC 12 at -O2 kept a
// byte-at-a-time loop as a shift and a store per byte.
inline void StoreBigEndian32(char* p, uint32_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}
inline void StoreBigEndian64(char* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
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
  uint32_t v;
  std::memcpy(&v, in.data(), 4);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
  return v;
}
inline uint64_t GetBigEndian64(std::string_view in) {
  uint64_t v;
  std::memcpy(&v, in.data(), 8);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  return v;
}

}  // namespace cairn
