// base/crc32c.h: CRC-32C (Castagnoli), the checksum of every log record and
// snapshot chunk. Pure. Computed with Boost.CRC's table-driven engine.
#pragma once

#include <cstdint>
#include <string_view>

namespace cairn {

// The CRC-32C of data, continuing from crc (the value of an earlier call,
// or 0 to start), so Crc32c(b, Crc32c(a)) == Crc32c(a + b).
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);

}  // namespace cairn
