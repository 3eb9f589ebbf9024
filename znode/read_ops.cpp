#include "znode/read_ops.h"

#include "proto/multi.h"
#include "proto/records.h"
#include "znode/path.h"

namespace cairn::znode {
namespace {

using proto::ErrorCode;
using proto::JuteReader;
using proto::JuteWriter;
using proto::OpCode;

ReadReply Error(ErrorCode err) { return ReadReply{err, {}}; }

ErrorCode GetData(const ReadContext& ctx, const proto::PathWatchRequest& req, std::string* data,
                  bool* data_null, proto::Stat* stat) {
  const Node* n = ctx.tree.Find(req.path);
  if (n == nullptr) return ErrorCode::kNoNode;
  if (!CheckAcl(ctx.tree.AclOf(*n), proto::perms::kRead, ctx.auth)) return ErrorCode::kNoAuth;
  if (req.watch) ctx.watches.Add(kDataWatches, req.path, ctx.session_id, WatchRegistry::kStandard);
  *data = n->data();
  *data_null = n->data_null();
  *stat = n->ClientStat();
  return ErrorCode::kOk;
}

ErrorCode GetChildren(const ReadContext& ctx, const proto::PathWatchRequest& req,
                      std::vector<std::string>* children, proto::Stat* stat) {
  const Node* n = ctx.tree.Find(req.path);
  if (n == nullptr) return ErrorCode::kNoNode;
  if (!CheckAcl(ctx.tree.AclOf(*n), proto::perms::kRead, ctx.auth)) return ErrorCode::kNoAuth;
  if (req.watch) ctx.watches.Add(kChildWatches, req.path, ctx.session_id, WatchRegistry::kStandard);
  *children = ctx.tree.ChildNames(*n);
  *stat = n->ClientStat();
  return ErrorCode::kOk;
}

ReadReply Exists(const ReadContext& ctx, const proto::PathWatchRequest& req) {
  if (req.path.find('\0') != std::string::npos) return Error(ErrorCode::kBadArguments);
  // exists needs no permission (the reference 3.8.0 server checks none;
  // ZooKeeper 3.8.4 added a READ check).
  const Node* n = ctx.tree.Find(req.path);
  // exists arms a watch whether or not the node is there (NodeCreated).
  if (req.watch) ctx.watches.Add(kDataWatches, req.path, ctx.session_id, WatchRegistry::kStandard);
  if (n == nullptr) return Error(ErrorCode::kNoNode);
  ReadReply rep;
  JuteWriter w(&rep.body);
  n->ClientStat().Write(w);
  return rep;
}

ReadReply GetAcl(const ReadContext& ctx, const proto::PathRequest& req) {
  const Node* n = ctx.tree.Find(req.path);
  if (n == nullptr) return Error(ErrorCode::kNoNode);
  const auto& acl = ctx.tree.AclOf(*n);
  if (!CheckAcl(acl, proto::perms::kRead | proto::perms::kAdmin, ctx.auth)) {
    return Error(ErrorCode::kNoAuth);
  }
  proto::AclList shown = acl;
  // Without ADMIN, digest hashes are masked as ZooKeeper does.
  if (!CheckAcl(acl, proto::perms::kAdmin, ctx.auth)) {
    for (auto& a : shown) {
      if (a.id.scheme == "digest") {
        size_t colon = a.id.id.find(':');
        if (colon != std::string::npos) a.id.id = a.id.id.substr(0, colon) + ":x";
      }
    }
  }
  ReadReply rep;
  JuteWriter w(&rep.body);
  proto::WriteAcls(w, shown);
  n->ClientStat().Write(w);
  return rep;
}

ReadReply MultiRead(const ReadContext& ctx, const proto::MultiRequest& req) {
  proto::MultiResponse resp;
  size_t bytes = 0;
  for (const auto& op : req.ops) {
    if (op.type != OpCode::kGetData && op.type != OpCode::kGetChildren) {
      // ZooKeeper fails the whole request but still writes the (empty)
      // response: the terminator alone.
      ReadReply rep{ErrorCode::kMarshallingError, {}};
      JuteWriter w(&rep.body);
      proto::MultiResponse{}.Write(w);
      return rep;
    }
  }
  for (const auto& op : req.ops) {
    proto::MultiResult res;
    const auto* g = std::get_if<proto::PathWatchRequest>(&op.body);
    if (g == nullptr) return Error(ErrorCode::kMarshallingError);
    ErrorCode err;
    if (op.type == OpCode::kGetData) {
      err = GetData(ctx, *g, &res.data, &res.data_null, &res.stat);
      res.type = OpCode::kGetData;
    } else {
      err = GetChildren(ctx, *g, &res.children, &res.stat);
      res.type = OpCode::kGetChildren;
    }
    if (err != ErrorCode::kOk) {
      res = proto::MultiResult{};
      res.type = OpCode::kError;
      res.err = err;
    }
    // Stop before a small request builds a huge reply (70 getData ops on a
    // 1 MB node already make 70 MB).
    bytes += res.data.size() + proto::kStatBytes + 16;
    for (const auto& c : res.children) bytes += c.size() + 4;
    if (bytes > ctx.max_reply_bytes) {
      ReadReply rep;
      rep.too_large = true;
      return rep;
    }
    resp.results.push_back(std::move(res));
  }
  ReadReply rep;
  JuteWriter w(&rep.body);
  resp.Write(w);
  return rep;
}

void SetWatches(const ReadContext& ctx, const proto::SetWatchesRequest& req) {
  auto fire = [&](const std::string& path, proto::EventType type) {
    ctx.immediate->push_back(Notification{ctx.session_id, type, path});
  };
  for (const auto& path : req.data_watches) {
    const Node* n = ctx.tree.Find(path);
    if (n == nullptr) {
      fire(path, proto::EventType::kNodeDeleted);
    } else if (n->mzxid > req.relative_zxid) {
      fire(path, proto::EventType::kNodeDataChanged);
    } else {
      ctx.watches.Add(kDataWatches, path, ctx.session_id, WatchRegistry::kStandard);
    }
  }
  for (const auto& path : req.exist_watches) {
    if (ctx.tree.Find(path) != nullptr) {
      fire(path, proto::EventType::kNodeCreated);
    } else {
      ctx.watches.Add(kDataWatches, path, ctx.session_id, WatchRegistry::kStandard);
    }
  }
  for (const auto& path : req.child_watches) {
    const Node* n = ctx.tree.Find(path);
    if (n == nullptr) {
      fire(path, proto::EventType::kNodeDeleted);
    } else if (n->pzxid > req.relative_zxid) {
      fire(path, proto::EventType::kNodeChildrenChanged);
    } else {
      ctx.watches.Add(kChildWatches, path, ctx.session_id, WatchRegistry::kStandard);
    }
  }
  for (const auto& path : req.persistent_watches) {
    ctx.watches.AddPersistent(path, ctx.session_id, false);
  }
  for (const auto& path : req.persistent_recursive_watches) {
    ctx.watches.AddPersistent(path, ctx.session_id, true);
  }
}

}  // namespace

bool IsTreeReadOp(OpCode op) {
  switch (op) {
    case OpCode::kExists:
    case OpCode::kGetData:
    case OpCode::kGetChildren:
    case OpCode::kGetChildren2:
    case OpCode::kGetAcl:
    case OpCode::kGetAllChildrenNumber:
    case OpCode::kGetEphemerals:
    case OpCode::kMultiRead:
    case OpCode::kSetWatches:
    case OpCode::kSetWatches2:
    case OpCode::kAddWatch:
    case OpCode::kCheckWatches:
    case OpCode::kRemoveWatches:
      return true;
    default:
      return false;
  }
}

// ExecuteRead without the reply-size cap.
static ReadReply ExecuteReadUncapped(OpCode op, std::string_view body, const ReadContext& ctx) {
  JuteReader r(body);
  switch (op) {
    case OpCode::kExists: {
      proto::PathWatchRequest req;
      req.Read(r);
      if (!r.ok()) break;
      return Exists(ctx, req);
    }
    case OpCode::kGetData: {
      proto::PathWatchRequest req;
      req.Read(r);
      if (!r.ok()) break;
      ReadReply rep;
      std::string data;
      bool data_null = false;
      proto::Stat stat;
      rep.err = GetData(ctx, req, &data, &data_null, &stat);
      if (rep.err != ErrorCode::kOk) return rep;
      JuteWriter w(&rep.body);
      if (data_null) {
        w.NullBuffer();
      } else {
        w.Buffer(data);
      }
      stat.Write(w);
      return rep;
    }
    case OpCode::kGetChildren:
    case OpCode::kGetChildren2: {
      proto::PathWatchRequest req;
      req.Read(r);
      if (!r.ok()) break;
      ReadReply rep;
      std::vector<std::string> children;
      proto::Stat stat;
      rep.err = GetChildren(ctx, req, &children, &stat);
      if (rep.err != ErrorCode::kOk) return rep;
      JuteWriter w(&rep.body);
      proto::WriteStrings(w, children);
      if (op == OpCode::kGetChildren2) stat.Write(w);
      return rep;
    }
    case OpCode::kGetAcl: {
      proto::PathRequest req;
      req.Read(r);
      if (!r.ok()) break;
      return GetAcl(ctx, req);
    }
    case OpCode::kGetAllChildrenNumber: {
      proto::PathRequest req;
      req.Read(r);
      if (!r.ok()) break;
      const Node* n = ctx.tree.Find(req.path);
      if (n == nullptr) return Error(ErrorCode::kNoNode);
      if (!CheckAcl(ctx.tree.AclOf(*n), proto::perms::kRead, ctx.auth)) {
        return Error(ErrorCode::kNoAuth);
      }
      ReadReply rep;
      JuteWriter w(&rep.body);
      // ZooKeeper counts keys under the path prefix, and keys the root both
      // as "" and "/": so "" counts one more than "/".
      w.Int(ctx.tree.CountDescendants(req.path) + (req.path.empty() ? 1 : 0));
      return rep;
    }
    case OpCode::kGetEphemerals: {
      proto::PathRequest req;
      req.Read(r);
      if (!r.ok()) break;
      std::vector<std::string> out;
      // ZooKeeper trims the prefix before comparing it with "" and "/".
      size_t b = req.path.find_first_not_of(" \t\n\r\f\v");
      size_t e = req.path.find_last_not_of(" \t\n\r\f\v");
      std::string trimmed = b == std::string::npos ? "" : req.path.substr(b, e - b + 1);
      bool all = trimmed.empty() || trimmed == "/";
      for (const auto& p : ctx.tree.EphemeralsOf(ctx.session_id)) {
        if (all || p.starts_with(req.path)) out.push_back(p);
      }
      ReadReply rep;
      JuteWriter w(&rep.body);
      proto::WriteStrings(w, out);
      return rep;
    }
    case OpCode::kMultiRead: {
      proto::MultiRequest req;
      req.Read(r);
      if (!r.ok()) break;
      return MultiRead(ctx, req);
    }
    case OpCode::kSetWatches:
    case OpCode::kSetWatches2: {
      proto::SetWatchesRequest req;
      req.Read(r, op == OpCode::kSetWatches2);
      if (!r.ok()) break;
      SetWatches(ctx, req);
      return ReadReply{};
    }
    case OpCode::kAddWatch: {
      proto::PathIntRequest req;
      req.Read(r);
      if (!r.ok() || req.value < 0 || req.value > 1) break;
      ctx.watches.AddPersistent(req.path, ctx.session_id,
                                req.value == static_cast<int32_t>(proto::AddWatchMode::kPersistentRecursive));
      ReadReply rep;
      JuteWriter w(&rep.body);
      w.Int(0);  // ErrorResponse(0)
      return rep;
    }
    case OpCode::kCheckWatches:
    case OpCode::kRemoveWatches: {
      proto::PathIntRequest req;
      req.Read(r);
      if (!r.ok() || req.value < 1 || req.value > 5) break;
      auto type = static_cast<proto::WatcherType>(req.value);
      bool found = op == OpCode::kCheckWatches ? ctx.watches.Contains(req.path, type, ctx.session_id)
                                               : ctx.watches.Remove(req.path, type, ctx.session_id);
      return found ? ReadReply{} : Error(ErrorCode::kNoWatcher);
    }
    default:
      break;
  }
  return Error(ErrorCode::kMarshallingError);
}

ReadReply ExecuteRead(OpCode op, std::string_view body, const ReadContext& ctx) {
  ReadReply rep = ExecuteReadUncapped(op, body, ctx);
  if (rep.body.size() > ctx.max_reply_bytes) {  // e.g. getChildren of millions
    rep.body.clear();
    rep.too_large = true;
  }
  return rep;
}

}  // namespace cairn::znode
