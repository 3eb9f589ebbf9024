// zab/core/types.h: the atomic broadcast's vocabulary: server ids, zxids,
// log entries, votes, roles. Pure value types.
//
// A zxid is epoch << 32 | counter, as in ZooKeeper (and as zab/storage keys
// its log). Within one epoch a leader numbers its proposals 1, 2, 3...; so
// a log's entries of one epoch are always a prefix of that epoch's
// proposals, which is what synchronization relies on.
#pragma once

#include <cstdint>
#include <string>

namespace cairn::zab {

using Sid = int64_t;    // a server's id (zoo.cfg's server.N)
using Zxid = int64_t;   // epoch << 32 | counter; 0: nothing
using Epoch = int64_t;  // 32 bits in a zxid; wider here for arithmetic

constexpr Epoch EpochOf(Zxid z) { return static_cast<Epoch>(static_cast<uint64_t>(z) >> 32); }
constexpr uint32_t CounterOf(Zxid z) { return static_cast<uint32_t>(static_cast<uint64_t>(z) & 0xffffffffu); }
constexpr Zxid MakeZxid(Epoch epoch, uint32_t counter) {
  return static_cast<Zxid>((static_cast<uint64_t>(epoch) << 32) | counter);
}

// One proposal: opaque txn bytes at a zxid.
struct Entry {
  Zxid zxid = 0;
  std::string txn;
  bool operator==(const Entry&) const = default;
};

enum class Role { kLooking, kFollowing, kLeading };
const char* RoleName(Role role);

// A vote of fast leader election: the candidate and what it would bring.
struct Vote {
  Sid leader = 0;
  Zxid zxid = 0;    // the candidate's last logged zxid
  Epoch epoch = 0;  // the candidate's currentEpoch
  bool operator==(const Vote&) const = default;
};

// ZooKeeper's total order of votes: higher currentEpoch, then higher zxid,
// then higher server id wins.
bool Better(const Vote& a, const Vote& b);

// "0x100000003" (as ZooKeeper prints zxids).
std::string ZxidString(Zxid zxid);

}  // namespace cairn::zab
