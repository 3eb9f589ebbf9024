// Checks CheckAcl and FixupAcl against ZooKeeper's checkACL and fixupACL
// (world, digest, ip with CIDR masks, super, empty ACLs, permission bits,
// "auth" expansion, duplicate removal) with literal ACLs and ids.
#include "znode/acl.h"

#include <catch2/catch.hpp>

namespace proto = cairn::proto;
namespace perms = cairn::proto::perms;
using cairn::znode::AuthIds;
using cairn::znode::CheckAcl;
using cairn::znode::FixupAcl;
using cairn::znode::IpMatches;
using cairn::znode::IsValidDigestId;
using cairn::znode::IsValidIpId;
using proto::Acl;
using proto::AclList;
using proto::ErrorCode;
using proto::Id;

namespace {

const Id kAnyone{"world", "anyone"};
const Id kBob{"digest", "bob:hash="};
const Id kAlice{"digest", "alice:hash="};

}  // namespace

TEST_CASE("CheckAcl: an empty ACL allows everything", "[znode]") {
  CHECK(CheckAcl({}, perms::kAdmin, {}));
  CHECK(CheckAcl({}, perms::kWrite, {kBob}));
}

TEST_CASE("CheckAcl: world:anyone grants only the bits it lists", "[znode]") {
  AclList acl = {Acl{perms::kRead | perms::kCreate, kAnyone}};
  CHECK(CheckAcl(acl, perms::kRead, {}));
  CHECK(CheckAcl(acl, perms::kCreate, {}));
  CHECK_FALSE(CheckAcl(acl, perms::kWrite, {}));
  CHECK_FALSE(CheckAcl(acl, perms::kDelete, {}));
  CHECK_FALSE(CheckAcl(acl, perms::kAdmin, {}));
  // A request for several bits passes if any entry grants any of them.
  CHECK(CheckAcl(acl, perms::kRead | perms::kAdmin, {}));
  // world with another id is not "anyone".
  CHECK_FALSE(CheckAcl({Acl{perms::kAll, {"world", "someone"}}}, perms::kRead, {}));
}

TEST_CASE("CheckAcl: a digest entry matches only the same digest id", "[znode]") {
  AclList acl = {Acl{perms::kAll, kBob}};
  CHECK(CheckAcl(acl, perms::kWrite, {kBob}));
  CHECK(CheckAcl(acl, perms::kWrite, {kAlice, kBob}));
  CHECK_FALSE(CheckAcl(acl, perms::kWrite, {kAlice}));
  CHECK_FALSE(CheckAcl(acl, perms::kWrite, {}));
  CHECK_FALSE(CheckAcl(acl, perms::kWrite, {Id{"ip", "bob:hash="}}));
}

TEST_CASE("CheckAcl: a super id allows everything", "[znode]") {
  AclList acl = {Acl{perms::kRead, kBob}};
  CHECK(CheckAcl(acl, perms::kAdmin, {Id{"super", ""}}));
  CHECK(CheckAcl(acl, perms::kDelete, {Id{"ip", "10.0.0.1"}, Id{"super", ""}}));
}

TEST_CASE("CheckAcl: ip entries match addresses under their CIDR mask", "[znode]") {
  auto allowed = [](const char* acl_id, const char* client) {
    return CheckAcl({Acl{perms::kRead, Id{"ip", acl_id}}}, perms::kRead, {Id{"ip", client}});
  };
  CHECK(allowed("127.0.0.1", "127.0.0.1"));
  CHECK_FALSE(allowed("127.0.0.1", "127.0.0.2"));
  CHECK(allowed("10.0.0.0/8", "10.200.3.4"));
  CHECK_FALSE(allowed("10.0.0.0/8", "11.0.0.1"));
  CHECK(allowed("192.168.1.0/25", "192.168.1.127"));
  CHECK_FALSE(allowed("192.168.1.0/25", "192.168.1.128"));
  // Host bits in the ACL address are masked off too.
  CHECK(allowed("10.1.2.3/8", "10.9.9.9"));
  CHECK(allowed("0.0.0.0/0", "203.0.113.9"));
  CHECK(allowed("192.168.1.7/32", "192.168.1.7"));
  CHECK_FALSE(allowed("192.168.1.7/32", "192.168.1.8"));
  CHECK_FALSE(allowed("10.0.0.0/8", "not-an-ip"));
}

TEST_CASE("IpMatches and IsValidIpId follow IPAuthenticationProvider", "[znode]") {
  CHECK(IpMatches("172.16.5.4", "172.16.0.0/12"));
  CHECK_FALSE(IpMatches("172.32.0.1", "172.16.0.0/12"));
  CHECK(IsValidIpId("1.2.3.4"));
  CHECK(IsValidIpId("10.0.0.0/8"));
  CHECK(IsValidIpId("10.0.0.0/0"));
  CHECK(IsValidIpId("10.0.0.0/32"));
  CHECK_FALSE(IsValidIpId("10.0.0.0/33"));
  CHECK_FALSE(IsValidIpId("10.0.0.0/"));
  CHECK_FALSE(IsValidIpId("10.0.0.0/x"));
  CHECK_FALSE(IsValidIpId("1.2.3"));
  CHECK_FALSE(IsValidIpId("1.2.3.256"));
  CHECK_FALSE(IsValidIpId("host.example.com"));
  CHECK_FALSE(IsValidIpId(""));
}

TEST_CASE("IsValidDigestId wants user:hash with a non-empty hash", "[znode]") {
  CHECK(IsValidDigestId("bob:hash="));
  CHECK(IsValidDigestId(":hash"));  // Java's split keeps a leading empty part
  CHECK_FALSE(IsValidDigestId("bob"));
  CHECK_FALSE(IsValidDigestId("bob:"));
  CHECK_FALSE(IsValidDigestId("a:b:c"));
  CHECK_FALSE(IsValidDigestId(""));
}

TEST_CASE("IsValidDigestId ignores trailing empty parts, as Java's split does",
          "[znode]") {
  // DigestAuthenticationProvider.isValid: id.split(":").length == 2, and
  // "a:b:".split(":") is ["a", "b"].
  CHECK(IsValidDigestId("bob:hash:"));
  CHECK(IsValidDigestId("bob:hash::"));
}

TEST_CASE("FixupAcl: an empty ACL is InvalidACL", "[znode]") {
  AclList out;
  CHECK(FixupAcl({}, {kBob}, &out) == ErrorCode::kInvalidAcl);
}

TEST_CASE("FixupAcl: unknown schemes and malformed ids are InvalidACL", "[znode]") {
  const AclList bad[] = {
      {Acl{perms::kAll, {"foo", "bar"}}},
      {Acl{perms::kAll, {"super", ""}}},
      {Acl{perms::kAll, {"world", "someone"}}},
      {Acl{perms::kAll, {"digest", "nocolon"}}},
      {Acl{perms::kAll, {"digest", "user:"}}},
      {Acl{perms::kAll, {"ip", "1.2.3"}}},
      {Acl{perms::kAll, {"ip", "10.0.0.0/40"}}},
      // One bad entry spoils a list of good ones.
      {Acl{perms::kAll, kAnyone}, Acl{perms::kRead, {"ip", "bad"}}},
  };
  for (const auto& acl : bad) {
    AclList out;
    INFO(acl.back().id.scheme << ":" << acl.back().id.id);
    CHECK(FixupAcl(acl, {kBob}, &out) == ErrorCode::kInvalidAcl);
  }
}

TEST_CASE("FixupAcl: valid world, digest and ip entries pass through unchanged", "[znode]") {
  AclList in = {Acl{perms::kRead, kAnyone}, Acl{perms::kAll, kBob},
                Acl{perms::kWrite, {"ip", "10.0.0.0/8"}}};
  AclList out;
  REQUIRE(FixupAcl(in, {}, &out) == ErrorCode::kOk);
  CHECK(out == in);
}

TEST_CASE("FixupAcl: \"auth\" without a digest identity is InvalidACL", "[znode]") {
  AclList out;
  CHECK(FixupAcl({Acl{perms::kAll, {"auth", ""}}}, {}, &out) == ErrorCode::kInvalidAcl);
  // An ip identity is not "authenticated" in ZooKeeper's sense.
  CHECK(FixupAcl({Acl{perms::kAll, {"auth", ""}}}, {Id{"ip", "127.0.0.1"}}, &out) ==
        ErrorCode::kInvalidAcl);
}

TEST_CASE("FixupAcl: \"auth\" expands to every digest identity of the caller", "[znode]") {
  AclList out;
  AuthIds auth = {Id{"ip", "127.0.0.1"}, kBob, kAlice};
  REQUIRE(FixupAcl({Acl{perms::kRead | perms::kWrite, {"auth", "ignored"}}}, auth, &out) ==
          ErrorCode::kOk);
  CHECK(out == AclList{Acl{perms::kRead | perms::kWrite, kBob},
                       Acl{perms::kRead | perms::kWrite, kAlice}});
}

TEST_CASE("FixupAcl: duplicate entries are removed, order kept", "[znode]") {
  AclList out;
  AclList in = {Acl{perms::kAll, kBob}, Acl{perms::kRead, kAnyone}, Acl{perms::kAll, kBob},
                Acl{perms::kRead, kAnyone}};
  REQUIRE(FixupAcl(in, {}, &out) == ErrorCode::kOk);
  CHECK(out == AclList{Acl{perms::kAll, kBob}, Acl{perms::kRead, kAnyone}});
  // Same id, different perms: not duplicates.
  REQUIRE(FixupAcl({Acl{perms::kAll, kBob}, Acl{perms::kRead, kBob}}, {}, &out) ==
          ErrorCode::kOk);
  CHECK(out.size() == 2);
}
