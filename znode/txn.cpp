#include "znode/txn.h"

namespace cairn::znode {
namespace {

using proto::JuteReader;
using proto::JuteWriter;
using proto::OpCode;

struct OpTypeOf {
  OpCode operator()(const CreateTxn& t) const { return t.op; }
  OpCode operator()(const DeleteTxn& t) const { return t.op; }
  OpCode operator()(const SetDataTxn&) const { return OpCode::kSetData; }
  OpCode operator()(const SetAclTxn&) const { return OpCode::kSetAcl; }
  OpCode operator()(const CheckTxn&) const { return OpCode::kCheck; }
  OpCode operator()(const ErrorTxn&) const { return OpCode::kError; }
  OpCode operator()(const CreateSessionTxn&) const { return OpCode::kCreateSession; }
  OpCode operator()(const CloseSessionTxn&) const { return OpCode::kCloseSession; }
  OpCode operator()(const MultiTxn&) const { return OpCode::kMulti; }
};

void WriteData(JuteWriter& w, const std::string& data, bool null) {
  if (null) {
    w.NullBuffer();
  } else {
    w.Buffer(data);
  }
}

struct BodyWriter {
  JuteWriter& w;
  void operator()(const CreateTxn& t) const {
    w.String(t.path);
    WriteData(w, t.data, t.data_null);
    proto::WriteAcls(w, t.acl);
    w.Long(t.ephemeral_owner);
    w.Int(t.parent_cversion);
  }
  void operator()(const DeleteTxn& t) const { w.String(t.path); }
  void operator()(const SetDataTxn& t) const {
    w.String(t.path);
    WriteData(w, t.data, t.data_null);
    w.Int(t.version);
  }
  void operator()(const SetAclTxn& t) const {
    w.String(t.path);
    proto::WriteAcls(w, t.acl);
    w.Int(t.version);
  }
  void operator()(const CheckTxn& t) const {
    w.String(t.path);
    w.Int(t.version);
  }
  void operator()(const ErrorTxn& t) const { w.Int(static_cast<int32_t>(t.err)); }
  void operator()(const CreateSessionTxn& t) const {
    w.Int(t.timeout_ms);
    w.Buffer(t.passwd);
  }
  void operator()(const CloseSessionTxn&) const {}
  void operator()(const MultiTxn& t) const {
    w.Count(static_cast<int32_t>(t.ops.size()));
    for (const auto& op : t.ops) {
      w.Int(static_cast<int32_t>(TxnOpType(op)));
      std::visit(*this, op);
    }
  }
};

// Roughly the bytes BodyWriter writes (at least that for the common
// bodies), so that EncodeTxn allocates once.
struct ApproxBodyBytes {
  size_t operator()(const CreateTxn& t) const {
    return 32 + t.path.size() + t.data.size() + 48 * t.acl.size();
  }
  size_t operator()(const SetDataTxn& t) const { return 16 + t.path.size() + t.data.size(); }
  size_t operator()(const SetAclTxn& t) const { return 16 + t.path.size() + 48 * t.acl.size(); }
  size_t operator()(const MultiTxn& t) const {
    size_t n = 4;
    for (const auto& op : t.ops) n += 4 + std::visit(*this, op);
    return n;
  }
  template <typename T>
  size_t operator()(const T&) const {
    return 64;
  }
};

// Reads one non-multi body of the given type; false for an unknown type.
template <typename Variant>
bool ReadBody(JuteReader& r, OpCode type, Variant* out) {
  switch (type) {
    case OpCode::kCreate:
    case OpCode::kCreate2:
    case OpCode::kCreateContainer:
    case OpCode::kCreateTtl: {
      CreateTxn t;
      t.op = type;
      t.path = r.String();
      t.data = r.Buffer(&t.data_null);
      t.acl = proto::ReadAcls(r);
      t.ephemeral_owner = r.Long();
      t.parent_cversion = r.Int();
      *out = std::move(t);
      return true;
    }
    case OpCode::kDelete:
    case OpCode::kDeleteContainer:
      *out = DeleteTxn{type, r.String()};
      return true;
    case OpCode::kSetData: {
      SetDataTxn t;
      t.path = r.String();
      t.data = r.Buffer(&t.data_null);
      t.version = r.Int();
      *out = std::move(t);
      return true;
    }
    case OpCode::kSetAcl: {
      SetAclTxn t;
      t.path = r.String();
      t.acl = proto::ReadAcls(r);
      t.version = r.Int();
      *out = std::move(t);
      return true;
    }
    case OpCode::kCheck: {
      CheckTxn t;
      t.path = r.String();
      t.version = r.Int();
      *out = std::move(t);
      return true;
    }
    case OpCode::kError:
      *out = ErrorTxn{static_cast<proto::ErrorCode>(r.Int())};
      return true;
    default:
      return false;
  }
}

}  // namespace

OpCode TxnType(const TxnBody& body) { return std::visit(OpTypeOf{}, body); }
OpCode TxnOpType(const TxnOp& op) { return std::visit(OpTypeOf{}, op); }

void EncodeTxn(const Txn& txn, std::string* out) {
  out->reserve(out->size() + 32 + std::visit(ApproxBodyBytes{}, txn.body));
  JuteWriter w(out);
  proto::FixedRecord<32> header;
  header.Long(txn.header.session_id);
  header.Int(txn.header.cxid);
  header.Long(txn.header.zxid);
  header.Long(txn.header.time_ms);
  header.Int(static_cast<int32_t>(TxnType(txn.body)));
  w.Raw(header);
  std::visit(BodyWriter{w}, txn.body);
}

Result<Txn> DecodeTxn(std::string_view bytes) {
  JuteReader r(bytes);
  Txn txn;
  txn.header.session_id = r.Long();
  txn.header.cxid = r.Int();
  txn.header.zxid = r.Long();
  txn.header.time_ms = r.Long();
  auto type = static_cast<OpCode>(r.Int());
  if (!r.ok()) return Corruption("txn header truncated");
  if (type == OpCode::kCreateSession) {
    CreateSessionTxn t;
    t.timeout_ms = r.Int();
    t.passwd = r.Buffer();
    txn.body = std::move(t);
  } else if (type == OpCode::kCloseSession) {
    txn.body = CloseSessionTxn{};
  } else if (type == OpCode::kMulti) {
    MultiTxn m;
    int32_t n = r.Count(4);
    for (int32_t i = 0; i < n && r.ok(); ++i) {
      TxnOp op;
      auto sub = static_cast<OpCode>(r.Int());
      if (!ReadBody(r, sub, &op)) return Corruption("multi txn has op of unknown type");
      m.ops.push_back(std::move(op));
    }
    txn.body = std::move(m);
  } else if (!ReadBody(r, type, &txn.body)) {
    return Corruption("txn of unknown type " + std::to_string(static_cast<int32_t>(type)));
  }
  if (!r.ok()) return Corruption("txn body truncated");
  if (!r.AtEnd()) return Corruption("txn has trailing bytes");
  return txn;
}

}  // namespace cairn::znode
