// zab/core/quorum.h: majority arithmetic over the voters. Pure functions.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <vector>

#include "zab/core/types.h"

namespace cairn::zab {

// A majority of n voters.
size_t QuorumSize(size_t voters);

// Whether the voters among `ayes` are a majority of `voters` (non-voters in
// ayes count for nothing).
bool IsQuorum(const std::vector<Sid>& voters, const std::set<Sid>& ayes);

// The highest zxid that a majority of voters has reached, given each one's
// position (a voter missing from `reached` is at 0).
Zxid QuorumZxid(const std::vector<Sid>& voters, const std::map<Sid, Zxid>& reached);

}  // namespace cairn::zab
