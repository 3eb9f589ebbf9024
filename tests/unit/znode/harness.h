// tests/unit/znode/harness.h: a DataTree driven the way the server drives
// it: requests are encoded as wire records, prepped with an explicit zxid and
// time by znode::Prep, applied with znode::ApplyTxn, and the watch triggers
// they cause are fired through a WatchRegistry. Single-threaded, no clock.
#pragma once

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "proto/codes.h"
#include "proto/multi.h"
#include "proto/records.h"
#include "znode/acl.h"
#include "znode/apply.h"
#include "znode/data_tree.h"
#include "znode/prep.h"
#include "znode/read_ops.h"
#include "znode/txn.h"
#include "znode/watch_registry.h"

namespace cairn::testing {

namespace proto = cairn::proto;
namespace znode = cairn::znode;

inline constexpr int64_t kSession = 0x0100000000000001LL;
inline constexpr int64_t kOtherSession = 0x0100000000000002LL;

inline proto::AclList OpenAcl() {
  return {proto::Acl{proto::perms::kAll, proto::Id{"world", "anyone"}}};
}
inline proto::AclList WorldAcl(int32_t perms) {
  return {proto::Acl{perms, proto::Id{"world", "anyone"}}};
}

inline proto::CreateRequest MakeCreate(const std::string& path, const std::string& data,
                                       int32_t flags, proto::AclList acl = OpenAcl(),
                                       int64_t ttl = -1) {
  proto::CreateRequest c;
  c.path = path;
  c.data = data;
  c.acl = std::move(acl);
  c.flags = flags;
  c.ttl = ttl;
  return c;
}

// CreateRequest body; ttl present only for createTTL (has_ttl).
inline std::string CreateBody(const std::string& path, const std::string& data = "",
                              int32_t flags = 0, proto::AclList acl = OpenAcl(),
                              std::optional<int64_t> ttl = std::nullopt) {
  proto::CreateRequest c = MakeCreate(path, data, flags, std::move(acl), ttl.value_or(-1));
  std::string out;
  proto::JuteWriter w(&out);
  c.Write(w, ttl.has_value());
  return out;
}

inline proto::PathVersionRequest MakePathVersion(const std::string& path, int32_t version) {
  proto::PathVersionRequest r;
  r.path = path;
  r.version = version;
  return r;
}
inline std::string DeleteBody(const std::string& path, int32_t version = -1) {
  return proto::Encode(MakePathVersion(path, version));
}
inline std::string CheckBody(const std::string& path, int32_t version) {
  return proto::Encode(MakePathVersion(path, version));
}

inline proto::SetDataRequest MakeSetData(const std::string& path, const std::string& data,
                                         int32_t version) {
  proto::SetDataRequest s;
  s.path = path;
  s.data = data;
  s.version = version;
  return s;
}
inline std::string SetDataBody(const std::string& path, const std::string& data,
                               int32_t version = -1) {
  return proto::Encode(MakeSetData(path, data, version));
}

inline std::string SetAclBody(const std::string& path, const proto::AclList& acl,
                              int32_t version = -1) {
  proto::SetAclRequest s;
  s.path = path;
  s.acl = acl;
  s.version = version;
  return proto::Encode(s);
}

inline proto::PathWatchRequest MakePathWatch(const std::string& path, bool watch) {
  proto::PathWatchRequest r;
  r.path = path;
  r.watch = watch;
  return r;
}
inline std::string PathWatchBody(const std::string& path, bool watch = false) {
  return proto::Encode(MakePathWatch(path, watch));
}
inline std::string PathBody(const std::string& path) {
  proto::PathRequest r;
  r.path = path;
  return proto::Encode(r);
}
inline std::string PathIntBody(const std::string& path, int32_t value) {
  proto::PathIntRequest r;
  r.path = path;
  r.value = value;
  return proto::Encode(r);
}

// Builds a multi / multiRead body op by op.
class MultiBuilder {
 public:
  MultiBuilder& Create(const std::string& path, const std::string& data = "", int32_t flags = 0,
                       proto::OpCode type = proto::OpCode::kCreate,
                       proto::AclList acl = OpenAcl()) {
    return Add(type, MakeCreate(path, data, flags, std::move(acl)));
  }
  MultiBuilder& Delete(const std::string& path, int32_t version = -1) {
    return Add(proto::OpCode::kDelete, MakePathVersion(path, version));
  }
  MultiBuilder& SetData(const std::string& path, const std::string& data, int32_t version = -1) {
    return Add(proto::OpCode::kSetData, MakeSetData(path, data, version));
  }
  MultiBuilder& Check(const std::string& path, int32_t version) {
    return Add(proto::OpCode::kCheck, MakePathVersion(path, version));
  }
  MultiBuilder& GetData(const std::string& path) {
    return Add(proto::OpCode::kGetData, MakePathWatch(path, false));
  }
  MultiBuilder& GetChildren(const std::string& path) {
    return Add(proto::OpCode::kGetChildren, MakePathWatch(path, false));
  }
  std::string Body() const {
    std::string out;
    proto::JuteWriter w(&out);
    m_.Write(w);
    return out;
  }

 private:
  template <typename Body>
  MultiBuilder& Add(proto::OpCode type, Body body) {
    proto::MultiOp op;
    op.type = type;
    op.body = std::move(body);
    m_.ops.push_back(std::move(op));
    return *this;
  }
  proto::MultiRequest m_;
};

class TreeHarness {
 public:
  explicit TreeHarness(znode::PrepOptions options = {}) : prep(&tree, options) {}

  // Preps one write with the next zxid and the current time; nothing applies.
  znode::Txn PrepOp(proto::OpCode op, const std::string& body, int64_t session = kSession,
                    const znode::AuthIds* as = nullptr) {
    znode::WriteRequest req;
    req.op = op;
    req.body = body;
    req.session_id = session;
    req.cxid = ++cxid;
    req.auth = as ? as : &auth;
    return prep.PrepWrite(req, NextZxid(), NextTime());
  }

  // Applies a prepped txn, fires its watches and tells prep it applied.
  znode::ApplyResult Apply(const znode::Txn& txn) {
    znode::WatchFires fires;
    znode::ApplyResult r = znode::ApplyTxn(tree, txn, &fires);
    for (size_t i = 0; i < fires.size(); ++i) {
      watches.Fire(fires[i], static_cast<int32_t>(i), &events);
    }
    prep.Applied(txn.header.zxid);
    return r;
  }

  znode::ApplyResult Run(proto::OpCode op, const std::string& body, int64_t session = kSession,
                         const znode::AuthIds* as = nullptr) {
    return Apply(PrepOp(op, body, session, as));
  }

  proto::ErrorCode Create(const std::string& path, int32_t flags = 0, const std::string& data = "",
                          int64_t session = kSession, proto::AclList acl = OpenAcl()) {
    return Run(proto::OpCode::kCreate, CreateBody(path, data, flags, std::move(acl)), session).err;
  }
  proto::ErrorCode Delete(const std::string& path, int32_t version = -1) {
    return Run(proto::OpCode::kDelete, DeleteBody(path, version)).err;
  }
  proto::ErrorCode SetData(const std::string& path, const std::string& data, int32_t version = -1) {
    return Run(proto::OpCode::kSetData, SetDataBody(path, data, version)).err;
  }
  proto::ErrorCode SetAcl(const std::string& path, const proto::AclList& acl, int32_t version = -1) {
    return Run(proto::OpCode::kSetAcl, SetAclBody(path, acl, version)).err;
  }
  znode::ApplyResult CloseSession(int64_t session) {
    return Apply(prep.PrepCloseSession(session, NextZxid(), NextTime()));
  }

  znode::ReadReply Read(proto::OpCode op, const std::string& body, int64_t session = kSession,
                        const znode::AuthIds* as = nullptr) {
    znode::ReadContext ctx{tree, watches, session, as ? *as : auth, &immediate};
    return znode::ExecuteRead(op, body, ctx);
  }

  proto::Stat StatOf(const std::string& path) const {
    const znode::Node* n = tree.Find(path);
    REQUIRE(n != nullptr);
    return n->ClientStat();
  }
  bool Exists(const std::string& path) const { return tree.Find(path) != nullptr; }

  int64_t NextZxid() { return next_zxid++; }
  int64_t NextTime() {
    int64_t t = now_ms;
    now_ms += 10;
    return t;
  }

  znode::DataTree tree;
  znode::Prep prep;
  znode::WatchRegistry watches;
  znode::AuthIds auth;  // the default caller's ids
  std::vector<znode::Notification> events;     // from applied txns
  std::vector<znode::Notification> immediate;  // from setWatches
  int64_t next_zxid = 0x100000001LL;
  int64_t now_ms = 1700000000000LL;
  int32_t cxid = 0;
};

inline const znode::ErrorTxn* AsError(const znode::Txn& txn) {
  return std::get_if<znode::ErrorTxn>(&txn.body);
}

}  // namespace cairn::testing
