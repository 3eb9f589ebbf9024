#include "base/crc32c.h"

#include <boost/crc.hpp>

namespace cairn {

namespace {

uint32_t Reflect(uint32_t v) {
  uint32_t r = 0;
  for (int i = 0; i < 32; ++i, v >>= 1) r = (r << 1) | (v & 1);
  return r;
}

}  // namespace

uint32_t Crc32c(std::string_view data, uint32_t crc) {
  // Reflected CRC-32C with pre- and post-inversion. Boost.CRC keeps a
  // reflected CRC's register unreflected and reflects the initial value it
  // is given, so continuing a checksum means handing it back reflected.
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> engine(
      Reflect(crc ^ 0xFFFFFFFF));
  engine.process_bytes(data.data(), data.size());
  return engine.checksum();
}

}  // namespace cairn
