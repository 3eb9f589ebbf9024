// Applies hand-built txns with ApplyTxn and checks what it reports: multi
// results typed as ZooKeeper answers them, the Stats it returns, and the
// tree's last processed zxid.
#include "znode/apply.h"

#include <catch2/catch.hpp>

#include "unit/znode/harness.h"

using namespace cairn::testing;
using proto::ErrorCode;
using proto::OpCode;

namespace {

znode::Txn MakeTxn(int64_t zxid, znode::TxnBody body) {
  znode::Txn t;
  t.header.session_id = kSession;
  t.header.zxid = zxid;
  t.header.time_ms = 100 * zxid;
  t.body = std::move(body);
  return t;
}

znode::CreateTxn Create(OpCode op, const std::string& path, int32_t parent_cversion,
                        int64_t owner = 0) {
  znode::CreateTxn c;
  c.op = op;
  c.path = path;
  c.acl = OpenAcl();
  c.ephemeral_owner = owner;
  c.parent_cversion = parent_cversion;
  return c;
}

}  // namespace

TEST_CASE("ApplyTxn: multi results use the opcodes ZooKeeper answers with", "[znode]") {
  znode::DataTree tree;
  znode::MultiTxn m;
  m.ops = {Create(OpCode::kCreate, "/a", 1), Create(OpCode::kCreate2, "/b", 2),
           Create(OpCode::kCreateContainer, "/c", 3, proto::kContainerEphemeralOwner),
           Create(OpCode::kCreateTtl, "/t", 4, znode::TtlOwner(1000)),
           znode::DeleteTxn{OpCode::kDeleteContainer, "/c"}, znode::CheckTxn{"/a", 1}};
  znode::SetDataTxn s;
  s.path = "/a";
  s.data = "v";
  s.version = 1;
  m.ops.push_back(s);
  znode::WatchFires fires;
  auto r = znode::ApplyTxn(tree, MakeTxn(7, m), &fires);
  REQUIRE(r.multi.size() == 7);
  CHECK(r.multi[0].type == OpCode::kCreate);
  CHECK(r.multi[0].path == "/a");
  CHECK(r.multi[1].type == OpCode::kCreate2);
  CHECK(r.multi[1].stat.czxid == 7);
  CHECK(r.multi[2].type == OpCode::kCreate2);  // createContainer answers as create2
  CHECK(r.multi[3].type == OpCode::kCreate2);  // so does createTTL
  CHECK(r.multi[3].path == "/t");
  CHECK(r.multi[4].type == OpCode::kDelete);   // deleteContainer answers as delete
  CHECK(r.multi[5].type == OpCode::kCheck);
  CHECK(r.multi[6].type == OpCode::kSetData);
  CHECK(r.multi[6].stat.version == 1);
  CHECK(r.multi[6].stat.data_length == 1);
  CHECK(tree.Find("/c") == nullptr);
  CHECK(tree.TtlNodes().count("/t") == 1);
  CHECK(tree.last_processed_zxid() == 7);
}

TEST_CASE("ApplyTxn: a failed multi changes nothing and reports each op's code", "[znode]") {
  znode::DataTree tree;
  znode::MultiTxn m;
  m.ops = {znode::ErrorTxn{ErrorCode::kOk}, znode::ErrorTxn{ErrorCode::kNodeExists},
           znode::ErrorTxn{ErrorCode::kRuntimeInconsistency}};
  znode::WatchFires fires;
  auto r = znode::ApplyTxn(tree, MakeTxn(3, m), &fires);
  REQUIRE(r.multi.size() == 3);
  CHECK(r.multi[0].type == OpCode::kError);
  CHECK(r.multi[0].err == ErrorCode::kOk);
  CHECK(r.multi[1].err == ErrorCode::kNodeExists);
  CHECK(r.multi[2].err == ErrorCode::kRuntimeInconsistency);
  CHECK(fires.empty());
  CHECK(tree.NodeCount() == 4);
  CHECK(tree.last_processed_zxid() == 3);
}

TEST_CASE("ApplyTxn: setACL reports the node's Stat with the new aversion", "[znode]") {
  znode::DataTree tree;
  znode::WatchFires fires;
  znode::ApplyTxn(tree, MakeTxn(1, Create(OpCode::kCreate, "/a", 1)), &fires);
  znode::SetAclTxn a;
  a.path = "/a";
  a.acl = WorldAcl(proto::perms::kRead);
  a.version = 1;
  auto r = znode::ApplyTxn(tree, MakeTxn(2, a), &fires);
  CHECK(r.err == ErrorCode::kOk);
  CHECK(r.stat.aversion == 1);
  CHECK(r.stat.czxid == 1);
  CHECK(tree.AclOf(*tree.Find("/a")) == WorldAcl(proto::perms::kRead));
}

TEST_CASE("ApplyTxn: an ErrorTxn reports its code and only moves the zxid", "[znode]") {
  znode::DataTree tree;
  znode::WatchFires fires;
  auto r = znode::ApplyTxn(tree, MakeTxn(5, znode::ErrorTxn{ErrorCode::kBadVersion}), &fires);
  CHECK(r.err == ErrorCode::kBadVersion);
  CHECK(tree.last_processed_zxid() == 5);
  CHECK(fires.empty());
}

TEST_CASE("ApplyTxn: the last processed zxid never moves backwards", "[znode]") {
  znode::DataTree tree;
  znode::WatchFires fires;
  znode::ApplyTxn(tree, MakeTxn(9, znode::ErrorTxn{ErrorCode::kNoNode}), &fires);
  znode::ApplyTxn(tree, MakeTxn(4, znode::ErrorTxn{ErrorCode::kNoNode}), &fires);
  CHECK(tree.last_processed_zxid() == 9);
}

TEST_CASE("ApplyTxn: without a fires list it changes the tree exactly as with one", "[znode]") {
  znode::DataTree with_fires;
  znode::DataTree without;
  znode::WatchFires fires;
  auto apply = [&](int64_t zxid, znode::TxnBody body) {
    znode::Txn txn = MakeTxn(zxid, std::move(body));
    auto a = znode::ApplyTxn(with_fires, txn, &fires);
    auto b = znode::ApplyTxn(without, txn, nullptr);
    CHECK(a.err == b.err);
    CHECK(a.path == b.path);
    CHECK(a.stat == b.stat);
    CHECK(a.deleted_ephemerals == b.deleted_ephemerals);
  };
  apply(1, Create(OpCode::kCreate, "/a", 1));
  apply(2, Create(OpCode::kCreate, "/a/e", 1, kSession));
  znode::SetDataTxn s;
  s.path = "/a";
  s.data = "v";
  s.version = 1;
  apply(3, s);
  apply(4, znode::DeleteTxn{OpCode::kDelete, "/a/e"});
  apply(5, Create(OpCode::kCreate, "/a/f", 3, kSession));
  apply(6, znode::CloseSessionTxn{});
  CHECK(fires.size() == 11);  // two a create, one the set, two a delete (the close made one)
  CHECK(with_fires.NodeCount() == without.NodeCount());
  for (const char* path : {"/", "/a"}) {
    const znode::Node* x = with_fires.Find(path);
    const znode::Node* y = without.Find(path);
    REQUIRE(x != nullptr);
    REQUIRE(y != nullptr);
    CHECK(x->data() == y->data());
    CHECK(x->mzxid == y->mzxid);
    CHECK(x->pzxid == y->pzxid);
    CHECK(x->cversion == y->cversion);
    CHECK(x->version == y->version);
  }
  CHECK(without.Find("/a/f") == nullptr);
  CHECK(without.EphemeralsOf(kSession).empty());
}
