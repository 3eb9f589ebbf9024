// Checks the DataTree's initial nodes, the Stat it reports (ZooKeeper's
// cversion and ephemeralOwner translations), the watch triggers each
// mutation reports, and its bookkeeping (ephemerals, sizes, descendants),
// by applying txns through ApplyTxn as every replica does.
#include "znode/data_tree.h"

#include <catch2/catch.hpp>
#include <cstdint>

#include "unit/znode/harness.h"

using namespace cairn::testing;
using proto::ErrorCode;
using proto::EventType;
using proto::OpCode;

namespace {

znode::Txn MakeTxn(int64_t zxid, znode::TxnBody body, int64_t session = kSession) {
  znode::Txn t;
  t.header.session_id = session;
  t.header.zxid = zxid;
  t.header.time_ms = 5000 + zxid;
  t.body = std::move(body);
  return t;
}

znode::CreateTxn MakeCreateTxn(const std::string& path, int32_t parent_cversion,
                               int64_t owner = 0) {
  znode::CreateTxn c;
  c.path = path;
  c.data = "d";
  c.acl = OpenAcl();
  c.ephemeral_owner = owner;
  c.parent_cversion = parent_cversion;
  return c;
}

}  // namespace

TEST_CASE("DataTree: a new tree holds /, /zookeeper, its quota and config nodes", "[znode]") {
  znode::DataTree t;
  CHECK(t.NodeCount() == 4);
  for (const char* p : {"/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config"}) {
    INFO(p);
    CHECK(t.Find(p) != nullptr);
  }
  CHECK(t.ChildNames(*t.Find("/zookeeper")) == std::vector<std::string>{"config", "quota"});
  // ZooKeeper keys the root as "" too.
  CHECK(t.Find("") == t.Find("/"));
  CHECK(t.Find("/missing") == nullptr);
  CHECK(t.last_processed_zxid() == 0);
}

TEST_CASE("DataTree: child names come back sorted whatever the order of creates and deletes",
          "[znode]") {
  znode::DataTree t;
  znode::WatchFires fires;
  int64_t zxid = 0;
  t.CreateNode("/p", "", false, OpenAcl(), 0, 1, ++zxid, 0, &fires);
  int32_t creates = 0;
  for (const char* name : {"m", "b", "z", "a", "q"}) {
    t.CreateNode(std::string("/p/") + name, "", false, OpenAcl(), 0, ++creates, ++zxid, 0, &fires);
  }
  t.DeleteNode("/p/z", ++zxid, &fires);
  t.CreateNode("/p/c", "", false, OpenAcl(), 0, ++creates, ++zxid, 0, &fires);
  CHECK(t.ChildNames(*t.Find("/p")) == std::vector<std::string>{"a", "b", "c", "m", "q"});
  CHECK(t.Find("/p")->child_count() == 5);
}

TEST_CASE("DataTree: /zookeeper/config is world-readable only, with aversion -1", "[znode]") {
  znode::DataTree t;
  const znode::Node* config = t.Find("/zookeeper/config");
  REQUIRE(config != nullptr);
  CHECK(t.AclOf(*config) == WorldAcl(proto::perms::kRead));
  CHECK(config->ClientStat().aversion == -1);
  CHECK(t.AclOf(*t.Find("/")) == OpenAcl());
}

TEST_CASE("DataTree: a fresh root reports cversion -1, as ZooKeeper's does", "[znode]") {
  // Stored cversion 0 (no create counted for /zookeeper), one child:
  // 2 * 0 - 1.
  znode::DataTree t;
  CHECK(t.Find("/")->ClientStat().cversion == -1);
  CHECK(t.Find("/")->ClientStat().num_children == 1);
  CHECK(t.Find("/zookeeper")->ClientStat().cversion == -2);
}

TEST_CASE("DataTree: create reports NodeCreated and the parent's NodeChildrenChanged",
          "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/p") == ErrorCode::kOk);
  znode::WatchFires fires;
  znode::ApplyTxn(h.tree, MakeTxn(h.NextZxid(), MakeCreateTxn("/p/c", 1)), &fires);
  REQUIRE(fires.size() == 2);
  CHECK(fires[0].path == "/p/c");
  CHECK(fires[0].type == EventType::kNodeCreated);
  CHECK(fires[0].tables == znode::kDataWatches);
  CHECK(fires[1].path == "/p");
  CHECK(fires[1].type == EventType::kNodeChildrenChanged);
  CHECK(fires[1].tables == znode::kChildWatches);
}

TEST_CASE("DataTree: delete reports NodeDeleted to both tables and the parent's change",
          "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/a") == ErrorCode::kOk);
  znode::WatchFires fires;
  znode::DeleteTxn d;
  d.path = "/a";
  znode::ApplyTxn(h.tree, MakeTxn(h.NextZxid(), d), &fires);
  REQUIRE(fires.size() == 2);
  CHECK(fires[0].path == "/a");
  CHECK(fires[0].type == EventType::kNodeDeleted);
  CHECK(fires[0].tables == (znode::kDataWatches | znode::kChildWatches));
  CHECK(fires[1].path == "/");
  CHECK(fires[1].type == EventType::kNodeChildrenChanged);
}

TEST_CASE("DataTree: setData reports NodeDataChanged, setACL reports nothing", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/a") == ErrorCode::kOk);
  znode::WatchFires fires;
  znode::SetDataTxn s;
  s.path = "/a";
  s.data = "new";
  s.version = 1;
  znode::ApplyTxn(h.tree, MakeTxn(h.NextZxid(), s), &fires);
  REQUIRE(fires.size() == 1);
  CHECK(fires[0].type == EventType::kNodeDataChanged);
  CHECK(fires[0].tables == znode::kDataWatches);
  fires.clear();
  znode::SetAclTxn a;
  a.path = "/a";
  a.acl = WorldAcl(proto::perms::kRead);
  a.version = 1;
  znode::ApplyTxn(h.tree, MakeTxn(h.NextZxid(), a), &fires);
  CHECK(fires.empty());
}

TEST_CASE("DataTree: a replayed create never moves the parent's cversion back", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/p") == ErrorCode::kOk);
  REQUIRE(h.Create("/p/a") == ErrorCode::kOk);
  REQUIRE(h.Create("/p/b") == ErrorCode::kOk);  // stored cversion 2
  znode::WatchFires fires;
  znode::ApplyTxn(h.tree, MakeTxn(h.NextZxid(), MakeCreateTxn("/p/old", 1)), &fires);
  CHECK(h.tree.Find("/p")->cversion == 2);
  CHECK(h.StatOf("/p").num_children == 3);
}

TEST_CASE("DataTree: a replayed create with an old parent cversion leaves pzxid alone",
          "[znode]") {
  // DataTree.createNode sets cversion and pzxid together, only when the
  // txn's parentCVersion is larger (the fuzzy-snapshot replay guard).
  TreeHarness h;
  REQUIRE(h.Create("/p") == ErrorCode::kOk);
  REQUIRE(h.Create("/p/a") == ErrorCode::kOk);
  REQUIRE(h.Create("/p/b") == ErrorCode::kOk);
  int64_t pzxid = h.StatOf("/p").pzxid;
  znode::WatchFires fires;
  znode::ApplyTxn(h.tree, MakeTxn(h.NextZxid(), MakeCreateTxn("/p/old", 1)), &fires);
  CHECK(h.StatOf("/p").pzxid == pzxid);
}

TEST_CASE("DataTree: ephemerals are tracked per session until deleted", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/e1", 1, "", kSession) == ErrorCode::kOk);
  REQUIRE(h.Create("/e2", 1, "", kSession) == ErrorCode::kOk);
  REQUIRE(h.Create("/o", 1, "", kOtherSession) == ErrorCode::kOk);
  CHECK(h.tree.EphemeralsOf(kSession) == std::set<std::string>{"/e1", "/e2"});
  CHECK(h.tree.AllEphemerals().size() == 2);
  REQUIRE(h.Delete("/e1") == ErrorCode::kOk);
  REQUIRE(h.Delete("/e2") == ErrorCode::kOk);
  CHECK(h.tree.EphemeralsOf(kSession).empty());
  CHECK(h.tree.AllEphemerals().count(kSession) == 0);
  CHECK(h.tree.EphemeralsOf(kOtherSession) == std::set<std::string>{"/o"});
}

TEST_CASE("DataTree: KillSession of a session without ephemerals changes nothing", "[znode]") {
  TreeHarness h;
  size_t nodes = h.tree.NodeCount();
  auto r = h.CloseSession(0x7777);
  CHECK(r.deleted_ephemerals.empty());
  CHECK(h.tree.NodeCount() == nodes);
}

TEST_CASE("DataTree: CountDescendants counts the whole subtree below a path", "[znode]") {
  TreeHarness h;
  CHECK(h.tree.CountDescendants("/") == 3);  // zookeeper, quota, config
  REQUIRE(h.Create("/a") == ErrorCode::kOk);
  REQUIRE(h.Create("/a/b") == ErrorCode::kOk);
  REQUIRE(h.Create("/a/b/c") == ErrorCode::kOk);
  REQUIRE(h.Create("/a/d") == ErrorCode::kOk);
  CHECK(h.tree.CountDescendants("/a") == 3);
  CHECK(h.tree.CountDescendants("/a/b") == 1);
  CHECK(h.tree.CountDescendants("/a/d") == 0);
  CHECK(h.tree.CountDescendants("/") == 7);
  CHECK(h.tree.CountDescendants("/missing") == 0);
}

TEST_CASE("DataTree: the approximate data size follows paths and data", "[znode]") {
  TreeHarness h;
  int64_t base = h.tree.ApproximateDataSize();
  CHECK(base == static_cast<int64_t>(std::string("/zookeeper").size() +
                                     std::string("/zookeeper/quota").size() +
                                     std::string("/zookeeper/config").size()));
  REQUIRE(h.Create("/ab", 0, "12345") == ErrorCode::kOk);
  CHECK(h.tree.ApproximateDataSize() == base + 3 + 5);
  REQUIRE(h.SetData("/ab", "1") == ErrorCode::kOk);
  CHECK(h.tree.ApproximateDataSize() == base + 3 + 1);
  REQUIRE(h.Delete("/ab") == ErrorCode::kOk);
  CHECK(h.tree.ApproximateDataSize() == base);
}

TEST_CASE("DataTree: KindOfOwner decodes ephemeralOwner like EphemeralType.get", "[znode]") {
  using znode::EphemeralKind;
  using znode::KindOfOwner;
  CHECK(KindOfOwner(0, false) == EphemeralKind::kVoid);
  CHECK(KindOfOwner(kSession, false) == EphemeralKind::kNormal);
  CHECK(KindOfOwner(proto::kContainerEphemeralOwner, false) == EphemeralKind::kContainer);
  CHECK(KindOfOwner(proto::kContainerEphemeralOwner, true) == EphemeralKind::kContainer);
  int64_t ttl = znode::TtlOwner(60000);
  CHECK(KindOfOwner(ttl, true) == EphemeralKind::kTtl);
  CHECK(KindOfOwner(ttl, false) == EphemeralKind::kNormal);
  CHECK(znode::TtlOfOwner(ttl) == 60000);
  CHECK(znode::TtlOfOwner(znode::TtlOwner(proto::kTtlMax)) == proto::kTtlMax);
  CHECK(static_cast<uint64_t>(ttl) >> 56 == 0xff);
}

TEST_CASE("DataTree: the Stat hides the container and TTL markers", "[znode]") {
  znode::DataTree t;
  znode::WatchFires fires;
  t.CreateNode("/c", "", false, OpenAcl(), proto::kContainerEphemeralOwner, 1, 1, 0, &fires);
  t.CreateNode("/t", "", false, OpenAcl(), znode::TtlOwner(10), 2, 2, 0, &fires);
  t.CreateNode("/e", "abc", false, OpenAcl(), kSession, 3, 3, 0, &fires);
  CHECK(t.Find("/c")->ClientStat().ephemeral_owner == 0);
  CHECK(t.Find("/t")->ClientStat().ephemeral_owner == 0);
  CHECK(t.Find("/e")->ClientStat().ephemeral_owner == kSession);
  t.CreateNode("/c/x", "", false, OpenAcl(), 0, 4, 4, 0, &fires);
  t.CreateNode("/c/y", "", false, OpenAcl(), 0, 5, 5, 0, &fires);
  proto::Stat s = t.Find("/c")->ClientStat();
  CHECK(t.Find("/e")->ClientStat().data_length == 3);
  CHECK(s.num_children == 2);
  CHECK(s.cversion == 8);  // 2 * 5 creates - 2 children
}

TEST_CASE("DataTree: the reported cversion wraps like Java's int for huge create counts",
          "[znode]") {
  // 2^30 creates under one parent (a long-lived queue) makes 2 * cversion
  // overflow a 32-bit int; ZooKeeper computes it in Java int arithmetic.
  znode::DataTree t;
  znode::WatchFires fires;
  t.CreateNode("/p", "", false, OpenAcl(), 0, 1, 1, 0, &fires);
  t.CreateNode("/p/only", "", false, OpenAcl(), 0, 1 << 30, 2, 0, &fires);
  CHECK(t.Find("/p")->ClientStat().cversion == INT32_MAX);  // (int)(2^31) - 1 in Java
  t.CreateNode("/q", "", false, OpenAcl(), 0, 2, 3, 0, &fires);
  t.CreateNode("/q/gone", "", false, OpenAcl(), 0, INT32_MAX, 4, 0, &fires);
  t.DeleteNode("/q/gone", 5, &fires);
  CHECK(t.Find("/q")->ClientStat().cversion == -2);
}
