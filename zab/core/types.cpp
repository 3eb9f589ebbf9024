#include "zab/core/types.h"

#include <cstdio>
#include <tuple>

namespace cairn::zab {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kLooking: return "LOOKING";
    case Role::kFollowing: return "FOLLOWING";
    case Role::kLeading: return "LEADING";
  }
  return "?";
}

bool Better(const Vote& a, const Vote& b) {
  return std::tie(a.epoch, a.zxid, a.leader) > std::tie(b.epoch, b.zxid, b.leader);
}

std::string ZxidString(Zxid zxid) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(zxid));
  return buf;
}

}  // namespace cairn::zab
