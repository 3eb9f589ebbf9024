#include "znode/acl_table.h"

#include "base/assert.h"


namespace cairn::znode {

AclTable::AclTable() {
  proto::AclList open = {proto::Acl{proto::perms::kAll, proto::Id{"world", "anyone"}}};
  slots_.push_back(Slot{open, 1});
  index_.emplace(open, kOpen);
}

AclRef AclTable::Acquire(const proto::AclList& acl) {
  if (acl == slots_[kOpen].acl) return kOpen;  // most nodes: no map walk (it is never freed)
  auto it = index_.find(acl);
  if (it != index_.end()) {
    ++slots_[it->second].uses;
    return it->second;
  }
  AclRef ref;
  if (!free_.empty()) {
    ref = free_.back();
    free_.pop_back();
    slots_[ref] = Slot{acl, 1};
  } else {
    ref = static_cast<AclRef>(slots_.size());
    slots_.push_back(Slot{acl, 1});
  }
  index_.emplace(acl, ref);
  return ref;
}

void AclTable::Release(AclRef ref) {
  CAIRN_ASSERT(ref < slots_.size() && slots_[ref].uses > 0);
  if (ref == kOpen) return;
  if (--slots_[ref].uses == 0) {
    index_.erase(slots_[ref].acl);
    slots_[ref].acl.clear();
    free_.push_back(ref);
  }
}

void AclTable::AddUse(AclRef ref) {
  CAIRN_ASSERT(ref < slots_.size() && slots_[ref].uses > 0);
  ++slots_[ref].uses;
}

const proto::AclList& AclTable::Get(AclRef ref) const {
  CAIRN_ASSERT(ref < slots_.size() && slots_[ref].uses > 0);
  return slots_[ref].acl;
}

}  // namespace cairn::znode
