// base/ids.h: strong id types (Zxid, SessionId, Xid). Pure value types.
//
// A Zxid is epoch << 32 | counter. Zxids and session ids print as hex "0x..."
// (see base/hex.h), as ZooKeeper operators expect.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace cairn {

template <typename Tag, typename Rep>
struct StrongId {
  Rep value = 0;

  constexpr StrongId() = default;
  constexpr explicit StrongId(Rep v) : value(v) {}
  constexpr auto operator<=>(const StrongId&) const = default;
};

struct ZxidTag {};
struct SessionIdTag {};

using Zxid = StrongId<ZxidTag, int64_t>;
using SessionId = StrongId<SessionIdTag, int64_t>;
using Xid = int32_t;  // chosen by the client; compared only for equality

constexpr uint32_t EpochOf(Zxid z) { return static_cast<uint32_t>(static_cast<uint64_t>(z.value) >> 32); }
constexpr uint32_t CounterOf(Zxid z) { return static_cast<uint32_t>(z.value & 0xffffffffu); }
constexpr Zxid MakeZxid(uint32_t epoch, uint32_t counter) {
  return Zxid(static_cast<int64_t>((static_cast<uint64_t>(epoch) << 32) | counter));
}

}  // namespace cairn

template <typename Tag, typename Rep>
struct std::hash<cairn::StrongId<Tag, Rep>> {
  size_t operator()(const cairn::StrongId<Tag, Rep>& id) const noexcept {
    return std::hash<Rep>()(id.value);
  }
};
