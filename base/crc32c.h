// base/crc32c.h: CRC-32C (Castagnoli), the checksum of every log record and
// snapshot chunk. Pure. Uses the CPU's CRC32 instruction (SSE4.2) when it
// has one, else Boost.CRC's table-driven engine; both give the same value.
#pragma once

#include <cstdint>
#include <string_view>

namespace cairn {

// The CRC-32C of data, continuing from crc (the value of an earlier call,
// or 0 to start), so Crc32c(b, Crc32c(a)) == Crc32c(a + b).
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);
// The Boost.CRC path alone (tests check that both paths agree).
uint32_t Crc32cPortable(std::string_view data, uint32_t crc = 0);

}  // namespace cairn
