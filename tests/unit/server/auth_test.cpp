// Checks the digest scheme against digests computed independently
// (base64(sha1("user:password"))) and what Authenticate adds to a
// connection's ids, super digest included.
#include "server/auth.h"

#include <algorithm>
#include <catch2/catch.hpp>

namespace proto = cairn::proto;
using cairn::server::Authenticate;
using cairn::server::DigestOf;
using cairn::znode::AuthIds;

namespace {

const std::string kSuperDigest = "super:D/InIHSb7yEEbrWz8b9l71RjZJU=";

size_t CountOf(const AuthIds& ids, const proto::Id& id) {
  return static_cast<size_t>(std::count(ids.begin(), ids.end(), id));
}

}  // namespace

TEST_CASE("Auth: DigestOf is user:base64(sha1(user:password))", "[server]") {
  CHECK(DigestOf("super:test") == kSuperDigest);
  CHECK(DigestOf("bob:secret") == "bob:fyVmFCwVbTJYrznoSu1koqYEYF0=");
  // Only the first ':' splits; the hash covers the whole string.
  CHECK(DigestOf("user:pass:with:colons") == "user:DpsYo898LgpAU5H7pDG9EBaya+Q=");
  CHECK(DigestOf("nocolon") == "nocolon:Ra+cHr2ZoHvBjtNArFGNGlVie4g=");
}

TEST_CASE("Auth: a digest auth adds the digest id once", "[server]") {
  AuthIds ids = {proto::Id{"ip", "127.0.0.1"}};
  REQUIRE(Authenticate("digest", "bob:secret", kSuperDigest, &ids));
  REQUIRE(Authenticate("digest", "bob:secret", kSuperDigest, &ids));
  proto::Id bob{"digest", "bob:fyVmFCwVbTJYrznoSu1koqYEYF0="};
  CHECK(CountOf(ids, bob) == 1);
  CHECK(ids.size() == 2);
  CHECK(CountOf(ids, proto::Id{"super", ""}) == 0);
}

TEST_CASE("Auth: the super digest adds a super id as well", "[server]") {
  AuthIds ids;
  REQUIRE(Authenticate("digest", "super:test", kSuperDigest, &ids));
  CHECK(CountOf(ids, proto::Id{"super", ""}) == 1);
  CHECK(CountOf(ids, proto::Id{"digest", kSuperDigest}) == 1);
  // The wrong password is just another digest id.
  AuthIds other;
  REQUIRE(Authenticate("digest", "super:wrong", kSuperDigest, &other));
  CHECK(CountOf(other, proto::Id{"super", ""}) == 0);
  // No super digest configured: nobody is super.
  AuthIds none;
  REQUIRE(Authenticate("digest", "super:test", "", &none));
  CHECK(CountOf(none, proto::Id{"super", ""}) == 0);
}

TEST_CASE("Auth: authenticating as super twice keeps one super id", "[server]") {
  // ServerCnxn.addAuthInfo ignores an id the connection already has, so
  // whoAmI lists ("super", "") once.
  AuthIds ids;
  REQUIRE(Authenticate("digest", "super:test", kSuperDigest, &ids));
  REQUIRE(Authenticate("digest", "super:test", kSuperDigest, &ids));
  CHECK(CountOf(ids, proto::Id{"super", ""}) == 1);
  CHECK(ids.size() == 2);
}

TEST_CASE("Auth: ip is accepted without adding an id, other schemes fail", "[server]") {
  AuthIds ids = {proto::Id{"ip", "10.0.0.1"}};
  CHECK(Authenticate("ip", "whatever", kSuperDigest, &ids));
  CHECK(ids.size() == 1);
  CHECK_FALSE(Authenticate("sasl", "token", kSuperDigest, &ids));
  CHECK_FALSE(Authenticate("world", "anyone", kSuperDigest, &ids));
  CHECK_FALSE(Authenticate("", "", kSuperDigest, &ids));
  CHECK(ids.size() == 1);
}
