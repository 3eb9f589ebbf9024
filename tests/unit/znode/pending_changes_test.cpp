// Checks the PendingChanges overlay directly: reads fall through to the
// tree, the latest record wins, applied zxids are forgotten only for the
// records they wrote, and a scope rolls back exactly its own records.
#include "znode/pending_changes.h"

#include <catch2/catch.hpp>

#include "unit/znode/harness.h"

using namespace cairn::testing;
using znode::ChangeRecord;
using znode::PendingChanges;

namespace {

ChangeRecord Record(int64_t zxid, const std::string& path, bool exists, int32_t version = 0,
                    int64_t owner = 0) {
  ChangeRecord r;
  r.zxid = zxid;
  r.path = path;
  r.exists = exists;
  r.stat.version = version;
  r.stat.ephemeral_owner = owner;
  return r;
}

}  // namespace

TEST_CASE("PendingChanges: without records it shows the tree's stored values", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/p") == proto::ErrorCode::kOk);
  REQUIRE(h.Create("/p/a") == proto::ErrorCode::kOk);
  PendingChanges pc(&h.tree);
  auto p = pc.Get("/p");
  REQUIRE(p.has_value());
  CHECK(p->exists);
  CHECK(p->child_count == 1);
  CHECK(p->stat.cversion == 1);  // stored count of creates, not the client's value
  CHECK(p->acl == OpenAcl());
  CHECK_FALSE(pc.Get("/missing").has_value());
  CHECK(pc.size() == 0);
}

TEST_CASE("PendingChanges: the latest record for a path wins, a deletion hides the node",
          "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/a") == proto::ErrorCode::kOk);
  PendingChanges pc(&h.tree);
  pc.Add(Record(10, "/a", true, 1));
  pc.Add(Record(11, "/a", true, 2));
  CHECK(pc.Get("/a")->stat.version == 2);
  pc.Add(Record(12, "/a", false));
  CHECK_FALSE(pc.Get("/a").has_value());
  pc.Add(Record(13, "/new", true));
  CHECK(pc.Get("/new").has_value());
  CHECK(pc.size() == 4);
}

TEST_CASE("PendingChanges: ApplyCommitted forgets only records the applied txns wrote", "[znode]") {
  TreeHarness h;
  PendingChanges pc(&h.tree);
  pc.Add(Record(10, "/x", true, 1));
  pc.Add(Record(11, "/x", true, 2));
  pc.Add(Record(12, "/y", true));
  pc.ApplyCommitted(10);
  // /x's latest record is from zxid 11 and must survive.
  REQUIRE(pc.Get("/x").has_value());
  CHECK(pc.Get("/x")->stat.version == 2);
  CHECK(pc.size() == 2);
  pc.ApplyCommitted(12);
  CHECK(pc.size() == 0);
  CHECK_FALSE(pc.Get("/x").has_value());  // not in the tree: the txns were never applied
}

TEST_CASE("PendingChanges: a rolled-back scope restores what it replaced", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/a") == proto::ErrorCode::kOk);
  PendingChanges pc(&h.tree);
  pc.Add(Record(10, "/a", true, 5));
  pc.BeginScope();
  pc.Add(Record(11, "/a", false));
  pc.Add(Record(11, "/b", true));
  pc.Add(Record(11, "/b", true, 3));
  CHECK_FALSE(pc.Get("/a").has_value());
  pc.RollbackScope();
  REQUIRE(pc.Get("/a").has_value());
  CHECK(pc.Get("/a")->stat.version == 5);
  CHECK_FALSE(pc.Get("/b").has_value());
  CHECK(pc.size() == 1);
  pc.ApplyCommitted(11);
  CHECK(pc.size() == 0);
}

TEST_CASE("PendingChanges: a committed scope keeps its records", "[znode]") {
  TreeHarness h;
  PendingChanges pc(&h.tree);
  pc.BeginScope();
  pc.Add(Record(20, "/c", true));
  pc.CommitScope();
  CHECK(pc.Get("/c").has_value());
  // A later scope's rollback does not touch it.
  pc.BeginScope();
  pc.Add(Record(21, "/d", true));
  pc.RollbackScope();
  CHECK(pc.Get("/c").has_value());
  CHECK_FALSE(pc.Get("/d").has_value());
  CHECK(pc.size() == 1);
}

TEST_CASE("PendingChanges: EphemeralsOf merges the tree with pending creates and deletes",
          "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/e1", 1, "", kSession) == proto::ErrorCode::kOk);
  REQUIRE(h.Create("/e2", 1, "", kSession) == proto::ErrorCode::kOk);
  PendingChanges pc(&h.tree);
  pc.Add(Record(30, "/e1", false));
  pc.Add(Record(31, "/e3", true, 0, kSession));
  pc.Add(Record(32, "/o", true, 0, kOtherSession));
  CHECK(pc.EphemeralsOf(kSession) == std::vector<std::string>{"/e2", "/e3"});
  CHECK(pc.EphemeralsOf(kOtherSession) == std::vector<std::string>{"/o"});
}

TEST_CASE(
    "PendingChanges: an ephemeral deleted and re-created by another owner is not the "
    "session's any more",
    "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/p") == proto::ErrorCode::kOk);
  REQUIRE(h.Create("/p/e", 1 /* ephemeral */) == proto::ErrorCode::kOk);
  REQUIRE(h.tree.EphemeralsOf(kSession).count("/p/e") == 1);
  PendingChanges pc(&h.tree);
  pc.Add(Record(100, "/p/e", false));
  pc.Add(Record(101, "/p/e", true, 0, /*owner=*/0));  // re-created as a persistent node
  CHECK(pc.EphemeralsOf(kSession).empty());
  pc.Add(Record(102, "/p/e2", true, 0, kSession));
  CHECK(pc.EphemeralsOf(kSession) == std::vector<std::string>{"/p/e2"});
}

TEST_CASE("PendingChanges: EphemeralsOf lists each path once, whatever the overlay did to it",
          "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/t", 1, "", kSession) == proto::ErrorCode::kOk);
  PendingChanges pc(&h.tree);
  pc.Add(Record(40, "/t", false));
  pc.Add(Record(41, "/t", true, 0, kSession));  // deleted and re-created by the same session
  pc.Add(Record(42, "/n", true, 0, kSession));
  pc.Add(Record(43, "/n", false));  // created and deleted while pending
  for (int i = 0; i < 1000; ++i) {  // other sessions' pending deletes
    pc.Add(Record(100 + i, "/x" + std::to_string(i), false, 0, kOtherSession));
  }
  CHECK(pc.EphemeralsOf(kSession) == std::vector<std::string>{"/t"});
  CHECK(pc.EphemeralsOf(kOtherSession).empty());
}

TEST_CASE("PendingChanges: Peek and Modify read and change a record where it lies", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/t") == proto::ErrorCode::kOk);
  PendingChanges pc(&h.tree);
  CHECK(pc.Exists("/t"));
  CHECK_FALSE(pc.Exists("/none"));
  CHECK(pc.Peek("/none") == nullptr);
  // Only the tree has /t: Modify records a change built from its values.
  REQUIRE(pc.Peek("/t") != nullptr);
  CHECK(pc.Peek("/t")->stat.version == 0);
  pc.Modify("/t", 10, [](ChangeRecord& r) { r.stat.version = 1; });
  CHECK(pc.size() == 1);
  // In the overlay: changed in place, and the record names the newest txn.
  pc.Modify("/t", 11, [](ChangeRecord& r) { r.stat.version = 2; });
  const ChangeRecord* t = pc.Peek("/t");
  REQUIRE(t != nullptr);
  CHECK(t->stat.version == 2);
  CHECK(t->zxid == 11);
  CHECK(t->acl == OpenAcl());
  CHECK(pc.size() == 2);

  SECTION("a rolled-back scope undoes a Modify") {
    pc.BeginScope();
    pc.Modify("/t", 12, [](ChangeRecord& r) { r.stat.version = 3; });
    pc.Add(Record(12, "/t", false));
    CHECK_FALSE(pc.Exists("/t"));
    pc.RollbackScope();
    REQUIRE(pc.Peek("/t") != nullptr);
    CHECK(pc.Peek("/t")->stat.version == 2);
    CHECK(pc.size() == 2);
  }
  SECTION("an applied txn forgets the record only once the last one that changed it applied") {
    pc.ApplyCommitted(10);
    REQUIRE(pc.Peek("/t") != nullptr);
    CHECK(pc.Peek("/t")->stat.version == 2);
    pc.ApplyCommitted(11);
    CHECK(pc.size() == 0);
    CHECK(pc.Peek("/t")->stat.version == 0);  // the tree's again (the txns never reached it here)
  }
}

TEST_CASE("PendingChanges: Modify keeps the ephemerals index in step", "[znode]") {
  TreeHarness h;
  PendingChanges pc(&h.tree);
  pc.Add(Record(10, "/e", true, 0, 77));
  pc.Modify("/e", 11, [](ChangeRecord& r) { r.stat.version = 1; });
  CHECK(pc.EphemeralsOf(77) == std::vector<std::string>{"/e"});
  pc.BeginScope();
  pc.Modify("/e", 12, [](ChangeRecord& r) { r.stat.ephemeral_owner = 78; });
  CHECK(pc.EphemeralsOf(77).empty());
  CHECK(pc.EphemeralsOf(78) == std::vector<std::string>{"/e"});
  pc.RollbackScope();
  CHECK(pc.EphemeralsOf(77) == std::vector<std::string>{"/e"});
  CHECK(pc.EphemeralsOf(78).empty());
}

TEST_CASE("PendingChanges: a closing session's nodes are gone until its close applies", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/p") == proto::ErrorCode::kOk);
  REQUIRE(h.Create("/p/e", 1 /* ephemeral */, "", kSession) == proto::ErrorCode::kOk);
  REQUIRE(h.Create("/p/o", 1 /* ephemeral */, "", kOtherSession) == proto::ErrorCode::kOk);
  PendingChanges pc(&h.tree);
  pc.Add(Record(40, "/p/unapplied", true, 0, kSession));
  pc.CloseSession(kSession, 41);
  CHECK_FALSE(pc.Exists("/p/e"));
  CHECK_FALSE(pc.Get("/p/e").has_value());
  CHECK(pc.Peek("/p/e") == nullptr);
  CHECK_FALSE(pc.Exists("/p/unapplied"));
  CHECK(pc.Exists("/p/o"));  // another session's ephemeral stays
  CHECK(pc.Exists("/p"));
  // Re-created after the close by someone else: that record wins.
  pc.Add(Record(42, "/p/e", true, 0, kOtherSession));
  CHECK(pc.Exists("/p/e"));
  // The mark lasts exactly until the close's zxid has applied (here the
  // tree still has the node, so a dropped mark shows it again).
  pc.ApplyCommitted(40);
  CHECK_FALSE(pc.Exists("/p/unapplied"));
  pc.ApplyCommitted(42);
  CHECK(pc.size() == 0);
  CHECK(pc.Get("/p/e")->stat.ephemeral_owner == kSession);
}

TEST_CASE("PendingChanges: Modify after an apply reads the tree afresh, not an older Peek",
          "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/p") == proto::ErrorCode::kOk);
  PendingChanges pc(&h.tree);
  REQUIRE(pc.Peek("/p") != nullptr);
  CHECK(pc.Peek("/p")->stat.version == 0);
  // The tree changes (an applied setData) and the overlay hears of it.
  REQUIRE(h.SetData("/p", "new") == proto::ErrorCode::kOk);
  pc.ApplyCommitted(h.tree.last_processed_zxid());
  pc.Modify("/p", h.tree.last_processed_zxid() + 1, [](ChangeRecord& r) { r.stat.aversion = 7; });
  auto p = pc.Get("/p");
  REQUIRE(p.has_value());
  CHECK(p->stat.version == 1);  // the tree's, not the stale copy's 0
  CHECK(p->stat.data_length == 3);
  CHECK(p->stat.aversion == 7);
}
