#include "unit/support/reference_db.h"

#include <utility>

#include "base/hex.h"
#include "base/ids.h"
#include "server/snapshotter.h"
#include "session/session_table.h"

namespace cairn::testing {

znode::PrepOptions ExtendedPrep() {
  znode::PrepOptions o;
  o.extended_types_enabled = true;
  return o;
}

void ReferenceDb::NewEpoch(uint32_t epoch) { db.set_last_zxid(MakeZxid(epoch, 0).value); }

znode::ApplyResult ReferenceDb::Commit(const znode::Txn& txn) {
  auto applied = db.Apply(txn, 0);
  std::string bytes;
  znode::EncodeTxn(txn, &bytes);
  unlogged.push_back(storage::LogRecord{txn.header.zxid, bytes});
  all.push_back(unlogged.back());
  return applied.result;
}

znode::ApplyResult ReferenceDb::Write(proto::OpCode op, const std::string& body, int64_t session) {
  znode::WriteRequest req;
  req.op = op;
  req.body = body;
  req.session_id = session;
  req.cxid = ++cxid;
  req.auth = &auth;
  return Commit(db.prep().PrepWrite(req, db.NextZxid(), Time()));
}

void ReferenceDb::Must(proto::OpCode op, const std::string& body, int64_t session) {
  auto r = Write(op, body, session);
  INFO("op " << static_cast<int>(op) << " at zxid " << Hex(db.last_assigned_zxid()));
  REQUIRE(r.err == proto::ErrorCode::kOk);
}

void ReferenceDb::Create(const std::string& path, int32_t flags, const std::string& data,
                         int64_t session, proto::AclList acl) {
  Must(proto::OpCode::kCreate, CreateBody(path, data, flags, std::move(acl)), session);
}

void ReferenceDb::CreateSession(int64_t id, int32_t timeout_ms) {
  std::string passwd(16, static_cast<char>('a' + (id & 0xf)));
  Commit(db.prep().PrepCreateSession(id, timeout_ms, passwd, db.NextZxid(), Time()));
}

void ReferenceDb::CloseSession(int64_t id) {
  Commit(db.prep().PrepCloseSession(id, db.NextZxid(), Time()));
}

void ReferenceDb::Flush(storage::TxnLog& log) {
  auto appended = log.Append(unlogged);
  INFO((appended ? std::string() : appended.error().message()));
  REQUIRE(appended);
  unlogged.clear();
}

int64_t ReferenceDb::Snapshot(storage::StorageEnv* env, const std::string& dir) {
  auto written = server::WriteSnapshot(env, dir, db);
  INFO((written ? std::string() : written.error().message()));
  REQUIRE(written);
  return db.tree().last_processed_zxid();
}

void Workload(ReferenceDb& w, int round) {
  using proto::OpCode;
  std::string dir = "/r" + std::to_string(round);
  if (round == 0) {
    w.CreateSession(kSession, 4000);
    w.CreateSession(kOtherSession, 10000);
    w.Create("/queue");
  }
  w.Create(dir, kPersistentFlag, "round");
  for (int i = 0; i < 20; ++i) {
    w.Create(dir + "/n" + std::to_string(i), kPersistentFlag, "v" + std::to_string(i));
  }
  for (int i = 0; i < 5; ++i) w.Create("/queue/item-", kPersistentSeqFlag, dir);
  w.Create(dir + "/eph1", kEphemeralFlag, "", kSession);
  w.Create(dir + "/eph2", kEphemeralFlag, "", kOtherSession);
  w.Must(OpCode::kSetData, SetDataBody(dir + "/n3", "changed"));
  w.Must(OpCode::kSetData, SetDataBody(dir + "/n3", "changed again", 1));
  w.Must(OpCode::kDelete, DeleteBody(dir + "/n4"));
  w.Must(OpCode::kSetAcl, SetAclBody(dir + "/n5", WorldAcl(proto::perms::kRead)));
  w.Must(OpCode::kCreateContainer,
         CreateBody(dir + "/box", "", static_cast<int32_t>(proto::CreateMode::kContainer)));
  w.Create(dir + "/box/item");
  w.Must(OpCode::kMulti,
         MultiBuilder().Create(dir + "/m").SetData(dir + "/n6", "m").Delete(dir + "/n7").Body());
  // Failed requests are txns too (ErrorTxn), and take a zxid.
  CHECK(w.Write(OpCode::kDelete, DeleteBody("/no/such/node")).err == proto::ErrorCode::kNoNode);
  CHECK(w.Write(OpCode::kSetData, SetDataBody(dir + "/n5", "denied")).err ==
        proto::ErrorCode::kNoAuth);
  w.Must(OpCode::kCreateTtl,
         CreateBody(dir + "/ttl", "t", static_cast<int32_t>(proto::CreateMode::kPersistentWithTtl),
                    OpenAcl(), 60000));
}

namespace {

std::string ChildPath(const std::string& parent, const std::string& child) {
  return parent == "/" ? "/" + child : parent + "/" + child;
}

}  // namespace

std::string DiffNode(const znode::DataTree& ta, const znode::Node& a, const znode::DataTree& tb,
                     const znode::Node& b) {
  std::string d;
  auto field = [&](const char* name, bool same) {
    if (!same) d += std::string(d.empty() ? "" : ", ") + name;
  };
  field("data", a.data() == b.data());
  field("data_null", a.data_null() == b.data_null());
  field("acl", ta.AclOf(a) == tb.AclOf(b));
  field("czxid", a.czxid == b.czxid);
  field("mzxid", a.mzxid == b.mzxid);
  field("pzxid", a.pzxid == b.pzxid);
  field("ctime", a.ctime == b.ctime);
  field("mtime", a.mtime == b.mtime);
  field("version", a.version == b.version);
  field("cversion", a.cversion == b.cversion);
  field("aversion", a.aversion == b.aversion);
  field("ephemeral_owner", a.ephemeral_owner == b.ephemeral_owner);
  field("children", ta.ChildNames(a) == tb.ChildNames(b));
  return d;
}

void RequireSameState(const server::Database& want, const server::Database& got) {
  const znode::DataTree& a = want.tree();
  const znode::DataTree& b = got.tree();
  CHECK(b.NodeCount() == a.NodeCount());
  CHECK(b.ApproximateDataSize() == a.ApproximateDataSize());
  CHECK(b.last_processed_zxid() == a.last_processed_zxid());
  CHECK(got.last_assigned_zxid() == want.last_assigned_zxid());
  CHECK(b.Containers() == a.Containers());
  CHECK(b.TtlNodes() == a.TtlNodes());
  CHECK(b.AllEphemerals() == a.AllEphemerals());

  std::vector<std::string> diffs;
  std::vector<std::string> stack = {"/"};
  while (!stack.empty() && diffs.size() < 10) {
    std::string path = std::move(stack.back());
    stack.pop_back();
    const znode::Node* x = a.Find(path);
    const znode::Node* y = b.Find(path);
    REQUIRE(x != nullptr);
    if (y == nullptr) {
      diffs.push_back(path + ": missing");
    } else if (std::string d = DiffNode(a, *x, b, *y); !d.empty()) {
      diffs.push_back(path + ": " + d);
    }
    for (const auto& c : a.ChildNames(*x)) stack.push_back(ChildPath(path, c));
  }
  std::string all;
  for (const auto& d : diffs) all += "\n  " + d;
  INFO("first differences:" << all);
  CHECK(diffs.empty());

  REQUIRE(got.sessions().size() == want.sessions().size());
  for (const auto& [id, s] : want.sessions().all()) {
    INFO("session " << Hex(id));
    const session::Session* r = got.sessions().Find(id);
    REQUIRE(r != nullptr);
    CHECK(r->timeout_ms == s.timeout_ms);
    CHECK(r->passwd == s.passwd);
  }
}

}  // namespace cairn::testing
