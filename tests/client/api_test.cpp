// Every call of client-lib's API against a real server: Cairn, or Apache ZooKeeper when
// CAIRN_TEST_SERVER=zookeeper (ctest runs this binary both ways).
#include <catch2/catch.hpp>

#include "client/fixture.h"

namespace cairn::client::testing {
namespace {

using proto::OpCode;

TEST_CASE("client: create, read, update and delete with stats and versions", "[client-lib]") {
  auto c = Connect();
  std::string root = TestRoot(*c);
  auto created = c->Create(root + "/a", "one");
  REQUIRE(created.ok());
  CHECK(created.value.path == root + "/a");
  CHECK(created.value.stat.version == 0);
  CHECK(created.value.stat.data_length == 3);
  CHECK(c->Create(root + "/a", "again").code == ErrorCode::kNodeExists);
  CHECK(c->Create(root + "/no/parent").code == ErrorCode::kNoNode);

  auto data = c->GetData(root + "/a");
  REQUIRE(data.ok());
  CHECK(data.value.data == "one");
  CHECK(data.value.stat.czxid == created.value.stat.czxid);

  auto set = c->SetData(root + "/a", "two", 0);
  REQUIRE(set.ok());
  CHECK(set.value.version == 1);
  CHECK(c->SetData(root + "/a", "three", 0).code == ErrorCode::kBadVersion);
  CHECK(c->Exists(root + "/a").value.mzxid == set.value.mzxid);
  CHECK(c->Exists(root + "/zz").code == ErrorCode::kNoNode);

  CHECK(c->Delete(root + "/a", 0).code == ErrorCode::kBadVersion);
  CHECK(c->Delete(root + "/a", 1).ok());
  CHECK(c->GetData(root + "/a").code == ErrorCode::kNoNode);
  CHECK(c->Delete(root).ok());
}

TEST_CASE("client: sequential, ephemeral, container and TTL nodes", "[client-lib]") {
  auto c = Connect();
  std::string root = TestRoot(*c);
  auto s1 = c->Create(root + "/s-", "", CreateOptions{CreateMode::kPersistentSequential});
  auto s2 = c->Create(root + "/s-", "", CreateOptions{CreateMode::kEphemeralSequential});
  REQUIRE(s1.ok());
  REQUIRE(s2.ok());
  CHECK(s1.value.path == root + "/s-0000000000");
  CHECK(s2.value.path == root + "/s-0000000001");
  CHECK(s2.value.stat.ephemeral_owner == c->session_id());
  auto e = c->Create(root + "/e", "", CreateOptions{CreateMode::kEphemeral});
  REQUIRE(e.ok());
  CHECK(c->Create(root + "/e/child").code == ErrorCode::kNoChildrenForEphemerals);

  auto box = c->Create(root + "/box", "", CreateOptions{CreateMode::kContainer});
  REQUIRE(box.ok());
  CHECK(c->Exists(root + "/box").value.ephemeral_owner == 0);
  CreateOptions ttl{CreateMode::kPersistentWithTtl};
  ttl.ttl_ms = 60000;
  CHECK(c->Create(root + "/ttl", "", ttl).ok());
  CHECK(c->Create(root + "/ttl2", "", CreateOptions{CreateMode::kPersistentWithTtl}).code ==
        ErrorCode::kBadArguments);  // no TTL given

  auto kids = c->GetChildren(root);
  REQUIRE(kids.ok());
  CHECK(kids.value.names.size() == 5);
  CHECK(kids.value.stat.num_children == 5);
  CHECK(c->GetAllChildrenNumber(root).value == 5);
  auto ephemerals = c->GetEphemerals(root);
  REQUIRE(ephemerals.ok());
  std::sort(ephemerals.value.begin(), ephemerals.value.end());
  CHECK(ephemerals.value == std::vector<std::string>{root + "/e", root + "/s-0000000001"});
}

TEST_CASE("client: paths are checked before they are sent", "[client-lib]") {
  auto c = Connect();
  CHECK(c->Create("no-slash").code == ErrorCode::kBadArguments);
  CHECK(c->GetData("/a/").code == ErrorCode::kBadArguments);
  CHECK(c->Exists("/a//b").code == ErrorCode::kBadArguments);
  CHECK(c->Create("/x", "", CreateOptions{CreateMode::kPersistent, {}}).code ==
        ErrorCode::kInvalidAcl);
}

TEST_CASE("client: ACLs, digest auth and whoAmI", "[client-lib]") {
  auto c = Connect();
  std::string root = TestRoot(*c);
  REQUIRE(c->AddAuth("digest", "alice:secret").ok());
  auto who = c->WhoAmI();
  REQUIRE(who.ok());
  bool alice = false;
  for (auto& id : who.value) alice |= id.scheme == "digest" && id.id == "alice";
  CHECK(alice);
  REQUIRE(
      c->Create(root + "/mine", "x", CreateOptions{CreateMode::kPersistent, CreatorAllAcl()}).ok());
  auto acl = c->GetAcl(root + "/mine");
  REQUIRE(acl.ok());
  REQUIRE(acl.value.acl.size() == 1);
  CHECK(acl.value.acl[0].id.scheme == "digest");
  CHECK(acl.value.acl[0].perms == proto::perms::kAll);

  auto other = Connect();
  CHECK(other->GetData(root + "/mine").code == ErrorCode::kNoAuth);
  CHECK(c->SetAcl(root + "/mine", ReadAclUnsafe(), 5).code == ErrorCode::kBadVersion);
  auto set = c->SetAcl(root + "/mine", ReadAclUnsafe(), 0);
  REQUIRE(set.ok());
  CHECK(set.value.aversion == 1);
  CHECK(other->GetData(root + "/mine").ok());
  CHECK(other->SetData(root + "/mine", "y").code == ErrorCode::kNoAuth);
  CHECK(c->SetAcl(root + "/mine", OpenAclUnsafe(), 1).code == ErrorCode::kNoAuth);  // no ADMIN now
}

TEST_CASE("client: multi commits all or nothing, with per-op results", "[client-lib]") {
  auto c = Connect();
  std::string root = TestRoot(*c);
  Transaction ok;
  ok.Create(root + "/a", "1").Create(root + "/b", "2").SetData(root + "/a", "3").Check(root, 0);
  auto r = c->Multi(ok);
  REQUIRE(r.ok());
  REQUIRE(r.value.size() == 4);
  CHECK(r.value[0].path == root + "/a");
  CHECK(r.value[2].stat.version == 1);

  Transaction bad;
  bad.Create(root + "/c", "").Delete(root + "/zz");
  auto f = c->Multi(bad);
  CHECK(f.code == ErrorCode::kNoNode);
  REQUIRE(f.value.size() == 2);
  CHECK(f.value[0].type == OpCode::kError);  // rolled back: an error result with code 0
  CHECK(f.value[0].code == ErrorCode::kOk);
  CHECK(f.value[1].code == ErrorCode::kNoNode);
  CHECK(c->Exists(root + "/c").code == ErrorCode::kNoNode);

  ReadBatch reads;
  reads.GetData(root + "/a").GetChildren(root).GetData(root + "/zz");
  auto m = c->MultiRead(reads);
  REQUIRE(m.ok());
  REQUIRE(m.value.size() == 3);
  CHECK(m.value[0].data == "3");
  CHECK(m.value[1].children.size() == 2);
  CHECK(m.value[2].code == ErrorCode::kNoNode);
}

TEST_CASE("client: sync completes and a chroot confines every path", "[client-lib]") {
  auto c = Connect();
  std::string root = TestRoot(*c);
  CHECK(c->Sync(root).value == root);
  auto jailed = Connect(root);
  auto made = jailed->Create("/inside", "x", CreateOptions{CreateMode::kPersistentSequential});
  REQUIRE(made.ok());
  CHECK(made.value.path == "/inside0000000000");
  CHECK(c->GetData(root + "/inside0000000000").value.data == "x");
  CHECK(jailed->GetChildren("/").value.names == std::vector<std::string>{"inside0000000000"});
  CHECK(jailed->Sync("/").value == "/");
}

TEST_CASE("client: many requests in flight complete in order", "[client-lib]") {
  auto c = Connect();
  std::string root = TestRoot(*c);
  constexpr int kCount = 2000;
  std::mutex mu;
  std::condition_variable done_cv;
  std::vector<int> order;
  for (int i = 0; i < kCount; ++i) {
    c->async().Create(root + "/n" + std::to_string(i), "d", {}, [&, i](Outcome<Created> r) {
      std::lock_guard lock(mu);
      if (r.ok()) order.push_back(i);
      done_cv.notify_all();
    });
  }
  std::unique_lock lock(mu);
  REQUIRE(done_cv.wait_for(lock, std::chrono::seconds(30), [&] { return order.size() == kCount; }));
  for (int i = 0; i < kCount; ++i) REQUIRE(order[i] == i);
}

}  // namespace
}  // namespace cairn::client::testing
