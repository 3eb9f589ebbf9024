// base/hash.h: the hash of byte strings (znode paths) for the in-memory
// indexes: XXH3 (libxxhash), several times cheaper than std::hash's on
// paths of a few dozen bytes, and the same in every process, so a table's
// iteration order does not change from run to run. Not for anything an
// adversary may choose to collide on purpose beyond a slow lookup.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace cairn {

inline uint64_t HashBytes(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

// For std::unordered_map / set keyed by std::string or std::string_view.
struct BytesHash {
  size_t operator()(std::string_view bytes) const { return static_cast<size_t>(HashBytes(bytes)); }
};

}  // namespace cairn
