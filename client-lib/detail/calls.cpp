#include "client-lib/detail/calls.h"

#include <utility>

#include "proto/multi.h"
#include "proto/path.h"
#include "proto/records.h"

namespace cairn::client::detail {

using proto::Encode;
using proto::JuteReader;
using proto::JuteWriter;
using proto::OpCode;

namespace {

// The completion shared by every call: decode the body only on success (a
// failed op carries none) and hand the Outcome to the application's callback.
// `complete` may run twice (once more with nullptr when the body turned out
// malformed), so the callback is copied into the delivery, not moved.
template <typename T, typename Decode>
std::function<Delivery(ErrorCode, JuteReader*)> Complete(Callback<T> done, Decode decode) {
  return [done = std::move(done), decode = std::move(decode)](ErrorCode code,
                                                              JuteReader* r) -> Delivery {
    Outcome<T> out;
    out.code = code;
    if (r != nullptr && code == ErrorCode::kOk) decode(*r, out.value);
    return [done, out = std::move(out)]() mutable { done(std::move(out)); };
  };
}

auto NoBody() {
  return [](JuteReader&, Empty&) {};
}

auto StatBody() {
  return [](JuteReader& r, Stat& s) { s.Read(r); };
}

Call Make(OpCode op, std::string body, std::function<Delivery(ErrorCode, JuteReader*)> complete) {
  Call call;
  call.op = op;
  call.body = std::move(body);
  call.complete = std::move(complete);
  return call;
}

}  // namespace

ErrorCode CheckPath(std::string_view path, bool sequential) {
  if (sequential && !path.empty() && path.back() == '/') {
    std::string with_counter(path);
    with_counter += '0';
    return proto::IsValidPath(with_counter) ? ErrorCode::kOk : ErrorCode::kBadArguments;
  }
  return proto::IsValidPath(path) ? ErrorCode::kOk : ErrorCode::kBadArguments;
}

ErrorCode CheckCreate(std::string_view path, const CreateOptions& options) {
  if (!proto::IsValidCreateFlags(static_cast<int32_t>(options.mode))) {
    return ErrorCode::kBadArguments;
  }
  bool ttl = proto::IsTtl(options.mode);
  if (ttl != (options.ttl_ms > 0) || options.ttl_ms > proto::kTtlMax) {
    return ErrorCode::kBadArguments;
  }
  if (options.acl.empty()) return ErrorCode::kInvalidAcl;
  return CheckPath(path, proto::IsSequential(options.mode));
}

ErrorCode CheckTransaction(const std::vector<proto::MultiOp>& ops) {
  for (const auto& op : ops) {
    ErrorCode code = std::visit(
        [&](const auto& body) {
          using T = std::decay_t<decltype(body)>;
          if constexpr (std::is_same_v<T, proto::CreateRequest>) {
            CreateOptions o{static_cast<CreateMode>(body.flags), body.acl, body.ttl};
            return CheckCreate(body.path, o);
          } else {
            return CheckPath(body.path);
          }
        },
        op.body);
    if (code != ErrorCode::kOk) return code;
  }
  return ErrorCode::kOk;
}

Call CreateCall(const Chroot& c, const std::string& path, std::string data,
                const CreateOptions& options, Callback<Created> done) {
  proto::CreateRequest req;
  req.path = c.ToServer(path);
  req.data = std::move(data);
  req.acl = options.acl;
  req.flags = static_cast<int32_t>(options.mode);
  req.ttl = options.ttl_ms;
  OpCode op = CreateOpCode(options.mode);
  std::string body;
  JuteWriter w(&body);
  req.Write(w, op == OpCode::kCreateTtl);
  return Make(op, std::move(body), Complete(std::move(done), [c](JuteReader& r, Created& v) {
                v.path = c.ToClient(r.String());
                v.stat.Read(r);
              }));
}

Call DeleteCall(const Chroot& c, const std::string& path, int32_t version, Callback<Empty> done) {
  return Make(OpCode::kDelete, Encode(proto::PathVersionRequest{c.ToServer(path), version}),
              Complete(std::move(done), NoBody()));
}

Call ExistsCall(const Chroot& c, const std::string& path, Watcher watcher, Callback<Stat> done) {
  bool watch = static_cast<bool>(watcher);
  Call call = Make(OpCode::kExists, Encode(proto::PathWatchRequest{c.ToServer(path), watch}),
                   Complete(std::move(done), StatBody()));
  if (watch) call.watch = WatchRegistration{path, std::move(watcher), WatchKind::kData, true};
  return call;
}

Call GetDataCall(const Chroot& c, const std::string& path, Watcher watcher,
                 Callback<NodeData> done) {
  bool watch = static_cast<bool>(watcher);
  Call call = Make(OpCode::kGetData, Encode(proto::PathWatchRequest{c.ToServer(path), watch}),
                   Complete(std::move(done), [](JuteReader& r, NodeData& v) {
                     v.data = r.Buffer();
                     v.stat.Read(r);
                   }));
  if (watch) call.watch = WatchRegistration{path, std::move(watcher), WatchKind::kData, false};
  return call;
}

Call SetDataCall(const Chroot& c, const std::string& path, std::string data, int32_t version,
                 Callback<Stat> done) {
  proto::SetDataRequest req;
  req.path = c.ToServer(path);
  req.data = std::move(data);
  req.version = version;
  return Make(OpCode::kSetData, Encode(req), Complete(std::move(done), StatBody()));
}

Call GetChildrenCall(const Chroot& c, const std::string& path, Watcher watcher,
                     Callback<Children> done) {
  bool watch = static_cast<bool>(watcher);
  Call call = Make(OpCode::kGetChildren2, Encode(proto::PathWatchRequest{c.ToServer(path), watch}),
                   Complete(std::move(done), [](JuteReader& r, Children& v) {
                     v.names = proto::ReadStrings(r);
                     v.stat.Read(r);
                   }));
  if (watch) call.watch = WatchRegistration{path, std::move(watcher), WatchKind::kChild, false};
  return call;
}

Call GetAclCall(const Chroot& c, const std::string& path, Callback<AclAndStat> done) {
  return Make(OpCode::kGetAcl, Encode(proto::PathRequest{c.ToServer(path)}),
              Complete(std::move(done), [](JuteReader& r, AclAndStat& v) {
                v.acl = proto::ReadAcls(r);
                v.stat.Read(r);
              }));
}

Call SetAclCall(const Chroot& c, const std::string& path, AclList acl, int32_t version,
                Callback<Stat> done) {
  return Make(OpCode::kSetAcl,
              Encode(proto::SetAclRequest{c.ToServer(path), std::move(acl), version}),
              Complete(std::move(done), StatBody()));
}

Call SyncCall(const Chroot& c, const std::string& path, Callback<std::string> done) {
  return Make(OpCode::kSync, Encode(proto::PathRequest{c.ToServer(path)}),
              Complete(std::move(done),
                       [c](JuteReader& r, std::string& v) { v = c.ToClient(r.String()); }));
}

Call MultiCall(const Chroot& c, const std::vector<proto::MultiOp>& ops, bool read_only,
               Callback<std::vector<OpResult>> done) {
  proto::MultiRequest req;
  req.ops = ops;
  for (auto& op : req.ops) {
    std::visit([&](auto& body) { body.path = c.ToServer(body.path); }, op.body);
  }
  // A failed multi still carries every op's result, so it decodes on error
  // too (Complete only decodes on success).
  auto complete = [done = std::move(done), c, read_only](ErrorCode code,
                                                         JuteReader* r) -> Delivery {
    Outcome<std::vector<OpResult>> out;
    out.code = code;
    bool has_body = r != nullptr && (code == ErrorCode::kOk || r->remaining() > 0);
    if (has_body) {
      proto::MultiResponse resp;
      resp.Read(*r);
      for (auto& m : resp.results) {
        OpResult op;
        op.type = m.type;
        op.code = m.err;
        op.path = m.path.empty() ? std::string() : c.ToClient(m.path);
        op.stat = m.stat;
        op.data = std::move(m.data);
        op.children = std::move(m.children);
        out.value.push_back(std::move(op));
      }
      // ZooKeeper answers a failed multi with err 0 in the header and the
      // cause in the results: the first code that is neither "rolled back"
      // (0) nor "not run" (runtimeInconsistency) is the transaction's.
      if (!read_only && out.code == ErrorCode::kOk) {
        for (const auto& op : out.value) {
          if (op.type == OpCode::kError && op.code != ErrorCode::kOk &&
              op.code != ErrorCode::kRuntimeInconsistency) {
            out.code = op.code;
            break;
          }
        }
      }
    }
    return [done, out = std::move(out)]() mutable { done(std::move(out)); };
  };
  return Make(read_only ? OpCode::kMultiRead : OpCode::kMulti, Encode(req), std::move(complete));
}

Call GetEphemeralsCall(const Chroot& c, const std::string& prefix,
                       Callback<std::vector<std::string>> done) {
  return Make(OpCode::kGetEphemerals, Encode(proto::PathRequest{c.ToServer(prefix)}),
              Complete(std::move(done), [c](JuteReader& r, std::vector<std::string>& v) {
                for (auto& p : proto::ReadStrings(r)) v.push_back(c.ToClient(p));
              }));
}

Call GetAllChildrenNumberCall(const Chroot& c, const std::string& path, Callback<int32_t> done) {
  return Make(OpCode::kGetAllChildrenNumber, Encode(proto::PathRequest{c.ToServer(path)}),
              Complete(std::move(done), [](JuteReader& r, int32_t& v) { v = r.Int(); }));
}

Call AddWatchCall(const Chroot& c, const std::string& path, proto::AddWatchMode mode,
                  Watcher watcher, Callback<Empty> done) {
  Call call = Make(OpCode::kAddWatch,
                   Encode(proto::PathIntRequest{c.ToServer(path), static_cast<int32_t>(mode)}),
                   Complete(std::move(done), NoBody()));
  WatchKind kind = mode == proto::AddWatchMode::kPersistent ? WatchKind::kPersistent
                                                            : WatchKind::kPersistentRecursive;
  call.watch = WatchRegistration{path, std::move(watcher), kind, false};
  return call;
}

Call RemoveWatchesCall(const Chroot& c, const std::string& path, proto::WatcherType type,
                       Callback<Empty> done) {
  Call call = Make(OpCode::kRemoveWatches,
                   Encode(proto::PathIntRequest{c.ToServer(path), static_cast<int32_t>(type)}),
                   Complete(std::move(done), NoBody()));
  call.removes_watches = std::make_pair(type, path);
  return call;
}

Call WhoAmICall(Callback<std::vector<ClientIdentity>> done) {
  return Make(OpCode::kWhoAmI, std::string(),
              Complete(std::move(done), [](JuteReader& r, std::vector<ClientIdentity>& v) {
                int32_t n = r.Count(8);
                for (int32_t i = 0; i < n && r.ok(); ++i) {
                  proto::ClientInfo info;
                  info.Read(r);
                  v.push_back(ClientIdentity{std::move(info.auth_scheme), std::move(info.user)});
                }
              }));
}

}  // namespace cairn::client::detail
