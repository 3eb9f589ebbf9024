// znode/apply.h: ApplyTxn, the one function that changes a DataTree. Pure.
//
// Broadcast, recovery and snapshot load all apply txns through it, so the
// tree never depends on which path a txn took. It makes no decisions: a txn
// that prep accepted applies unconditionally (a broken precondition is a bug
// and asserts).
#pragma once

#include <string>
#include <vector>

#include "proto/multi.h"
#include "znode/data_tree.h"
#include "znode/txn.h"

namespace cairn::znode {

struct ApplyResult {
  proto::ErrorCode err = proto::ErrorCode::kOk;
  std::string path;   // create*: the created path
  proto::Stat stat;   // create2/TTL/container, setData, setACL: the node after
  std::vector<proto::MultiResult> multi;
  std::vector<std::string> deleted_ephemerals;  // closeSession
};

// Applies txn and records the watch triggers it causes in fires (if not
// null). Sets the tree's last processed zxid to the txn's.
ApplyResult ApplyTxn(DataTree& tree, const Txn& txn, WatchFires* fires);

}  // namespace cairn::znode
