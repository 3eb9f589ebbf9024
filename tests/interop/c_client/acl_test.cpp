// Checks ACLs through the C client: get/set_acl bookkeeping, which permission each operation
// needs, digest and ip schemes, addauth, the creator ACL, the super user and invalid ACLs.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "interop/c_client/client_fixture.h"

namespace cairn::interop {
namespace {

// base64(sha1("alice:secret")) and base64(sha1("bob:hunter2")).
constexpr char kAliceDigestId[] = "alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=";
constexpr char kBobDigestId[] = "bob:1Yu1ryCXOIF7lyFzbmQ5J+MJOZc=";

// An ACL_vector that owns its entries.
class Acl {
 public:
  Acl& Add(int perms, const std::string& scheme, const std::string& id) {
    entries_.push_back({perms, scheme, id});
    return *this;
  }
  const ACL_vector* get() {
    acls_.clear();
    for (Entry& entry : entries_) {
      acls_.push_back(ACL{entry.perms, Id{entry.scheme.data(), entry.id.data()}});
    }
    vector_ = ACL_vector{static_cast<int32_t>(acls_.size()), acls_.data()};
    return &vector_;
  }

 private:
  struct Entry {
    int perms;
    std::string scheme;
    std::string id;
  };
  std::vector<Entry> entries_;
  std::vector<ACL> acls_;
  ACL_vector vector_{0, nullptr};
};

int CreateWithAcl(zhandle_t* zh, const std::string& path, const ACL_vector* acl,
                  const std::string& data = "") {
  return zoo_create(zh, path.c_str(), data.data(), static_cast<int>(data.size()), acl, 0, nullptr,
                    0);
}

struct AclResult {
  int rc = ZOK;
  std::vector<std::string> entries;
  Stat stat{};
};

AclResult GetAcl(zhandle_t* zh, const std::string& path) {
  AclResult result;
  ACL_vector acl{0, nullptr};
  result.rc = zoo_get_acl(zh, path.c_str(), &acl, &result.stat);
  if (result.rc == ZOK) {
    result.entries = AclStrings(acl);
    deallocate_ACL_vector(&acl);
  }
  return result;
}

std::string AclEntry(int perms, const std::string& scheme, const std::string& id) {
  return std::to_string(perms) + ":" + scheme + ":" + id;
}

TEST_CASE("C client: a new node reports the ACL it was created with and aversion 0", "[interop]") {
  TestRoot root;
  auto client = Connect();
  REQUIRE(Create(client->zh(), root.Path("open")) == ZOK);
  AclResult open = GetAcl(client->zh(), root.Path("open"));
  REQUIRE(open.rc == ZOK);
  CHECK(open.entries == std::vector<std::string>{AclEntry(ZOO_PERM_ALL, "world", "anyone")});
  CHECK(open.stat.aversion == 0);
  CHECK(open.stat.czxid > 0);

  Acl mixed;
  mixed.Add(ZOO_PERM_READ, "world", "anyone")
      .Add(ZOO_PERM_ALL, "digest", kAliceDigestId)
      .Add(ZOO_PERM_WRITE | ZOO_PERM_CREATE, "ip", "127.0.0.1");
  REQUIRE(CreateWithAcl(client->zh(), root.Path("mixed"), mixed.get()) == ZOK);
  AclResult got = GetAcl(client->zh(), root.Path("mixed"));
  REQUIRE(got.rc == ZOK);
  // Without ADMIN on the node the digest hashes are masked.
  CHECK(got.entries ==
        std::vector<std::string>{AclEntry(ZOO_PERM_READ, "world", "anyone"),
                                 AclEntry(ZOO_PERM_ALL, "digest", "alice:x"),
                                 AclEntry(ZOO_PERM_WRITE | ZOO_PERM_CREATE, "ip", "127.0.0.1")});
  CHECK(GetAcl(client->zh(), root.Path("absent")).rc == ZNONODE);

  // Alice has ADMIN through her entry, and so sees the hashes.
  auto alice = Connect();
  REQUIRE(AddAuth(alice->zh(), "digest", "alice:secret") == ZOK);
  const std::vector<std::string> full = {
      AclEntry(ZOO_PERM_READ, "world", "anyone"), AclEntry(ZOO_PERM_ALL, "digest", kAliceDigestId),
      AclEntry(ZOO_PERM_WRITE | ZOO_PERM_CREATE, "ip", "127.0.0.1")};
  CHECK(GetAcl(alice->zh(), root.Path("mixed")).entries == full);
  CHECK(GetAcl(root.admin().zh(), root.Path("mixed")).entries == full);
}

TEST_CASE("C client: set_acl replaces the ACL, bumps only aversion and checks the version",
          "[interop]") {
  TestRoot root;
  auto client = Connect();
  const std::string node = root.Path("n");
  REQUIRE(Create(client->zh(), node, "data") == ZOK);
  std::optional<Stat> before = StatOf(client->zh(), node);
  REQUIRE(before);

  CHECK(zoo_set_acl(client->zh(), node.c_str(), 1, &ZOO_READ_ACL_UNSAFE) == ZBADVERSION);
  REQUIRE(zoo_set_acl(client->zh(), node.c_str(), 0, &ZOO_READ_ACL_UNSAFE) == ZOK);
  AclResult got = GetAcl(client->zh(), node);
  REQUIRE(got.rc == ZOK);
  CHECK(got.entries == std::vector<std::string>{AclEntry(ZOO_PERM_READ, "world", "anyone")});
  CHECK(got.stat.aversion == 1);
  CHECK(got.stat.version == before->version);
  CHECK(got.stat.cversion == before->cversion);
  CHECK(got.stat.mzxid == before->mzxid);
  CHECK(got.stat.pzxid == before->pzxid);
  CHECK(got.stat.mtime == before->mtime);

  // The new ACL lacks ADMIN, so further changes are refused.
  CHECK(zoo_set_acl(client->zh(), node.c_str(), -1, &ZOO_OPEN_ACL_UNSAFE) == ZNOAUTH);
  CHECK(zoo_set_acl(client->zh(), root.Path("absent").c_str(), -1, &ZOO_OPEN_ACL_UNSAFE) ==
        ZNONODE);
  ACL_vector empty{0, nullptr};
  REQUIRE(Create(client->zh(), root.Path("m")) == ZOK);
  CHECK(zoo_set_acl(client->zh(), root.Path("m").c_str(), -1, &empty) == ZINVALIDACL);
  CHECK(GetAcl(client->zh(), root.Path("m")).stat.aversion == 0);
}

TEST_CASE(
    "C client: a world read-only node allows reads, refuses writes with ZNOAUTH and can "
    "still be deleted through its parent",
    "[interop]") {
  TestRoot root;
  auto client = Connect();
  const std::string node = root.Path("ro");
  REQUIRE(CreateWithAcl(client->zh(), node, &ZOO_READ_ACL_UNSAFE, "visible") == ZOK);
  CHECK(Get(client->zh(), node).data == "visible");
  int rc = ZOK;
  Children(client->zh(), node, &rc);
  CHECK(rc == ZOK);
  CHECK(GetAcl(client->zh(), node).rc == ZOK);
  CHECK(zoo_set(client->zh(), node.c_str(), "x", 1, -1) == ZNOAUTH);
  CHECK(Create(client->zh(), node + "/child") == ZNOAUTH);
  CHECK(zoo_set_acl(client->zh(), node.c_str(), -1, &ZOO_OPEN_ACL_UNSAFE) == ZNOAUTH);
  CHECK(Get(client->zh(), node).stat.version == 0);
  // Deleting needs DELETE on the parent, not on the node.
  CHECK(zoo_delete(client->zh(), node.c_str(), -1) == ZOK);
}

TEST_CASE("C client: exists needs no permission while get, get_children and get_acl need READ",
          "[interop]") {
  TestRoot root;
  auto client = Connect();
  Acl create_only;
  create_only.Add(ZOO_PERM_CREATE, "world", "anyone");
  const std::string node = root.Path("c");
  REQUIRE(CreateWithAcl(client->zh(), node, create_only.get(), "secret") == ZOK);
  CHECK(StatOf(client->zh(), node));
  CHECK(Get(client->zh(), node).rc == ZNOAUTH);
  int rc = ZOK;
  Children(client->zh(), node, &rc);
  CHECK(rc == ZNOAUTH);
  CHECK(GetAcl(client->zh(), node).rc == ZNOAUTH);
  CHECK(zoo_set(client->zh(), node.c_str(), "x", 1, -1) == ZNOAUTH);
  // CREATE on the parent suffices to add a child, but removing it needs DELETE.
  CHECK(Create(client->zh(), node + "/kid") == ZOK);
  CHECK(zoo_delete(client->zh(), (node + "/kid").c_str(), -1) == ZNOAUTH);

  // ADMIN alone is enough to read the ACL.
  Acl admin_only;
  admin_only.Add(ZOO_PERM_ADMIN, "world", "anyone");
  REQUIRE(CreateWithAcl(client->zh(), root.Path("a"), admin_only.get()) == ZOK);
  CHECK(GetAcl(client->zh(), root.Path("a")).rc == ZOK);
  CHECK(Get(client->zh(), root.Path("a")).rc == ZNOAUTH);

  // A node whose ACL grants nothing still exists for everyone.
  Acl nothing;
  nothing.Add(0, "world", "anyone");
  REQUIRE(CreateWithAcl(client->zh(), root.Path("none"), nothing.get()) == ZOK);
  CHECK(StatOf(client->zh(), root.Path("none")));
  CHECK(Get(client->zh(), root.Path("none")).rc == ZNOAUTH);
  CHECK(zoo_delete(client->zh(), root.Path("none").c_str(), -1) == ZOK);
}

TEST_CASE("C client: a digest ACL refuses other sessions until they add the right credentials",
          "[interop]") {
  TestRoot root;
  auto owner = Connect();
  REQUIRE(AddAuth(owner->zh(), "digest", "alice:secret") == ZOK);
  Acl alice;
  alice.Add(ZOO_PERM_ALL, "digest", kAliceDigestId);
  const std::string node = root.Path("private");
  REQUIRE(CreateWithAcl(owner->zh(), node, alice.get(), "for alice") == ZOK);
  CHECK(Get(owner->zh(), node).data == "for alice");

  auto stranger = Connect();
  CHECK(Get(stranger->zh(), node).rc == ZNOAUTH);
  CHECK(zoo_set(stranger->zh(), node.c_str(), "x", 1, -1) == ZNOAUTH);
  CHECK(GetAcl(stranger->zh(), node).rc == ZNOAUTH);
  CHECK(StatOf(stranger->zh(), node));

  // A wrong password is accepted as an identity of its own, which the ACL does not list.
  CHECK(AddAuth(stranger->zh(), "digest", "alice:wrong") == ZOK);
  CHECK(zoo_state(stranger->zh()) == ZOO_CONNECTED_STATE);
  CHECK(Get(stranger->zh(), node).rc == ZNOAUTH);
  CHECK(AddAuth(stranger->zh(), "digest", "alice:secret") == ZOK);
  CHECK(Get(stranger->zh(), node).data == "for alice");
  CHECK(zoo_set(stranger->zh(), node.c_str(), "changed", 7, -1) == ZOK);
}

TEST_CASE(
    "C client: the creator ACL needs an authenticated session and expands to all of its "
    "digest identities",
    "[interop]") {
  TestRoot root;
  auto client = Connect();
  CHECK(CreateWithAcl(client->zh(), root.Path("anon"), &ZOO_CREATOR_ALL_ACL) == ZINVALIDACL);
  CHECK_FALSE(StatOf(client->zh(), root.Path("anon")));

  REQUIRE(AddAuth(client->zh(), "digest", "alice:secret") == ZOK);
  REQUIRE(CreateWithAcl(client->zh(), root.Path("one"), &ZOO_CREATOR_ALL_ACL) == ZOK);
  CHECK(GetAcl(client->zh(), root.Path("one")).entries ==
        std::vector<std::string>{AclEntry(ZOO_PERM_ALL, "digest", kAliceDigestId)});

  REQUIRE(AddAuth(client->zh(), "digest", "bob:hunter2") == ZOK);
  REQUIRE(CreateWithAcl(client->zh(), root.Path("two"), &ZOO_CREATOR_ALL_ACL) == ZOK);
  CHECK(GetAcl(client->zh(), root.Path("two")).entries ==
        std::vector<std::string>{AclEntry(ZOO_PERM_ALL, "digest", kAliceDigestId),
                                 AclEntry(ZOO_PERM_ALL, "digest", kBobDigestId)});

  auto bob = Connect();
  REQUIRE(AddAuth(bob->zh(), "digest", "bob:hunter2") == ZOK);
  CHECK(Get(bob->zh(), root.Path("one")).rc == ZNOAUTH);
  CHECK(Get(bob->zh(), root.Path("two")).rc == ZOK);
}

TEST_CASE("C client: the super user bypasses every ACL", "[interop]") {
  TestRoot root;
  auto owner = Connect();
  REQUIRE(AddAuth(owner->zh(), "digest", "alice:secret") == ZOK);
  Acl nothing;
  nothing.Add(0, "digest", kAliceDigestId);
  const std::string locked = root.Path("locked");
  REQUIRE(CreateWithAcl(owner->zh(), locked, nothing.get(), "sealed") == ZOK);
  CHECK(Get(owner->zh(), locked).rc == ZNOAUTH);

  auto super = ConnectAsSuper();
  CHECK(Get(super->zh(), locked).data == "sealed");
  CHECK(GetAcl(super->zh(), locked).rc == ZOK);
  CHECK(zoo_set(super->zh(), locked.c_str(), "opened", 6, -1) == ZOK);
  CHECK(Create(super->zh(), locked + "/child") == ZOK);
  CHECK(zoo_delete(super->zh(), (locked + "/child").c_str(), -1) == ZOK);
  CHECK(zoo_set_acl(super->zh(), locked.c_str(), -1, &ZOO_OPEN_ACL_UNSAFE) == ZOK);
  CHECK(Get(owner->zh(), locked).data == "opened");

  // A wrong super password is just another digest identity.
  auto impostor = Connect();
  REQUIRE(AddAuth(impostor->zh(), "digest", "super:wrong") == ZOK);
  REQUIRE(zoo_set_acl(super->zh(), locked.c_str(), -1, nothing.get()) == ZOK);
  CHECK(Get(impostor->zh(), locked).rc == ZNOAUTH);
}

TEST_CASE("C client: an ip ACL matches the loopback address of the client", "[interop]") {
  TestRoot root;
  auto client = Connect();
  Acl loopback;
  loopback.Add(ZOO_PERM_ALL, "ip", "127.0.0.1");
  Acl loopback_net;
  loopback_net.Add(ZOO_PERM_READ, "ip", "127.0.0.0/8");
  Acl elsewhere;
  elsewhere.Add(ZOO_PERM_ALL, "ip", "10.1.2.3");
  REQUIRE(CreateWithAcl(client->zh(), root.Path("mine"), loopback.get(), "a") == ZOK);
  REQUIRE(CreateWithAcl(client->zh(), root.Path("net"), loopback_net.get(), "b") == ZOK);
  REQUIRE(CreateWithAcl(client->zh(), root.Path("theirs"), elsewhere.get(), "c") == ZOK);
  CHECK(Get(client->zh(), root.Path("mine")).data == "a");
  CHECK(Get(client->zh(), root.Path("net")).data == "b");
  CHECK(zoo_set(client->zh(), root.Path("net").c_str(), "x", 1, -1) == ZNOAUTH);
  CHECK(Get(client->zh(), root.Path("theirs")).rc == ZNOAUTH);
}

TEST_CASE("C client: empty ACLs, unknown schemes and malformed ids are ZINVALIDACL", "[interop]") {
  TestRoot root;
  auto client = Connect();
  ACL_vector empty{0, nullptr};
  CHECK(CreateWithAcl(client->zh(), root.Path("empty"), &empty) == ZINVALIDACL);
  Acl unknown_scheme;
  unknown_scheme.Add(ZOO_PERM_ALL, "nosuchscheme", "x");
  CHECK(CreateWithAcl(client->zh(), root.Path("scheme"), unknown_scheme.get()) == ZINVALIDACL);
  Acl bad_digest;
  bad_digest.Add(ZOO_PERM_ALL, "digest", "no-colon-here");
  CHECK(CreateWithAcl(client->zh(), root.Path("digest"), bad_digest.get()) == ZINVALIDACL);
  Acl bad_world;
  bad_world.Add(ZOO_PERM_ALL, "world", "someone");
  CHECK(CreateWithAcl(client->zh(), root.Path("world"), bad_world.get()) == ZINVALIDACL);
  Acl bad_ip;
  bad_ip.Add(ZOO_PERM_ALL, "ip", "not-an-address");
  CHECK(CreateWithAcl(client->zh(), root.Path("ip"), bad_ip.get()) == ZINVALIDACL);
  CHECK(Children(client->zh(), root.path()).empty());

  // In a multi the invalid ACL fails its op.
  zoo_op_t ops[2];
  zoo_op_result_t results[2];
  const std::string ok_path = root.Path("ok");
  const std::string bad_path = root.Path("bad");
  zoo_create_op_init(&ops[0], ok_path.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
  zoo_create_op_init(&ops[1], bad_path.c_str(), "", 0, unknown_scheme.get(), 0, nullptr, 0);
  CHECK(zoo_multi(client->zh(), 2, ops, results) == ZINVALIDACL);
  CHECK(results[0].err == ZOK);
  CHECK(results[1].err == ZINVALIDACL);
  CHECK(Children(client->zh(), root.path()).empty());
}

TEST_CASE(
    "C client: adding auth with an unknown scheme moves the session to "
    "ZOO_AUTH_FAILED_STATE",
    "[interop]") {
  auto client = Connect();
  int rc = AddAuth(client->zh(), "nosuchscheme", "whatever");
  CHECK(rc == ZAUTHFAILED);
  CHECK(client->WaitForState(ZOO_AUTH_FAILED_STATE));
  CHECK(zoo_state(client->zh()) == ZOO_AUTH_FAILED_STATE);
  CHECK(zoo_exists(client->zh(), "/", 0, nullptr) == ZINVALIDSTATE);
}

}  // namespace
}  // namespace cairn::interop
