// Runs write requests end to end (encode the request record, Prep::PrepWrite
// with an explicit zxid and time, znode::ApplyTxn) on a DataTree and checks
// the resulting Stat fields, sequential names, ZooKeeper's order of error
// checks, pipelining through PendingChanges, multi and session close.
#include "znode/prep.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "unit/znode/harness.h"

using namespace cairn::testing;
using proto::CreateMode;
using proto::ErrorCode;
using proto::OpCode;

namespace {

constexpr int32_t kPersistent = static_cast<int32_t>(CreateMode::kPersistent);
constexpr int32_t kEphemeral = static_cast<int32_t>(CreateMode::kEphemeral);
constexpr int32_t kPersistentSeq = static_cast<int32_t>(CreateMode::kPersistentSequential);
constexpr int32_t kEphemeralSeq = static_cast<int32_t>(CreateMode::kEphemeralSequential);
constexpr int32_t kContainer = static_cast<int32_t>(CreateMode::kContainer);
constexpr int32_t kTtl = static_cast<int32_t>(CreateMode::kPersistentWithTtl);
constexpr int32_t kTtlSeq = static_cast<int32_t>(CreateMode::kPersistentSequentialWithTtl);

znode::PrepOptions Extended() {
  znode::PrepOptions o;
  o.extended_types_enabled = true;
  return o;
}

// The error a request preps to (Ok if it preps to a real txn).
ErrorCode PrepError(TreeHarness& h, OpCode op, const std::string& body,
                    const znode::AuthIds* as = nullptr) {
  znode::Txn txn = h.PrepOp(op, body, kSession, as);
  const auto* e = AsError(txn);
  ErrorCode err = e ? e->err : ErrorCode::kOk;
  h.Apply(txn);
  return err;
}

std::vector<ErrorCode> MultiCodes(const znode::ApplyResult& r) {
  std::vector<ErrorCode> out;
  for (const auto& m : r.multi) out.push_back(m.type == OpCode::kError ? m.err : ErrorCode::kOk);
  return out;
}

}  // namespace

TEST_CASE("Prep: create stamps zxids and times from the txn into the Stat", "[znode]") {
  TreeHarness h;
  int64_t zxid = h.next_zxid;
  int64_t time = h.now_ms;
  auto r = h.Run(OpCode::kCreate2, CreateBody("/a", "hello"));
  REQUIRE(r.err == ErrorCode::kOk);
  CHECK(r.path == "/a");
  proto::Stat s = h.StatOf("/a");
  CHECK(s.czxid == zxid);
  CHECK(s.mzxid == zxid);
  CHECK(s.pzxid == zxid);
  CHECK(s.ctime == time);
  CHECK(s.mtime == time);
  CHECK(s.version == 0);
  CHECK(s.cversion == 0);
  CHECK(s.aversion == 0);
  CHECK(s.ephemeral_owner == 0);
  CHECK(s.data_length == 5);
  CHECK(s.num_children == 0);
  CHECK(r.stat == s);  // create2 answers with the new node's Stat
  CHECK(h.tree.last_processed_zxid() == zxid);
  CHECK(h.tree.Find("/a")->data() == "hello");
}

TEST_CASE("Prep: setData bumps version, mzxid and mtime but not czxid or ctime", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/a", kPersistent, "x") == ErrorCode::kOk);
  proto::Stat before = h.StatOf("/a");
  int64_t zxid = h.next_zxid;
  int64_t time = h.now_ms;
  auto r = h.Run(OpCode::kSetData, SetDataBody("/a", "longer", 0));
  REQUIRE(r.err == ErrorCode::kOk);
  proto::Stat s = h.StatOf("/a");
  CHECK(s.version == 1);
  CHECK(s.mzxid == zxid);
  CHECK(s.mtime == time);
  CHECK(s.czxid == before.czxid);
  CHECK(s.ctime == before.ctime);
  CHECK(s.pzxid == before.pzxid);
  CHECK(s.data_length == 6);
  CHECK(r.stat == s);
  REQUIRE(h.SetData("/a", "again") == ErrorCode::kOk);  // -1 matches any version
  CHECK(h.StatOf("/a").version == 2);
}

TEST_CASE("Prep: setACL bumps aversion only", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/a") == ErrorCode::kOk);
  proto::Stat before = h.StatOf("/a");
  const proto::AclList read_admin = WorldAcl(proto::perms::kRead | proto::perms::kAdmin);
  auto r = h.Run(OpCode::kSetAcl, SetAclBody("/a", read_admin, 0));
  REQUIRE(r.err == ErrorCode::kOk);
  proto::Stat s = h.StatOf("/a");
  CHECK(s.aversion == 1);
  CHECK(s.version == before.version);
  CHECK(s.mzxid == before.mzxid);
  CHECK(s.mtime == before.mtime);
  CHECK(r.stat == s);
  CHECK(h.tree.AclOf(*h.tree.Find("/a")) == read_admin);
  CHECK(h.SetAcl("/a", OpenAcl(), 0) == ErrorCode::kBadVersion);
  CHECK(h.SetAcl("/a", OpenAcl(), 1) == ErrorCode::kOk);
  CHECK(h.StatOf("/a").aversion == 2);
}

TEST_CASE("Prep: child creates and deletes move the parent's pzxid, cversion and numChildren",
          "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/p") == ErrorCode::kOk);
  proto::Stat p0 = h.StatOf("/p");
  REQUIRE(h.Create("/p/a") == ErrorCode::kOk);
  int64_t create_b = h.next_zxid;
  REQUIRE(h.Create("/p/b") == ErrorCode::kOk);
  proto::Stat p2 = h.StatOf("/p");
  CHECK(p2.pzxid == create_b);
  CHECK(p2.num_children == 2);
  CHECK(p2.cversion == 2);
  int64_t del = h.next_zxid;
  REQUIRE(h.Delete("/p/a") == ErrorCode::kOk);
  proto::Stat p3 = h.StatOf("/p");
  CHECK(p3.pzxid == del);
  CHECK(p3.num_children == 1);
  // Reported cversion counts creates and deletes: 2 * creates - numChildren.
  CHECK(p3.cversion == 3);
  // Children do not touch the parent's data version or mzxid.
  CHECK(p3.version == 0);
  CHECK(p3.mzxid == p0.mzxid);
  CHECK(p3.czxid == p0.czxid);
}

TEST_CASE("Prep: ephemerals report their session as ephemeralOwner", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/e", kEphemeral, "", kSession) == ErrorCode::kOk);
  CHECK(h.StatOf("/e").ephemeral_owner == kSession);
  CHECK(h.tree.EphemeralsOf(kSession) == std::set<std::string>{"/e"});
  CHECK(h.tree.EphemeralsOf(kOtherSession).empty());
}

TEST_CASE("Prep: containers and TTL nodes report ephemeralOwner 0", "[znode]") {
  TreeHarness h(Extended());
  auto c = h.Run(OpCode::kCreateContainer, CreateBody("/c", "", kContainer));
  REQUIRE(c.err == ErrorCode::kOk);
  CHECK(h.tree.Find("/c")->ephemeral_owner == proto::kContainerEphemeralOwner);
  CHECK(h.StatOf("/c").ephemeral_owner == 0);
  CHECK(c.stat.ephemeral_owner == 0);
  CHECK(h.tree.Containers().count("/c") == 1);

  auto t = h.Run(OpCode::kCreateTtl, CreateBody("/t", "", kTtl, OpenAcl(), 5000));
  REQUIRE(t.err == ErrorCode::kOk);
  CHECK(znode::TtlOfOwner(h.tree.Find("/t")->ephemeral_owner) == 5000);
  CHECK(h.StatOf("/t").ephemeral_owner == 0);
  CHECK(h.tree.TtlNodes().count("/t") == 1);
  CHECK(h.tree.AllEphemerals().empty());
}

TEST_CASE("Prep: the container flag under a plain create makes a persistent node", "[znode]") {
  // ZooKeeper turns create(flags=CONTAINER) into a CreateTxn with
  // ephemeral=false; only the createContainer opcode makes a container.
  TreeHarness h;
  REQUIRE(h.Create("/c", kContainer) == ErrorCode::kOk);
  CHECK(h.tree.Find("/c")->ephemeral_owner == 0);
  CHECK(h.tree.Containers().empty());
}

TEST_CASE("Prep: sequential create appends a 10-digit counter of children ever created",
          "[znode]") {
  // The suffix is the parent's stored cversion, which counts creates only:
  // deleting a child does not make a number come back.
  TreeHarness h;
  REQUIRE(h.Create("/p") == ErrorCode::kOk);
  auto s0 = h.Run(OpCode::kCreate, CreateBody("/p/s-", "", kPersistentSeq));
  REQUIRE(s0.err == ErrorCode::kOk);
  CHECK(s0.path == "/p/s-0000000000");
  REQUIRE(h.Create("/p/plain") == ErrorCode::kOk);
  auto s1 = h.Run(OpCode::kCreate, CreateBody("/p/s-", "", kPersistentSeq));
  CHECK(s1.path == "/p/s-0000000002");
  REQUIRE(h.Delete("/p/plain") == ErrorCode::kOk);
  REQUIRE(h.Delete("/p/s-0000000000") == ErrorCode::kOk);
  auto s2 = h.Run(OpCode::kCreate, CreateBody("/p/s-", "", kEphemeralSeq));
  CHECK(s2.path == "/p/s-0000000003");
  CHECK(h.Exists("/p/s-0000000003"));
  CHECK(h.StatOf("/p/s-0000000003").ephemeral_owner == kSession);
}

TEST_CASE("Prep: create, delete, create of sequential nodes never reuses a number", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/q") == ErrorCode::kOk);
  auto a = h.Run(OpCode::kCreate, CreateBody("/q/n", "", kPersistentSeq));
  REQUIRE(h.Delete(a.path) == ErrorCode::kOk);
  auto b = h.Run(OpCode::kCreate, CreateBody("/q/n", "", kPersistentSeq));
  CHECK(a.path == "/q/n0000000000");
  CHECK(b.path == "/q/n0000000001");
}

TEST_CASE("Prep: a sequential create of \"/p/\" names the child by the counter alone", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/p") == ErrorCode::kOk);
  auto r = h.Run(OpCode::kCreate, CreateBody("/p/", "", kPersistentSeq));
  REQUIRE(r.err == ErrorCode::kOk);
  CHECK(r.path == "/p/0000000000");
  CHECK(h.Exists("/p/0000000000"));
  // Without the sequential flag "/p/" is not a valid path.
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/p/")) == ErrorCode::kBadArguments);
}

TEST_CASE("Prep: sequential names under the root use the root's counter", "[znode]") {
  TreeHarness h;
  // The root's only child at start is /zookeeper, created without a count.
  auto r = h.Run(OpCode::kCreate, CreateBody("/lock-", "", kPersistentSeq));
  CHECK(r.path == "/lock-0000000000");
}

TEST_CASE("Prep: invalid create flags give BadArguments before any other check", "[znode]") {
  TreeHarness h;
  for (int32_t flags : {7, -1, 100}) {
    // Empty ACL and a missing parent would each fail too, later.
    CHECK(PrepError(h, OpCode::kCreate, CreateBody("/missing/x", "", flags, {})) ==
          ErrorCode::kBadArguments);
  }
}

TEST_CASE("Prep: InvalidACL is reported before NoNode", "[znode]") {
  TreeHarness h;
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/missing/x", "", 0, {})) ==
        ErrorCode::kInvalidAcl);
  CHECK(PrepError(h, OpCode::kCreate,
                  CreateBody("/missing/x", "", 0, {proto::Acl{31, {"world", "someone"}}})) ==
        ErrorCode::kInvalidAcl);
}

TEST_CASE("Prep: a missing parent is NoNode", "[znode]") {
  TreeHarness h;
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/missing/x")) == ErrorCode::kNoNode);
  CHECK_FALSE(h.Exists("/missing/x"));
}

TEST_CASE("Prep: NoAuth when the parent denies CREATE, checked before NodeExists", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/p") == ErrorCode::kOk);
  REQUIRE(h.Create("/p/c") == ErrorCode::kOk);
  REQUIRE(h.SetAcl("/p", WorldAcl(proto::perms::kRead | proto::perms::kDelete)) == ErrorCode::kOk);
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/p/c")) == ErrorCode::kNoAuth);
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/p/new")) == ErrorCode::kNoAuth);
  znode::AuthIds super = {proto::Id{"super", ""}};
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/p/c"), &super) == ErrorCode::kNodeExists);
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/p/new"), &super) == ErrorCode::kOk);
}

TEST_CASE("Prep: creating an existing node is NodeExists, \"/\" included", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/a") == ErrorCode::kOk);
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/a")) == ErrorCode::kNodeExists);
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/")) == ErrorCode::kNodeExists);
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/zookeeper")) == ErrorCode::kNodeExists);
}

TEST_CASE("Prep: an ephemeral cannot have children", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/e", kEphemeral) == ErrorCode::kOk);
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/e/child")) ==
        ErrorCode::kNoChildrenForEphemerals);
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/e/child", "", kEphemeral)) ==
        ErrorCode::kNoChildrenForEphemerals);
}

TEST_CASE("Prep: create path checks: no slash, NUL, trailing slash, relative names", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/a") == ErrorCode::kOk);
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("a")) == ErrorCode::kBadArguments);
  CHECK(PrepError(h, OpCode::kCreate, CreateBody(std::string("/a\0b", 4))) ==
        ErrorCode::kBadArguments);
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/a/")) == ErrorCode::kBadArguments);
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/a/.")) == ErrorCode::kBadArguments);
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/a/..")) == ErrorCode::kBadArguments);
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/a/\x01")) == ErrorCode::kBadArguments);
}

TEST_CASE("Prep: TTL nodes are Unimplemented while extended types are off", "[znode]") {
  TreeHarness h;
  CHECK(PrepError(h, OpCode::kCreateTtl, CreateBody("/t", "", kTtl, OpenAcl(), 1000)) ==
        ErrorCode::kUnimplemented);
  CHECK(PrepError(h, OpCode::kCreateTtl, CreateBody("/t", "", kTtlSeq, OpenAcl(), 1000)) ==
        ErrorCode::kUnimplemented);
  // Unimplemented wins over the bad ttl.
  CHECK(PrepError(h, OpCode::kCreateTtl, CreateBody("/t", "", kTtl, OpenAcl(), 0)) ==
        ErrorCode::kUnimplemented);
  CHECK_FALSE(h.Exists("/t"));
}

TEST_CASE("Prep: a TTL outside 1..2^40-1, or a TTL on a non-TTL mode, is BadArguments", "[znode]") {
  TreeHarness h(Extended());
  for (int64_t ttl : {int64_t{0}, int64_t{-5}, proto::kTtlMax + 1}) {
    CHECK(PrepError(h, OpCode::kCreateTtl, CreateBody("/t", "", kTtl, OpenAcl(), ttl)) ==
          ErrorCode::kBadArguments);
  }
  CHECK(PrepError(h, OpCode::kCreateTtl, CreateBody("/t", "", kPersistent, OpenAcl(), 100)) ==
        ErrorCode::kBadArguments);
  // A TTL mode through plain create has no ttl field: BadArguments.
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/t", "", kTtl)) == ErrorCode::kBadArguments);
  CHECK(PrepError(h, OpCode::kCreateTtl, CreateBody("/t", "", kTtl, OpenAcl(), proto::kTtlMax)) ==
        ErrorCode::kOk);
  auto seq = h.Run(OpCode::kCreateTtl, CreateBody("/ts", "", kTtlSeq, OpenAcl(), 10));
  CHECK(seq.path == "/ts0000000001");
}

TEST_CASE("Prep: delete checks the version before emptiness", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/p") == ErrorCode::kOk);
  REQUIRE(h.Create("/p/c") == ErrorCode::kOk);
  CHECK(PrepError(h, OpCode::kDelete, DeleteBody("/p", 5)) == ErrorCode::kBadVersion);
  CHECK(PrepError(h, OpCode::kDelete, DeleteBody("/p", 0)) == ErrorCode::kNotEmpty);
  CHECK(PrepError(h, OpCode::kDelete, DeleteBody("/p", -1)) == ErrorCode::kNotEmpty);
  CHECK(PrepError(h, OpCode::kDelete, DeleteBody("/p/c", 0)) == ErrorCode::kOk);
  CHECK(PrepError(h, OpCode::kDelete, DeleteBody("/p", 0)) == ErrorCode::kOk);
  CHECK_FALSE(h.Exists("/p"));
}

TEST_CASE("Prep: delete of a special path is BadArguments", "[znode]") {
  TreeHarness h;
  for (const char* p : {"/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config"}) {
    INFO(p);
    CHECK(PrepError(h, OpCode::kDelete, DeleteBody(p)) == ErrorCode::kBadArguments);
    CHECK(h.Exists(p));
  }
}

TEST_CASE("Prep: delete checks the parent's DELETE permission before the node exists", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/p") == ErrorCode::kOk);
  REQUIRE(h.Create("/p/c") == ErrorCode::kOk);
  REQUIRE(h.SetAcl("/p", WorldAcl(proto::perms::kAll & ~proto::perms::kDelete)) == ErrorCode::kOk);
  CHECK(PrepError(h, OpCode::kDelete, DeleteBody("/p/missing")) == ErrorCode::kNoAuth);
  CHECK(PrepError(h, OpCode::kDelete, DeleteBody("/p/c")) == ErrorCode::kNoAuth);
  CHECK(PrepError(h, OpCode::kDelete, DeleteBody("/nope/missing")) == ErrorCode::kNoNode);
  CHECK(PrepError(h, OpCode::kDelete, DeleteBody("/missing")) == ErrorCode::kNoNode);
}

TEST_CASE("Prep: delete of a malformed path is not found, as ZooKeeper does no path check",
          "[znode]") {
  // getParentPathAndValidate only looks for a '/', a NUL and special paths.
  TreeHarness h;
  REQUIRE(h.Create("/a") == ErrorCode::kOk);
  CHECK(PrepError(h, OpCode::kDelete, DeleteBody("/a/")) == ErrorCode::kNoNode);
  CHECK(PrepError(h, OpCode::kDelete, DeleteBody("a")) == ErrorCode::kBadArguments);
  CHECK(PrepError(h, OpCode::kDelete, DeleteBody(std::string("/a\0", 3))) ==
        ErrorCode::kBadArguments);
  CHECK(h.Exists("/a"));
}

TEST_CASE("Prep: setData checks existence, then WRITE permission, then the version", "[znode]") {
  TreeHarness h;
  CHECK(h.SetData("/missing", "x") == ErrorCode::kNoNode);
  REQUIRE(h.Create("/a", kPersistent, "", kSession, WorldAcl(proto::perms::kRead)) ==
          ErrorCode::kOk);
  CHECK(h.SetData("/a", "x", 7) == ErrorCode::kNoAuth);  // NoAuth before BadVersion
  REQUIRE(h.Create("/b") == ErrorCode::kOk);
  CHECK(h.SetData("/b", "x", 7) == ErrorCode::kBadVersion);
  CHECK(h.SetData("/b/", "x") == ErrorCode::kBadArguments);
}

TEST_CASE("Prep: setACL validates the new ACL first, then existence, ADMIN and aversion",
          "[znode]") {
  TreeHarness h;
  CHECK(h.SetAcl("/missing", {}) == ErrorCode::kInvalidAcl);
  CHECK(h.SetAcl("/missing", OpenAcl()) == ErrorCode::kNoNode);
  REQUIRE(h.Create("/a", kPersistent, "", kSession,
                   WorldAcl(proto::perms::kAll & ~proto::perms::kAdmin)) == ErrorCode::kOk);
  CHECK(h.SetAcl("/a", OpenAcl(), 9) == ErrorCode::kNoAuth);
  REQUIRE(h.Create("/b") == ErrorCode::kOk);
  CHECK(h.SetAcl("/b", OpenAcl(), 9) == ErrorCode::kBadVersion);
}

TEST_CASE("Prep: check compares the version and needs READ", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/a") == ErrorCode::kOk);
  CHECK(PrepError(h, OpCode::kCheck, CheckBody("/a", 0)) == ErrorCode::kOk);
  CHECK(PrepError(h, OpCode::kCheck, CheckBody("/a", 3)) == ErrorCode::kBadVersion);
  CHECK(PrepError(h, OpCode::kCheck, CheckBody("/missing", 0)) == ErrorCode::kNoNode);
  REQUIRE(h.SetAcl("/a", WorldAcl(proto::perms::kWrite)) == ErrorCode::kOk);
  CHECK(PrepError(h, OpCode::kCheck, CheckBody("/a", 0)) == ErrorCode::kNoAuth);
}

TEST_CASE("Prep: a failed request becomes an ErrorTxn that still consumes its zxid", "[znode]") {
  TreeHarness h;
  int64_t zxid = h.next_zxid;
  znode::Txn txn = h.PrepOp(OpCode::kCreate, CreateBody("/missing/x"));
  const auto* e = AsError(txn);
  REQUIRE(e != nullptr);
  CHECK(e->err == ErrorCode::kNoNode);
  CHECK(txn.header.zxid == zxid);
  CHECK(txn.header.session_id == kSession);
  size_t nodes = h.tree.NodeCount();
  auto r = h.Apply(txn);
  CHECK(r.err == ErrorCode::kNoNode);
  CHECK(h.tree.last_processed_zxid() == zxid);
  CHECK(h.tree.NodeCount() == nodes);
  CHECK(h.events.empty());
}

TEST_CASE("Prep: a body that does not decode is a MarshallingError txn", "[znode]") {
  TreeHarness h;
  std::string body = CreateBody("/a");
  for (OpCode op : {OpCode::kCreate, OpCode::kSetData, OpCode::kDelete, OpCode::kSetAcl,
                    OpCode::kCheck, OpCode::kMulti, OpCode::kCreateTtl}) {
    INFO(proto::OpCodeName(op));
    CHECK(PrepError(h, op, body.substr(0, 5)) == ErrorCode::kMarshallingError);
  }
  CHECK_FALSE(h.Exists("/a"));
}

TEST_CASE("Prep: two creates prepped before either applies see each other", "[znode]") {
  TreeHarness h;
  znode::Txn parent = h.PrepOp(OpCode::kCreate, CreateBody("/a"));
  znode::Txn child = h.PrepOp(OpCode::kCreate, CreateBody("/a/b"));
  znode::Txn again = h.PrepOp(OpCode::kCreate, CreateBody("/a"));
  REQUIRE(AsError(parent) == nullptr);
  REQUIRE(AsError(child) == nullptr);
  REQUIRE(AsError(again) != nullptr);
  CHECK(AsError(again)->err == ErrorCode::kNodeExists);
  CHECK_FALSE(h.Exists("/a"));
  h.Apply(parent);
  h.Apply(child);
  h.Apply(again);
  CHECK(h.Exists("/a/b"));
  CHECK(h.StatOf("/a").num_children == 1);
  CHECK(h.prep.pending().size() == 0);
}

TEST_CASE("Prep: pipelined sequential creates get consecutive numbers", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/p") == ErrorCode::kOk);
  znode::Txn a = h.PrepOp(OpCode::kCreate, CreateBody("/p/x", "", kPersistentSeq));
  znode::Txn b = h.PrepOp(OpCode::kCreate, CreateBody("/p/x", "", kPersistentSeq));
  CHECK(h.Apply(a).path == "/p/x0000000000");
  CHECK(h.Apply(b).path == "/p/x0000000001");
}

TEST_CASE("Prep: a delete prepped after an unapplied create succeeds", "[znode]") {
  TreeHarness h;
  znode::Txn create = h.PrepOp(OpCode::kCreate, CreateBody("/x"));
  znode::Txn del = h.PrepOp(OpCode::kDelete, DeleteBody("/x", 0));
  REQUIRE(AsError(del) == nullptr);
  znode::Txn del_again = h.PrepOp(OpCode::kDelete, DeleteBody("/x"));
  REQUIRE(AsError(del_again) != nullptr);
  CHECK(AsError(del_again)->err == ErrorCode::kNoNode);
  h.Apply(create);
  h.Apply(del);
  h.Apply(del_again);
  CHECK_FALSE(h.Exists("/x"));
}

TEST_CASE("Prep: a setData prepped after an unapplied setData expects the pending version",
          "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/a") == ErrorCode::kOk);
  znode::Txn first = h.PrepOp(OpCode::kSetData, SetDataBody("/a", "1", 0));
  znode::Txn stale = h.PrepOp(OpCode::kSetData, SetDataBody("/a", "2", 0));
  znode::Txn next = h.PrepOp(OpCode::kSetData, SetDataBody("/a", "3", 1));
  CHECK(AsError(first) == nullptr);
  REQUIRE(AsError(stale) != nullptr);
  CHECK(AsError(stale)->err == ErrorCode::kBadVersion);
  CHECK(AsError(next) == nullptr);
  h.Apply(first);
  h.Apply(stale);
  h.Apply(next);
  CHECK(h.tree.Find("/a")->data() == "3");
  CHECK(h.StatOf("/a").version == 2);
}

TEST_CASE("Prep: multi is all-or-nothing: Ok, the error, then RuntimeInconsistency", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/keep", kPersistent, "v") == ErrorCode::kOk);
  std::string body = MultiBuilder()
                         .Create("/m1")
                         .SetData("/keep", "changed")
                         .Delete("/missing")
                         .Create("/m2")
                         .Body();
  int64_t zxid = h.next_zxid;
  znode::Txn txn = h.PrepOp(OpCode::kMulti, body);
  CHECK(txn.header.zxid == zxid);
  auto r = h.Apply(txn);
  REQUIRE(r.multi.size() == 4);
  for (const auto& m : r.multi) CHECK(m.type == OpCode::kError);
  CHECK(MultiCodes(r) == std::vector<ErrorCode>{ErrorCode::kOk, ErrorCode::kOk, ErrorCode::kNoNode,
                                                ErrorCode::kRuntimeInconsistency});
  CHECK_FALSE(h.Exists("/m1"));
  CHECK_FALSE(h.Exists("/m2"));
  CHECK(h.tree.Find("/keep")->data() == "v");
  CHECK(h.StatOf("/keep").version == 0);
  CHECK(h.tree.last_processed_zxid() == zxid);
  CHECK(h.events.empty());
}

TEST_CASE("Prep: a failed multi's pending changes are rolled back", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/p") == ErrorCode::kOk);
  size_t pending = h.prep.pending().size();
  znode::Txn failed = h.PrepOp(OpCode::kMulti, MultiBuilder()
                                                   .Create("/r")
                                                   .Create("/p/seq", "", kPersistentSeq)
                                                   .SetData("/p", "x")
                                                   .Check("/p", 42)
                                                   .Body());
  CHECK(h.prep.pending().size() == pending);
  // Not applied yet: a later request must not see /r, /p's new version or
  // the consumed sequence number.
  znode::Txn create = h.PrepOp(OpCode::kCreate, CreateBody("/r"));
  znode::Txn set = h.PrepOp(OpCode::kSetData, SetDataBody("/p", "y", 0));
  znode::Txn seq = h.PrepOp(OpCode::kCreate, CreateBody("/p/seq", "", kPersistentSeq));
  CHECK(AsError(create) == nullptr);
  CHECK(AsError(set) == nullptr);
  REQUIRE(AsError(seq) == nullptr);
  h.Apply(failed);
  h.Apply(create);
  h.Apply(set);
  CHECK(h.Apply(seq).path == "/p/seq0000000000");
  CHECK(h.Exists("/r"));
}

TEST_CASE("Prep: multi ops see the earlier ops of the same multi", "[znode]") {
  TreeHarness h;
  int64_t zxid = h.next_zxid;
  auto r = h.Run(OpCode::kMulti, MultiBuilder()
                                     .Create("/q")
                                     .Create("/q/c", "d")
                                     .SetData("/q/c", "e", 0)
                                     .Check("/q/c", 1)
                                     .Create("/q/s", "", kPersistentSeq)
                                     .Delete("/q/c", 1)
                                     .Body());
  REQUIRE(r.multi.size() == 6);
  std::vector<OpCode> types;
  for (const auto& m : r.multi) types.push_back(m.type);
  CHECK(types == std::vector<OpCode>{OpCode::kCreate, OpCode::kCreate, OpCode::kSetData,
                                     OpCode::kCheck, OpCode::kCreate, OpCode::kDelete});
  CHECK(r.multi[0].path == "/q");
  CHECK(r.multi[4].path == "/q/s0000000001");
  CHECK(r.multi[2].stat.version == 1);
  CHECK(r.multi[2].stat.mzxid == zxid);
  CHECK_FALSE(h.Exists("/q/c"));
  // Every op of a multi applies at the multi's zxid.
  CHECK(h.StatOf("/q").czxid == zxid);
  CHECK(h.StatOf("/q/s0000000001").czxid == zxid);
  CHECK(h.StatOf("/q").pzxid == zxid);
}

// The 3.8.0 reference answers create2 inside multi as a plain create (the
// wire suite pins it); 3.8.4 answers create2 with a Stat (ZOOKEEPER-4026).
TEST_CASE("Prep: multi create2 answers as a plain create, as the 3.8.0 reference", "[znode]") {
  TreeHarness h;
  auto r = h.Run(OpCode::kMulti,
                 MultiBuilder().Create("/a", "xy", kPersistent, OpCode::kCreate2).Body());
  REQUIRE(r.multi.size() == 1);
  CHECK(r.multi[0].type == OpCode::kCreate);
  CHECK(r.multi[0].path == "/a");
  CHECK(h.StatOf("/a").data_length == 2);
}

TEST_CASE("Prep: multi createContainer makes a container answered as create2", "[znode]") {
  TreeHarness h;
  auto r = h.Run(OpCode::kMulti,
                 MultiBuilder().Create("/c", "", kContainer, OpCode::kCreateContainer).Body());
  REQUIRE(r.multi.size() == 1);
  CHECK(r.multi[0].type == OpCode::kCreate2);
  CHECK(h.tree.Containers().count("/c") == 1);
}

TEST_CASE("Prep: a multi carrying a read op is a MarshallingError txn", "[znode]") {
  TreeHarness h;
  znode::Txn t = h.PrepOp(OpCode::kMulti, MultiBuilder().Create("/a").GetData("/a").Body());
  REQUIRE(AsError(t) != nullptr);
  CHECK(AsError(t)->err == ErrorCode::kMarshallingError);
  h.Apply(t);
  CHECK_FALSE(h.Exists("/a"));
  // And the create it carried left no pending change behind.
  CHECK(PrepError(h, OpCode::kCreate, CreateBody("/a")) == ErrorCode::kOk);
}

TEST_CASE("Prep: the sequential counter at INT32_MAX wraps like Java's int", "[znode]") {
  // Reaching 2^31 creates takes a replayed txn here; ZooKeeper names the
  // child with %010d of the parent's cversion and stamps cversion + 1 with
  // Java's wrap-around into the txn.
  TreeHarness h;
  REQUIRE(h.Create("/p") == ErrorCode::kOk);
  znode::CreateTxn old;
  old.path = "/p/old";
  old.acl = OpenAcl();
  old.parent_cversion = INT32_MAX;
  znode::Txn replay;
  replay.header.zxid = h.NextZxid();
  replay.body = old;
  h.Apply(replay);
  znode::Txn t = h.PrepOp(OpCode::kCreate, CreateBody("/p/s", "", kPersistentSeq));
  const auto* c = std::get_if<znode::CreateTxn>(&t.body);
  REQUIRE(c != nullptr);
  CHECK(c->path == "/p/s2147483647");
  CHECK(c->parent_cversion == INT32_MIN);
  h.Apply(t);
  CHECK(h.Exists("/p/s2147483647"));
}

TEST_CASE("Prep: an empty multi succeeds with no results", "[znode]") {
  TreeHarness h;
  auto r = h.Run(OpCode::kMulti, MultiBuilder().Body());
  CHECK(r.err == ErrorCode::kOk);
  CHECK(r.multi.empty());
}

TEST_CASE("Prep: closeSession deletes the session's ephemerals, unapplied ones too", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/p") == ErrorCode::kOk);
  REQUIRE(h.Create("/p/e1", kEphemeral, "", kSession) == ErrorCode::kOk);
  REQUIRE(h.Create("/other", kEphemeral, "", kOtherSession) == ErrorCode::kOk);
  znode::Txn e2 = h.PrepOp(OpCode::kCreate, CreateBody("/p/e2", "", kEphemeral), kSession);
  REQUIRE(AsError(e2) == nullptr);
  znode::Txn close = h.prep.PrepCloseSession(kSession, h.NextZxid(), h.NextTime());
  CHECK(std::holds_alternative<znode::CloseSessionTxn>(close.body));
  // Prepped after the close: both ephemerals already count as gone.
  znode::Txn reuse = h.PrepOp(OpCode::kCreate, CreateBody("/p/e1"), kOtherSession);
  znode::Txn reuse2 = h.PrepOp(OpCode::kCreate, CreateBody("/p/e2"), kOtherSession);
  CHECK(AsError(reuse) == nullptr);
  CHECK(AsError(reuse2) == nullptr);
  h.Apply(e2);
  auto closed = h.Apply(close);
  CHECK(closed.deleted_ephemerals == std::vector<std::string>{"/p/e1", "/p/e2"});
  CHECK(h.tree.EphemeralsOf(kSession).empty());
  CHECK(h.Exists("/other"));
  h.Apply(reuse);
  h.Apply(reuse2);
  CHECK(h.StatOf("/p/e1").ephemeral_owner == 0);
  CHECK(h.StatOf("/p").num_children == 2);
}

TEST_CASE(
    "Prep: closeSession adds one record per parent, and later preps count the "
    "children it takes",
    "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/a") == ErrorCode::kOk);
  REQUIRE(h.Create("/b") == ErrorCode::kOk);
  REQUIRE(h.Create("/a/keep") == ErrorCode::kOk);
  REQUIRE(h.Create("/a/e1", kEphemeral, "", kSession) == ErrorCode::kOk);
  REQUIRE(h.Create("/a/e2", kEphemeral, "", kSession) == ErrorCode::kOk);
  REQUIRE(h.Create("/b/e3", kEphemeral, "", kSession) == ErrorCode::kOk);
  size_t before = h.prep.pending().size();
  znode::Txn close = h.prep.PrepCloseSession(kSession, h.NextZxid(), h.NextTime());
  // /a and /b, not a record per ephemeral.
  CHECK(h.prep.pending().size() == before + 2);
  CHECK_FALSE(h.prep.pending().Exists("/a/e1"));
  CHECK_FALSE(h.prep.pending().Exists("/b/e3"));
  CHECK(h.prep.pending().Exists("/a/keep"));
  CHECK(h.prep.pending().Get("/a")->child_count == 1);
  CHECK(h.prep.pending().Get("/a")->stat.pzxid == close.header.zxid);
  znode::Txn del_b = h.PrepOp(OpCode::kDelete, DeleteBody("/b"), kOtherSession);
  znode::Txn del_a = h.PrepOp(OpCode::kDelete, DeleteBody("/a"), kOtherSession);
  CHECK(AsError(del_b) == nullptr);
  REQUIRE(AsError(del_a) != nullptr);
  CHECK(AsError(del_a)->err == ErrorCode::kNotEmpty);
  znode::Txn set_e1 = h.PrepOp(OpCode::kSetData, SetDataBody("/a/e1", "x", -1), kOtherSession);
  REQUIRE(AsError(set_e1) != nullptr);
  CHECK(AsError(set_e1)->err == ErrorCode::kNoNode);
  h.Apply(close);
  h.Apply(del_b);
  CHECK_FALSE(h.Exists("/b"));
  CHECK(h.StatOf("/a").num_children == 1);
  CHECK(h.tree.EphemeralsOf(kSession).empty());
}

TEST_CASE("Prep: closeSession fires NodeDeleted and the parent's NodeChildrenChanged", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/p") == ErrorCode::kOk);
  REQUIRE(h.Create("/p/e", kEphemeral) == ErrorCode::kOk);
  h.watches.Add(znode::kDataWatches, "/p/e", kOtherSession, znode::WatchRegistry::kStandard);
  h.watches.Add(znode::kChildWatches, "/p", kOtherSession, znode::WatchRegistry::kStandard);
  h.CloseSession(kSession);
  REQUIRE(h.events.size() == 2);
  CHECK(h.events[0].type == proto::EventType::kNodeDeleted);
  CHECK(h.events[0].path == "/p/e");
  CHECK(h.events[1].type == proto::EventType::kNodeChildrenChanged);
  CHECK(h.events[1].path == "/p");
}

TEST_CASE("Prep: createSession is a txn that leaves the tree alone", "[znode]") {
  TreeHarness h;
  int64_t zxid = h.next_zxid;
  znode::Txn t =
      h.prep.PrepCreateSession(kSession, 30000, std::string(16, 'p'), h.NextZxid(), h.NextTime());
  const auto* body = std::get_if<znode::CreateSessionTxn>(&t.body);
  REQUIRE(body != nullptr);
  CHECK(body->timeout_ms == 30000);
  CHECK(body->passwd == std::string(16, 'p'));
  CHECK(t.header.session_id == kSession);
  size_t nodes = h.tree.NodeCount();
  h.Apply(t);
  CHECK(h.tree.NodeCount() == nodes);
  CHECK(h.tree.last_processed_zxid() == zxid);
}

TEST_CASE("Prep: PrepDeleteContainer deletes an empty container", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Run(OpCode::kCreateContainer, CreateBody("/c", "", kContainer)).err == ErrorCode::kOk);
  REQUIRE(h.Create("/c/child") == ErrorCode::kOk);
  REQUIRE(h.Delete("/c/child") == ErrorCode::kOk);
  znode::Txn t = h.prep.PrepDeleteContainer("/c", h.NextZxid(), h.NextTime());
  const auto* del = std::get_if<znode::DeleteTxn>(&t.body);
  REQUIRE(del != nullptr);
  CHECK(del->op == OpCode::kDeleteContainer);
  CHECK(del->path == "/c");
  h.Apply(t);
  CHECK_FALSE(h.Exists("/c"));
  CHECK(h.tree.Containers().empty());
}

TEST_CASE("Prep: PrepDeleteContainer refuses a non-empty container and a normal ephemeral",
          "[znode]") {
  TreeHarness h;
  REQUIRE(h.Run(OpCode::kCreateContainer, CreateBody("/c", "", kContainer)).err == ErrorCode::kOk);
  REQUIRE(h.Create("/c/child") == ErrorCode::kOk);
  REQUIRE(h.Create("/e", kEphemeral) == ErrorCode::kOk);
  auto code = [&](const std::string& path) {
    znode::Txn t = h.prep.PrepDeleteContainer(path, h.NextZxid(), h.NextTime());
    const auto* e = AsError(t);
    h.Apply(t);
    return e ? e->err : ErrorCode::kOk;
  };
  CHECK(code("/c") == ErrorCode::kNotEmpty);
  CHECK(code("/e") == ErrorCode::kBadVersion);
  CHECK(code("/missing") == ErrorCode::kNoNode);
  CHECK(code("/zookeeper") == ErrorCode::kBadArguments);
  CHECK(h.Exists("/c"));
  CHECK(h.Exists("/e"));
}

TEST_CASE("Prep: PrepDeleteContainer sees a child created but not yet applied", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Run(OpCode::kCreateContainer, CreateBody("/c", "", kContainer)).err == ErrorCode::kOk);
  znode::Txn child = h.PrepOp(OpCode::kCreate, CreateBody("/c/x"));
  znode::Txn t = h.prep.PrepDeleteContainer("/c", h.NextZxid(), h.NextTime());
  REQUIRE(AsError(t) != nullptr);
  CHECK(AsError(t)->err == ErrorCode::kNotEmpty);
  h.Apply(child);
  h.Apply(t);
  CHECK(h.Exists("/c/x"));
}

TEST_CASE("Prep: IsWriteOp names exactly the txn-producing client opcodes", "[znode]") {
  for (OpCode op :
       {OpCode::kCreate, OpCode::kCreate2, OpCode::kCreateContainer, OpCode::kCreateTtl,
        OpCode::kDelete, OpCode::kSetData, OpCode::kSetAcl, OpCode::kCheck, OpCode::kMulti}) {
    CHECK(znode::IsWriteOp(op));
  }
  for (OpCode op : {OpCode::kGetData, OpCode::kExists, OpCode::kSync, OpCode::kMultiRead,
                    OpCode::kPing, OpCode::kDeleteContainer, OpCode::kCloseSession}) {
    CHECK_FALSE(znode::IsWriteOp(op));
  }
}
