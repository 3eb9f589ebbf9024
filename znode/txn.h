// znode/txn.h: transactions, the idempotent records that prep produces and
// ApplyTxn applies, and their byte encoding for the log. Pure.
//
// A txn carries every decision (final sequential name, new version, times,
// parent cversion), so applying it needs no choices and gives the same tree
// on every replica, on recovery and after a snapshot load.
//
// Encoding (jute, see proto/jute.h):
//   txn        := header body
//   header     := long sessionId, int cxid, long zxid, long time, int type
//   body       := by header.type:
//     create/create2/createContainer/createTTL (1/15/19/21)
//                := ustring path, buffer data, vector<ACL> acl,
//                   long ephemeralOwner, int parentCVersion
//     delete/deleteContainer (2/20) := ustring path
//     setData (5)      := ustring path, buffer data, int version
//     setACL (7)       := ustring path, vector<ACL> acl, int version
//     check (13)       := ustring path, int version
//     error (-1)       := int err
//     createSession (-10) := int timeOut, buffer passwd
//     closeSession (-11)  := (empty: the session is header.sessionId)
//     multi (14)       := int count, { int type, body }*
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "base/error.h"
#include "proto/codes.h"
#include "proto/records.h"

namespace cairn::znode {

struct CreateTxn {
  proto::OpCode op = proto::OpCode::kCreate;  // create, create2, createContainer, createTTL
  std::string path;
  std::string data;
  bool data_null = false;
  proto::AclList acl;
  int64_t ephemeral_owner = 0;  // session id, container marker or TTL encoding
  int32_t parent_cversion = 0;
};
struct DeleteTxn {
  proto::OpCode op = proto::OpCode::kDelete;  // delete or deleteContainer
  std::string path;
};
struct SetDataTxn {
  std::string path;
  std::string data;
  bool data_null = false;
  int32_t version = 0;
};
struct SetAclTxn {
  std::string path;
  proto::AclList acl;
  int32_t version = 0;
};
struct CheckTxn {
  std::string path;
  int32_t version = 0;
};
struct ErrorTxn {
  proto::ErrorCode err = proto::ErrorCode::kOk;
};
struct CreateSessionTxn {
  int32_t timeout_ms = 0;
  std::string passwd;
};
struct CloseSessionTxn {};

using TxnOp = std::variant<CreateTxn, DeleteTxn, SetDataTxn, SetAclTxn, CheckTxn, ErrorTxn>;
struct MultiTxn {
  std::vector<TxnOp> ops;
};

using TxnBody = std::variant<CreateTxn, DeleteTxn, SetDataTxn, SetAclTxn, CheckTxn, ErrorTxn,
                             CreateSessionTxn, CloseSessionTxn, MultiTxn>;

struct TxnHeader {
  int64_t session_id = 0;
  int32_t cxid = 0;
  int64_t zxid = 0;
  int64_t time_ms = 0;
};

struct Txn {
  TxnHeader header;
  TxnBody body;
};

// The opcode a body is logged under.
proto::OpCode TxnType(const TxnBody& body);
proto::OpCode TxnOpType(const TxnOp& op);

void EncodeTxn(const Txn& txn, std::string* out);
// Fails with a Corruption error naming what did not decode.
Result<Txn> DecodeTxn(std::string_view bytes);

}  // namespace cairn::znode
