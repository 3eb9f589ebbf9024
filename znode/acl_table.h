// znode/acl_table.h: interned, reference-counted ACL lists. Pure; owned by
// one DataTree and used from the thread that owns it.
//
// Most znodes share a handful of ACLs, so a node keeps a 32-bit reference
// instead of its own list (ZooKeeper's ReferenceCountedACLCache does the
// same). Reference 0 is the open ACL (world:anyone, ALL) and is never freed.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "proto/codes.h"
#include "proto/records.h"

namespace cairn::znode {

using AclRef = uint32_t;

class AclTable {
 public:
  AclTable();

  // Returns the reference for acl, adding one use.
  AclRef Acquire(const proto::AclList& acl);
  // Drops one use of ref; frees the slot at zero.
  void Release(AclRef ref);
  // Adds one use of a live ref (snapshot load, where nodes name refs).
  void AddUse(AclRef ref);
  // REQUIRES: ref is live.
  const proto::AclList& Get(AclRef ref) const;
  // Calls fn(ref, acl) for every live entry (snapshots).
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const auto& [acl, ref] : index_) fn(ref, acl);
  }
  size_t size() const { return index_.size(); }

  static constexpr AclRef kOpen = 0;

 private:
  struct Slot {
    proto::AclList acl;
    uint64_t uses = 0;
  };
  std::vector<Slot> slots_;
  std::vector<AclRef> free_;
  std::map<proto::AclList, AclRef> index_;
};

}  // namespace cairn::znode
