// base/hex.h: hex formatting for zxids, session ids and byte dumps. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn {

// "0x1a2b" (lower case, no leading zeros), as ZooKeeper prints ids.
std::string Hex(int64_t value);
// Two lower-case hex digits per byte, at most max_bytes of them then "...".
std::string HexDump(std::string_view bytes, size_t max_bytes = 64);

}  // namespace cairn
