#include "znode/apply.h"

#include "base/assert.h"

namespace cairn::znode {
namespace {

struct OpApplier {
  DataTree& tree;
  const TxnHeader& hdr;
  WatchFires* fires;
  ApplyResult* out;

  void operator()(const CreateTxn& t) const {
    out->stat = tree.CreateNode(t.path, t.data, t.data_null, t.acl, t.ephemeral_owner,
                                t.parent_cversion, hdr.zxid, hdr.time_ms, fires)
                    .ClientStat();
    out->path = t.path;
  }
  void operator()(const DeleteTxn& t) const { tree.DeleteNode(t.path, hdr.zxid, fires); }
  void operator()(const SetDataTxn& t) const {
    out->stat =
        tree.SetData(t.path, t.data, t.data_null, t.version, hdr.zxid, hdr.time_ms, fires)
            .ClientStat();
  }
  void operator()(const SetAclTxn& t) const {
    out->stat = tree.SetAcl(t.path, t.acl, t.version).ClientStat();
  }
  void operator()(const CheckTxn&) const {}
  void operator()(const ErrorTxn& t) const { out->err = t.err; }
};

proto::MultiResult ToMultiResult(const TxnOp& op, const ApplyResult& r) {
  proto::MultiResult m;
  m.type = TxnOpType(op);
  switch (m.type) {
    case proto::OpCode::kCreate:
      m.path = r.path;
      break;
    case proto::OpCode::kCreate2:
    case proto::OpCode::kCreateTtl:
    case proto::OpCode::kCreateContainer:
      m.type = proto::OpCode::kCreate2;  // ZooKeeper answers these as create2
      m.path = r.path;
      m.stat = r.stat;
      break;
    case proto::OpCode::kDeleteContainer:
      m.type = proto::OpCode::kDelete;
      break;
    case proto::OpCode::kSetData:
      m.stat = r.stat;
      break;
    case proto::OpCode::kError:
      m.err = r.err;
      break;
    default:
      break;
  }
  return m;
}

}  // namespace

ApplyResult ApplyTxn(DataTree& tree, const Txn& txn, WatchFires* fires) {
  ApplyResult result;
  const TxnHeader& hdr = txn.header;
  if (const auto* multi = std::get_if<MultiTxn>(&txn.body)) {
    for (const auto& op : multi->ops) {
      ApplyResult sub;
      std::visit(OpApplier{tree, hdr, fires, &sub}, op);
      result.multi.push_back(ToMultiResult(op, sub));
    }
  } else if (std::holds_alternative<CloseSessionTxn>(txn.body)) {
    result.deleted_ephemerals = tree.KillSession(hdr.session_id, hdr.zxid, fires);
  } else if (std::holds_alternative<CreateSessionTxn>(txn.body)) {
    // The session table (session/) records the session; the tree has nothing to do.
  } else {
    std::visit(
        [&](const auto& body) {
          using T = std::decay_t<decltype(body)>;
          if constexpr (std::is_same_v<T, CreateSessionTxn> || std::is_same_v<T, CloseSessionTxn> ||
                        std::is_same_v<T, MultiTxn>) {
            CAIRN_ASSERT(false);
          } else {
            OpApplier{tree, hdr, fires, &result}(body);
          }
        },
        txn.body);
  }
  if (hdr.zxid > tree.last_processed_zxid()) tree.set_last_processed_zxid(hdr.zxid);
  return result;
}

}  // namespace cairn::znode
