#include "base/crc32c.h"

#include <boost/crc.hpp>
#include <cstring>

namespace cairn {

namespace {

uint32_t Reflect(uint32_t v) {
  uint32_t r = 0;
  for (int i = 0; i < 32; ++i, v >>= 1) r = (r << 1) | (v & 1);
  return r;
}

uint32_t Portable(std::string_view data, uint32_t crc) {
  // Reflected CRC-32C with pre- and post-inversion. Boost.CRC keeps a
  // reflected CRC's register unreflected and reflects the initial value it
  // is given, so continuing a checksum means handing it back reflected.
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> engine(
      Reflect(crc ^ 0xFFFFFFFF));
  engine.process_bytes(data.data(), data.size());
  return engine.checksum();
}

#if defined(__x86_64__)
// The SSE4.2 CRC32 instruction computes exactly CRC-32C; snapshots are
// hundreds of megabytes, so the table-driven engine would dominate recovery.
__attribute__((target("sse4.2"))) uint32_t Hardware(std::string_view data, uint32_t crc) {
  uint64_t c = crc ^ 0xFFFFFFFFu;
  const char* p = data.data();
  size_t n = data.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    c = __builtin_ia32_crc32di(c, word);
  }
  auto c32 = static_cast<uint32_t>(c);
  for (; n > 0; ++p, --n) c32 = __builtin_ia32_crc32qi(c32, static_cast<unsigned char>(*p));
  return c32 ^ 0xFFFFFFFFu;
}

bool HaveHardware() {
  static const bool have = __builtin_cpu_supports("sse4.2");
  return have;
}
#endif

}  // namespace

uint32_t Crc32c(std::string_view data, uint32_t crc) {
#if defined(__x86_64__)
  if (HaveHardware()) return Hardware(data, crc);
#endif
  return Portable(data, crc);
}

uint32_t Crc32cPortable(std::string_view data, uint32_t crc) { return Portable(data, crc); }

}  // namespace cairn
