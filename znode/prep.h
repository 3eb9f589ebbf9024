// znode/prep.h: prep, which turns a client's write request into a txn
// stamped with its zxid (ZooKeeper's PrepRequestProcessor). Pure; owned by
// the core thread.
//
// Prep checks each request against the tree as it will be once every
// outstanding txn applies (PendingChanges), in ZooKeeper's order of checks,
// so the first failing check decides the error code. A failed request still
// becomes a txn (an ErrorTxn) and consumes its zxid, as in ZooKeeper. A
// multi is all-or-nothing: on the first failing op, earlier ops report Ok,
// the failing one its code, later ones RuntimeInconsistency.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "proto/codes.h"
#include "proto/multi.h"
#include "proto/records.h"
#include "znode/acl.h"
#include "znode/data_tree.h"
#include "znode/pending_changes.h"
#include "znode/txn.h"

namespace cairn::znode {

struct PrepOptions {
  bool extended_types_enabled = false;  // TTL nodes
};

struct WriteRequest {
  proto::OpCode op;
  std::string_view body;  // the request record, still encoded
  int64_t session_id = 0;
  int32_t cxid = 0;
  const AuthIds* auth = nullptr;
};

// True for the opcodes that become txns through Prep::PrepWrite.
bool IsWriteOp(proto::OpCode op);

class Prep {
 public:
  Prep(const DataTree* tree, PrepOptions options) : options_(options), pending_(tree) {}

  // REQUIRES: IsWriteOp(req.op).
  Txn PrepWrite(const WriteRequest& req, int64_t zxid, int64_t time_ms);
  Txn PrepCreateSession(int64_t session_id, int32_t timeout_ms, std::string passwd, int64_t zxid,
                        int64_t time_ms);
  Txn PrepCloseSession(int64_t session_id, int64_t zxid, int64_t time_ms);
  // The container/TTL sweeper's delete; an ErrorTxn if the node no longer
  // qualifies (gained a child, is gone).
  Txn PrepDeleteContainer(const std::string& path, int64_t zxid, int64_t time_ms);

  // Call after applying the txn with this zxid.
  void Applied(int64_t zxid) { pending_.ApplyCommitted(zxid); }
  const PendingChanges& pending() const { return pending_; }

 private:
  struct Ctx;
  // By value, as PrepSetData: the request's path and data move into the txn.
  proto::ErrorCode PrepCreate(proto::OpCode op, proto::CreateRequest req, const Ctx& ctx,
                              TxnOp* out);
  proto::ErrorCode PrepDelete(const proto::PathVersionRequest& req, const Ctx& ctx, TxnOp* out);
  // By value: a request of its own is moved into the txn, not copied.
  proto::ErrorCode PrepSetData(proto::SetDataRequest req, const Ctx& ctx, TxnOp* out);
  proto::ErrorCode PrepSetAcl(const proto::SetAclRequest& req, const Ctx& ctx, TxnOp* out);
  proto::ErrorCode PrepCheck(const proto::PathVersionRequest& req, const Ctx& ctx, TxnOp* out);
  TxnBody PrepMulti(const proto::MultiRequest& multi, const Ctx& ctx);
  // The record of path's parent, or NoNode.
  proto::ErrorCode ParentRecord(std::string_view path, ChangeRecord* out) const;

  PrepOptions options_;
  PendingChanges pending_;
};

}  // namespace cairn::znode
