// The recipes' naming and ordering rules, which must be Curator 5.4's
// (docs/curator-layout.md) for the two to agree on who holds a lock.
#include "recipes/node_names.h"

#include <catch2/catch.hpp>
#include <set>

namespace cairn::recipes {
namespace {

TEST_CASE("recipes: a protected prefix is _c_, a lowercase uuid and a dash", "[recipes]") {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string p = NewProtectedPrefix();
    REQUIRE(p.size() == 40);
    CHECK(p.substr(0, 3) == "_c_");
    CHECK(p[39] == '-');
    CHECK(p[3 + 14] == '4');  // version 4 (random)
    for (char c : p.substr(3, 36)) CHECK((c == '-' || std::isxdigit(c)));
    for (char c : p) CHECK(!std::isupper(static_cast<unsigned char>(c)));
    CHECK(IsProtectedName(p + "lock-0000000001"));
    seen.insert(p);
  }
  CHECK(seen.size() == 100);
  CHECK(IsProtectedName("_c_ff54e837-1e6e-42d4-9784-9898026028db-lock-0000000000"));
  CHECK(!IsProtectedName("_c_ff54e837-1e6e-42d4-9784-9898026028db-"));  // nothing after it
  CHECK(!IsProtectedName("_c_ff54e837-1e6e-42d4-9784-9898026028dbxlock-0000000000"));
  CHECK(!IsProtectedName("_c_ff54e837x1e6e-42d4-9784-9898026028db-lock-0000000000"));
  CHECK(!IsProtectedName("_c_zz54e837-1e6e-42d4-9784-9898026028db-lock-0000000000"));
  CHECK(!IsProtectedName("lock-0000000000"));
}

TEST_CASE("recipes: children sort by the text after the last lock name, whole name otherwise",
          "[recipes]") {
  const std::vector<std::string> lock = {"lock-"};
  // The uuid prefixes differ and must not matter; the sequence does.
  std::vector<std::string> children = {
      "_c_ffffffff-1e6e-42d4-9784-9898026028db-lock-0000000002",
      "_c_00000000-1e6e-42d4-9784-9898026028db-lock-0000000003",
      "lock-0000000001",  // unprotected (an older client)
      "_c_aaaaaaaa-1e6e-42d4-9784-9898026028db-lock-0000000000",
      "foreign",  // no lock name: the whole name is its key
  };
  auto sorted = SortChildren(children, lock);
  CHECK(sorted == std::vector<std::string>{
                      "_c_aaaaaaaa-1e6e-42d4-9784-9898026028db-lock-0000000000",
                      "lock-0000000001",
                      "_c_ffffffff-1e6e-42d4-9784-9898026028db-lock-0000000002",
                      "_c_00000000-1e6e-42d4-9784-9898026028db-lock-0000000003",
                      "foreign",
                  });
  // The last occurrence counts: a name with "lock-" in its id.
  CHECK(SortKey("my-lock-lock-0000000007", lock) == "0000000007");
}

TEST_CASE("recipes: read and write nodes sort together by their shared sequence", "[recipes]") {
  const std::vector<std::string> rw = {"__READ__", "__WRIT__"};
  std::vector<std::string> children = {
      "_c_11111111-1e6e-42d4-9784-9898026028db-__WRIT__0000000001",
      "_c_22222222-1e6e-42d4-9784-9898026028db-__READ__0000000002",
      "_c_33333333-1e6e-42d4-9784-9898026028db-__READ__0000000000",
  };
  auto sorted = SortChildren(children, rw);
  CHECK(sorted[0].ends_with("__READ__0000000000"));
  CHECK(sorted[1].ends_with("__WRIT__0000000001"));
  CHECK(sorted[2].ends_with("__READ__0000000002"));
}

TEST_CASE("recipes: paths join under the root and elsewhere", "[recipes]") {
  CHECK(JoinPath("/", "a") == "/a");
  CHECK(JoinPath("/x/y", "a") == "/x/y/a");
  CHECK(BaseName("/x/y/lock-1") == "lock-1");
  CHECK(BaseName("lock-1") == "lock-1");
}

}  // namespace
}  // namespace cairn::recipes
