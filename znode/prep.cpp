#include "znode/prep.h"

#include <cstdio>
#include <map>

#include "base/assert.h"
#include "znode/path.h"

namespace cairn::znode {

using proto::ErrorCode;
using proto::OpCode;

struct Prep::Ctx {
  int64_t session_id;
  int64_t zxid;
  int64_t time_ms;
  const AuthIds& auth;
};

namespace {

// ZooKeeper's checkAndIncVersion (3.8): -1 matches any version.
ErrorCode CheckVersion(int32_t current, int32_t expected, int32_t* next) {
  if (expected != -1 && expected != current) return ErrorCode::kBadVersion;
  *next = static_cast<int32_t>(static_cast<uint32_t>(current) + 1);
  return ErrorCode::kOk;
}

std::string SequenceSuffix(int32_t counter) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%010d", counter);
  return buf;
}

}  // namespace

bool IsWriteOp(OpCode op) {
  switch (op) {
    case OpCode::kCreate:
    case OpCode::kCreate2:
    case OpCode::kCreateContainer:
    case OpCode::kCreateTtl:
    case OpCode::kDelete:
    case OpCode::kSetData:
    case OpCode::kSetAcl:
    case OpCode::kCheck:
    case OpCode::kMulti:
    case OpCode::kReconfig:
      return true;
    default:
      return false;
  }
}

ErrorCode Prep::ParentRecord(std::string_view path, ChangeRecord* out) const {
  // "x/y" has parent "x"; "/y" and "y" (no slash) have the root.
  size_t slash = path.rfind('/');
  std::string parent =
      slash == 0 || slash == std::string_view::npos ? "/" : std::string(path.substr(0, slash));
  auto rec = pending_.Get(parent);
  if (!rec) return ErrorCode::kNoNode;
  *out = std::move(*rec);
  return ErrorCode::kOk;
}

ErrorCode Prep::PrepCreate(OpCode op, proto::CreateRequest req, const Ctx& ctx, TxnOp* out) {
  if (!proto::IsValidCreateFlags(req.flags)) return ErrorCode::kBadArguments;
  auto mode = static_cast<proto::CreateMode>(req.flags);
  bool ttl_mode = proto::IsTtl(mode);
  // createContainer makes a container whatever the flags say (a sequential
  // flag still adds the suffix); the container flag under a plain create
  // makes an ordinary persistent node. Both as ZooKeeper does.
  bool container = op == OpCode::kCreateContainer;
  if (container && ttl_mode) return ErrorCode::kBadArguments;
  if (!container && mode == proto::CreateMode::kContainer) mode = proto::CreateMode::kPersistent;
  if (ttl_mode && !options_.extended_types_enabled) return ErrorCode::kUnimplemented;
  int64_t ttl = op == OpCode::kCreateTtl ? req.ttl : -1;
  if (ttl_mode ? (ttl <= 0 || ttl > proto::kTtlMax) : ttl >= 0) return ErrorCode::kBadArguments;
  // validatePathForCreate: a slash somewhere, no NUL.
  const std::string& path = req.path;
  if (path.find('/') == std::string::npos || path.find('\0') != std::string::npos) {
    return ErrorCode::kBadArguments;
  }
  proto::AclList acl;
  if (auto err = FixupAcl(req.acl, ctx.auth, &acl); err != ErrorCode::kOk) return err;
  // The parent of "x/" style paths and of "/" itself: ZooKeeper maps the
  // empty parent name to the root.
  size_t slash = path.rfind('/');
  std::string parent_path = slash == 0 ? "/" : path.substr(0, slash);
  // Read in place (no copy); changed below through Modify, after every check.
  const ChangeRecord* parent = pending_.Peek(parent_path);
  if (!parent) return ErrorCode::kNoNode;
  if (!CheckAcl(parent->acl, proto::perms::kCreate, ctx.auth)) return ErrorCode::kNoAuth;
  std::string final_path = std::move(req.path);  // `path` is not read after this
  if (proto::IsSequential(mode)) final_path += SequenceSuffix(parent->stat.cversion);
  if (!IsValidPath(final_path)) return ErrorCode::kBadArguments;
  if (pending_.Exists(final_path)) return ErrorCode::kNodeExists;
  if (KindOfOwner(parent->stat.ephemeral_owner, options_.extended_types_enabled) ==
      EphemeralKind::kNormal) {
    return ErrorCode::kNoChildrenForEphemerals;
  }
  // Wraps to INT32_MIN after INT32_MAX, as ZooKeeper's int does.
  auto new_cversion = static_cast<int32_t>(static_cast<uint32_t>(parent->stat.cversion) + 1u);

  int64_t owner = 0;
  if (container) {
    owner = proto::kContainerEphemeralOwner;
  } else if (ttl_mode) {
    owner = TtlOwner(ttl);
  } else if (proto::IsEphemeral(mode)) {
    owner = ctx.session_id;
  }

  pending_.Modify(parent_path, ctx.zxid, [&](ChangeRecord& p) {
    p.child_count++;
    p.stat.cversion = new_cversion;
    p.stat.pzxid = ctx.zxid;
  });

  ChangeRecord node;
  node.zxid = ctx.zxid;
  node.path = final_path;
  node.exists = true;
  node.stat.czxid = node.stat.mzxid = node.stat.pzxid = ctx.zxid;
  node.stat.ctime = node.stat.mtime = ctx.time_ms;
  node.stat.ephemeral_owner = owner;
  node.stat.data_length = static_cast<int32_t>(req.data.size());
  node.acl = acl;
  pending_.Add(std::move(node));

  CreateTxn txn;
  txn.op = op;
  txn.path = std::move(final_path);
  txn.data = std::move(req.data);
  txn.data_null = req.data_null;
  txn.acl = std::move(acl);
  txn.ephemeral_owner = owner;
  txn.parent_cversion = new_cversion;
  *out = std::move(txn);
  return ErrorCode::kOk;
}

ErrorCode Prep::PrepDelete(const proto::PathVersionRequest& req, const Ctx& ctx, TxnOp* out) {
  // ZooKeeper's delete checks only for a '/', a NUL and the special paths
  // (getParentPathAndValidate); a malformed path then simply is not found.
  const std::string& path = req.path;
  if (path.find('/') == std::string::npos || path.find('\0') != std::string::npos ||
      IsSpecialPath(path)) {
    return ErrorCode::kBadArguments;
  }
  ChangeRecord parent;
  if (auto err = ParentRecord(path, &parent); err != ErrorCode::kOk) return err;
  if (!CheckAcl(parent.acl, proto::perms::kDelete, ctx.auth)) return ErrorCode::kNoAuth;
  auto node = pending_.Get(path);
  if (!node) return ErrorCode::kNoNode;
  int32_t unused;
  if (auto err = CheckVersion(node->stat.version, req.version, &unused); err != ErrorCode::kOk) {
    return err;
  }
  if (node->child_count > 0) return ErrorCode::kNotEmpty;

  parent.zxid = ctx.zxid;
  parent.child_count--;
  parent.stat.pzxid = ctx.zxid;
  pending_.Add(std::move(parent));
  ChangeRecord gone;
  gone.zxid = ctx.zxid;
  gone.path = path;
  gone.exists = false;
  pending_.Add(std::move(gone));
  *out = DeleteTxn{OpCode::kDelete, path};
  return ErrorCode::kOk;
}

ErrorCode Prep::PrepSetData(proto::SetDataRequest req, const Ctx& ctx, TxnOp* out) {
  if (!IsValidPath(req.path)) return ErrorCode::kBadArguments;
  const ChangeRecord* node = pending_.Peek(req.path);
  if (!node) return ErrorCode::kNoNode;
  if (!CheckAcl(node->acl, proto::perms::kWrite, ctx.auth)) return ErrorCode::kNoAuth;
  int32_t next;
  if (auto err = CheckVersion(node->stat.version, req.version, &next); err != ErrorCode::kOk) {
    return err;
  }
  pending_.Modify(req.path, ctx.zxid, [&](ChangeRecord& n) {
    n.stat.version = next;
    n.stat.mtime = ctx.time_ms;
    n.stat.mzxid = ctx.zxid;
    n.stat.data_length = static_cast<int32_t>(req.data.size());
  });
  *out = SetDataTxn{std::move(req.path), std::move(req.data), req.data_null, next};
  return ErrorCode::kOk;
}

ErrorCode Prep::PrepSetAcl(const proto::SetAclRequest& req, const Ctx& ctx, TxnOp* out) {
  if (!IsValidPath(req.path)) return ErrorCode::kBadArguments;
  proto::AclList acl;
  if (auto err = FixupAcl(req.acl, ctx.auth, &acl); err != ErrorCode::kOk) return err;
  auto node = pending_.Get(req.path);
  if (!node) return ErrorCode::kNoNode;
  if (!CheckAcl(node->acl, proto::perms::kAdmin, ctx.auth)) return ErrorCode::kNoAuth;
  int32_t next;
  if (auto err = CheckVersion(node->stat.aversion, req.version, &next); err != ErrorCode::kOk) {
    return err;
  }
  node->zxid = ctx.zxid;
  node->stat.aversion = next;
  node->acl = acl;
  pending_.Add(std::move(*node));
  *out = SetAclTxn{req.path, std::move(acl), next};
  return ErrorCode::kOk;
}

ErrorCode Prep::PrepCheck(const proto::PathVersionRequest& req, const Ctx& ctx, TxnOp* out) {
  if (!IsValidPath(req.path)) return ErrorCode::kBadArguments;
  auto node = pending_.Get(req.path);
  if (!node) return ErrorCode::kNoNode;
  if (!CheckAcl(node->acl, proto::perms::kRead, ctx.auth)) return ErrorCode::kNoAuth;
  int32_t next;
  if (auto err = CheckVersion(node->stat.version, req.version, &next); err != ErrorCode::kOk) {
    return err;
  }
  *out = CheckTxn{req.path, next};
  return ErrorCode::kOk;
}

TxnBody Prep::PrepMulti(const proto::MultiRequest& multi, const Ctx& ctx) {
  MultiTxn txn;
  pending_.BeginScope();
  size_t failed_at = multi.ops.size();
  ErrorCode failure = ErrorCode::kOk;
  for (size_t i = 0; i < multi.ops.size(); ++i) {
    const auto& op = multi.ops[i];
    TxnOp sub;
    ErrorCode err = ErrorCode::kMarshallingError;
    if (const auto* c = std::get_if<proto::CreateRequest>(&op.body)) {
      // Inside multi ZooKeeper reads every create op as a CreateRequest and
      // lets the flags pick the kind: container flags make a container, TTL
      // flags a TTL node (with the ttl only from createTTL), anything else a
      // plain create answered without a Stat.
      proto::CreateRequest create = *c;
      OpCode kind = OpCode::kCreate;
      auto flag_mode = static_cast<proto::CreateMode>(create.flags);
      if (proto::IsValidCreateFlags(create.flags) && flag_mode == proto::CreateMode::kContainer) {
        kind = OpCode::kCreateContainer;
      } else if (proto::IsValidCreateFlags(create.flags) && proto::IsTtl(flag_mode)) {
        kind = OpCode::kCreateTtl;
        if (op.type != OpCode::kCreateTtl) create.ttl = -1;
      } else {
        create.ttl = -1;
      }
      err = PrepCreate(kind, std::move(create), ctx, &sub);
    } else if (const auto* pv = std::get_if<proto::PathVersionRequest>(&op.body)) {
      err = op.type == OpCode::kDelete ? PrepDelete(*pv, ctx, &sub) : PrepCheck(*pv, ctx, &sub);
    } else if (const auto* s = std::get_if<proto::SetDataRequest>(&op.body)) {
      err = PrepSetData(*s, ctx, &sub);
    }
    if (err != ErrorCode::kOk) {
      failed_at = i;
      failure = err;
      break;
    }
    txn.ops.push_back(std::move(sub));
  }
  if (failed_at == multi.ops.size()) {
    pending_.CommitScope();
    return txn;
  }
  pending_.RollbackScope();
  MultiTxn failed;
  for (size_t i = 0; i < multi.ops.size(); ++i) {
    ErrorCode code = i < failed_at    ? ErrorCode::kOk
                     : i == failed_at ? failure
                                      : ErrorCode::kRuntimeInconsistency;
    failed.ops.push_back(ErrorTxn{code});
  }
  return failed;
}

Txn Prep::PrepWrite(const WriteRequest& req, int64_t zxid, int64_t time_ms) {
  CAIRN_ASSERT(IsWriteOp(req.op));
  CAIRN_ASSERT(req.auth != nullptr);
  Txn txn;
  txn.header = TxnHeader{req.session_id, req.cxid, zxid, time_ms};
  Ctx ctx{req.session_id, zxid, time_ms, *req.auth};
  proto::JuteReader r(req.body);
  TxnOp op;
  ErrorCode err = ErrorCode::kMarshallingError;
  switch (req.op) {
    case OpCode::kCreate:
    case OpCode::kCreate2:
    case OpCode::kCreateContainer:
    case OpCode::kCreateTtl: {
      proto::CreateRequest c;
      c.Read(r, req.op == OpCode::kCreateTtl);
      if (r.ok()) err = PrepCreate(req.op, std::move(c), ctx, &op);
      break;
    }
    case OpCode::kDelete:
    case OpCode::kCheck: {
      proto::PathVersionRequest d;
      d.Read(r);
      if (r.ok())
        err = req.op == OpCode::kDelete ? PrepDelete(d, ctx, &op) : PrepCheck(d, ctx, &op);
      break;
    }
    case OpCode::kSetData: {
      proto::SetDataRequest s;
      s.Read(r);
      if (r.ok()) err = PrepSetData(std::move(s), ctx, &op);
      break;
    }
    case OpCode::kSetAcl: {
      proto::SetAclRequest s;
      s.Read(r);
      if (r.ok()) err = PrepSetAcl(s, ctx, &op);
      break;
    }
    case OpCode::kReconfig:
      // Dynamic reconfiguration is off (reconfigEnabled=false, ZooKeeper's
      // default): the request becomes an error txn, as in ZooKeeper.
      err = ErrorCode::kReconfigDisabled;
      break;
    case OpCode::kMulti: {
      proto::MultiRequest m;
      m.Read(r);
      if (!r.ok()) break;
      bool only_writes = true;
      for (const auto& op : m.ops) {
        if (std::holds_alternative<proto::PathWatchRequest>(op.body)) only_writes = false;
      }
      if (!only_writes) break;  // a read op in a multi: MarshallingError
      txn.body = PrepMulti(m, ctx);
      return txn;
    }
    default:
      break;
  }
  if (err != ErrorCode::kOk) {
    txn.body = ErrorTxn{err};
  } else {
    std::visit([&](auto&& v) { txn.body = std::move(v); }, op);
  }
  return txn;
}

Txn Prep::PrepCreateSession(int64_t session_id, int32_t timeout_ms, std::string passwd,
                            int64_t zxid, int64_t time_ms) {
  Txn txn;
  txn.header = TxnHeader{session_id, 0, zxid, time_ms};
  txn.body = CreateSessionTxn{timeout_ms, std::move(passwd)};
  return txn;
}

Txn Prep::PrepCloseSession(int64_t session_id, int64_t zxid, int64_t time_ms) {
  // One record per parent that loses children and one mark for the
  // session, not two records per ephemeral: a session may hold a million.
  // Ordered (not hashed) so that every replica and simulation run adds
  // the records in one order.
  std::map<std::string, int32_t, std::less<>> lost;  // parent path -> children it loses
  pending_.ForEachEphemeralOf(session_id, [&](const std::string& path) {
    std::string_view parent = ParentPath(path);
    auto it = lost.find(parent);
    if (it == lost.end()) it = lost.emplace(parent, 0).first;
    ++it->second;
  });
  pending_.CloseSession(session_id, zxid);
  for (const auto& [parent, count] : lost) {
    if (!pending_.Exists(parent)) continue;
    int32_t children = count;  // a lambda may not capture a structured binding (clang 14)
    pending_.Modify(parent, zxid, [&](ChangeRecord& p) {
      p.child_count -= children;
      p.stat.pzxid = zxid;
    });
  }
  Txn txn;
  txn.header = TxnHeader{session_id, 0, zxid, time_ms};
  txn.body = CloseSessionTxn{};
  return txn;
}

Txn Prep::PrepDeleteContainer(const std::string& path, int64_t zxid, int64_t time_ms) {
  Txn txn;
  txn.header = TxnHeader{0, 0, zxid, time_ms};
  auto node = pending_.Get(path);
  ChangeRecord parent;
  ErrorCode err = ErrorCode::kOk;
  if (!IsValidPath(path) || IsSpecialPath(path)) {
    err = ErrorCode::kBadArguments;
  } else if (!node) {
    err = ErrorCode::kNoNode;
  } else if (node->child_count > 0) {
    err = ErrorCode::kNotEmpty;
  } else if (KindOfOwner(node->stat.ephemeral_owner, true) == EphemeralKind::kNormal) {
    err = ErrorCode::kBadVersion;
  } else {
    err = ParentRecord(path, &parent);
  }
  if (err != ErrorCode::kOk) {
    txn.body = ErrorTxn{err};
    return txn;
  }
  parent.zxid = zxid;
  parent.child_count--;
  parent.stat.pzxid = zxid;
  pending_.Add(std::move(parent));
  ChangeRecord gone;
  gone.zxid = zxid;
  gone.path = path;
  pending_.Add(std::move(gone));
  txn.body = DeleteTxn{OpCode::kDeleteContainer, path};
  return txn;
}

}  // namespace cairn::znode
