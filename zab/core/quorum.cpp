#include "zab/core/quorum.h"

#include <algorithm>
#include <functional>

#include "base/assert.h"

namespace cairn::zab {

size_t QuorumSize(size_t voters) { return voters / 2 + 1; }

bool IsQuorum(const std::vector<Sid>& voters, const std::set<Sid>& ayes) {
  size_t count = 0;
  for (Sid v : voters) count += ayes.count(v);
  return count >= QuorumSize(voters.size());
}

Zxid QuorumZxid(const std::vector<Sid>& voters, const std::map<Sid, Zxid>& reached) {
  CAIRN_ASSERT(!voters.empty());
  std::vector<Zxid> at;
  at.reserve(voters.size());
  for (Sid v : voters) {
    auto it = reached.find(v);
    at.push_back(it == reached.end() ? 0 : it->second);
  }
  // The quorum-th highest: that many voters are at or above it.
  size_t k = QuorumSize(voters.size()) - 1;
  std::nth_element(at.begin(), at.begin() + static_cast<ptrdiff_t>(k), at.end(), std::greater<>());
  return at[k];
}

}  // namespace cairn::zab
