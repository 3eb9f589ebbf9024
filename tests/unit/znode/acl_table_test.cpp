// Checks AclTable's interning and reference counting by acquiring and
// releasing literal ACL lists and watching references, size and slot reuse.
#include "znode/acl_table.h"

#include <catch2/catch.hpp>

namespace proto = cairn::proto;
using cairn::znode::AclRef;
using cairn::znode::AclTable;

namespace {

proto::AclList Digest(const char* id) {
  return {proto::Acl{proto::perms::kAll, proto::Id{"digest", id}}};
}

}  // namespace

TEST_CASE("AclTable: reference 0 is the open ACL and is never freed", "[znode]") {
  AclTable t;
  CHECK(t.size() == 1);
  proto::AclList open = {proto::Acl{proto::perms::kAll, proto::Id{"world", "anyone"}}};
  CHECK(t.Get(AclTable::kOpen) == open);
  CHECK(t.Acquire(open) == AclTable::kOpen);
  t.Release(AclTable::kOpen);
  t.Release(AclTable::kOpen);
  CHECK(t.Get(AclTable::kOpen) == open);
  CHECK(t.size() == 1);
}

TEST_CASE("AclTable: equal lists intern to one reference", "[znode]") {
  AclTable t;
  AclRef a = t.Acquire(Digest("a:x"));
  AclRef b = t.Acquire(Digest("a:x"));
  AclRef c = t.Acquire(Digest("c:x"));
  CHECK(a == b);
  CHECK(a != c);
  CHECK(a != AclTable::kOpen);
  CHECK(t.size() == 3);
  CHECK(t.Get(a) == Digest("a:x"));
  CHECK(t.Get(c) == Digest("c:x"));
}

TEST_CASE("AclTable: a list stays until its last use is released", "[znode]") {
  AclTable t;
  AclRef a = t.Acquire(Digest("a:x"));
  t.Acquire(Digest("a:x"));
  t.Release(a);
  CHECK(t.size() == 2);
  CHECK(t.Get(a) == Digest("a:x"));
  t.Release(a);
  CHECK(t.size() == 1);
  // The freed slot is reused for the next new list.
  AclRef d = t.Acquire(Digest("d:x"));
  CHECK(d == a);
  CHECK(t.Get(d) == Digest("d:x"));
  // Re-acquiring the freed list gets a fresh use count.
  AclRef again = t.Acquire(Digest("a:x"));
  CHECK(again != d);
  t.Release(again);
  CHECK(t.size() == 2);
}

TEST_CASE("AclTable: order matters, lists with the same entries reordered differ", "[znode]") {
  AclTable t;
  proto::AclList ab = {proto::Acl{1, {"digest", "a:x"}}, proto::Acl{1, {"digest", "b:x"}}};
  proto::AclList ba = {ab[1], ab[0]};
  CHECK(t.Acquire(ab) != t.Acquire(ba));
}
