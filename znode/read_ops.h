// znode/read_ops.h: the requests answered from the local tree without a
// txn (ZooKeeper's FinalRequestProcessor read cases): exists, getData,
// getChildren(2), getACL, getAllChildrenNumber, getEphemerals, multiRead,
// and the watch requests setWatches(2), addWatch, checkWatches,
// removeWatches. Pure; runs on the core thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/codes.h"
#include "znode/acl.h"
#include "znode/data_tree.h"
#include "znode/watch_registry.h"

namespace cairn::znode {

struct ReadContext {
  const DataTree& tree;
  WatchRegistry& watches;
  int64_t session_id;
  const AuthIds& auth;
  // Events that setWatches fires at once (changes the client missed).
  std::vector<Notification>* immediate;
  // A reply that would grow past this is not built (see ReadReply::too_large).
  size_t max_reply_bytes = SIZE_MAX;
};

struct ReadReply {
  proto::ErrorCode err = proto::ErrorCode::kOk;
  std::string body;  // encoded response record; empty when err != Ok
  // The reply would exceed ReadContext::max_reply_bytes: the caller drops
  // the connection instead of answering (no client could read it).
  bool too_large = false;
};

// True for the opcodes ExecuteRead handles.
bool IsTreeReadOp(proto::OpCode op);

// Decodes body and executes it. A body that does not decode gives
// MarshallingError, as in ZooKeeper.
ReadReply ExecuteRead(proto::OpCode op, std::string_view body, const ReadContext& ctx);

}  // namespace cairn::znode
