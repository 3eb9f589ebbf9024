// Checks the basic znode operations through the C client's synchronous API (create, get, set,
// delete, exists, children, sync) for results, error codes and Stat bookkeeping.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "interop/c_client/client_fixture.h"

namespace cairn::interop {
namespace {

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void CheckSameStat(const Stat& a, const Stat& b) {
  CHECK(a.czxid == b.czxid);
  CHECK(a.mzxid == b.mzxid);
  CHECK(a.ctime == b.ctime);
  CHECK(a.mtime == b.mtime);
  CHECK(a.version == b.version);
  CHECK(a.cversion == b.cversion);
  CHECK(a.aversion == b.aversion);
  CHECK(a.ephemeralOwner == b.ephemeralOwner);
  CHECK(a.dataLength == b.dataLength);
  CHECK(a.numChildren == b.numChildren);
  CHECK(a.pzxid == b.pzxid);
}

TEST_CASE("C client: create returns the created path and get returns the data", "[interop]") {
  TestRoot root;
  auto client = Connect();
  std::string created;
  REQUIRE(Create(client->zh(), root.Path("node"), "hello", 0, &created) == ZOK);
  CHECK(created == root.Path("node"));
  GetResult got = Get(client->zh(), root.Path("node"));
  REQUIRE(got.rc == ZOK);
  CHECK(got.data == "hello");
  CHECK(got.length == 5);
  CHECK(got.stat.dataLength == 5);
  CHECK(Children(client->zh(), root.path()) == std::vector<std::string>{"node"});
}

TEST_CASE("C client: create2 returns the new node's Stat and exists and get agree with it",
          "[interop]") {
  TestRoot root;
  auto client = Connect();
  char path[128];
  Stat stat{};
  const int64_t before = NowMillis();
  REQUIRE(zoo_create2(client->zh(), root.Path("n").c_str(), "abc", 3, &ZOO_OPEN_ACL_UNSAFE, 0, path,
                      sizeof(path), &stat) == ZOK);
  CHECK(std::string(path) == root.Path("n"));
  CHECK(stat.czxid > 0);
  CHECK(stat.mzxid == stat.czxid);
  CHECK(stat.pzxid == stat.czxid);
  CHECK(stat.ctime == stat.mtime);
  CHECK(stat.ctime >= before - 60000);
  CHECK(stat.ctime <= NowMillis() + 60000);
  CHECK(stat.version == 0);
  CHECK(stat.cversion == 0);
  CHECK(stat.aversion == 0);
  CHECK(stat.ephemeralOwner == 0);
  CHECK(stat.dataLength == 3);
  CHECK(stat.numChildren == 0);

  std::optional<Stat> exists = StatOf(client->zh(), root.Path("n"));
  REQUIRE(exists);
  CheckSameStat(*exists, stat);
  GetResult got = Get(client->zh(), root.Path("n"));
  REQUIRE(got.rc == ZOK);
  CheckSameStat(got.stat, stat);

  // The parent records the child's creation.
  std::optional<Stat> parent = StatOf(client->zh(), root.path());
  REQUIRE(parent);
  CHECK(parent->pzxid == stat.czxid);
  CHECK(parent->numChildren == 1);
  CHECK(parent->cversion == 1);
  CHECK(parent->version == 0);
  CHECK(parent->mzxid < stat.czxid);
}

TEST_CASE(
    "C client: create fails with ZNODEEXISTS for an existing node and ZNONODE without a "
    "parent",
    "[interop]") {
  TestRoot root;
  auto client = Connect();
  REQUIRE(Create(client->zh(), root.Path("a"), "first") == ZOK);
  CHECK(Create(client->zh(), root.Path("a"), "second") == ZNODEEXISTS);
  CHECK(Get(client->zh(), root.Path("a")).data == "first");
  CHECK(Create(client->zh(), root.Path("missing/child")) == ZNONODE);
  CHECK(Create(client->zh(), root.Path("missing/child"), "", ZOO_SEQUENCE) == ZNONODE);
  CHECK(Create(client->zh(), "/") == ZNODEEXISTS);
  CHECK_FALSE(StatOf(client->zh(), root.Path("missing")));
}

TEST_CASE(
    "C client: sequential create appends a 10-digit counter that counts the parent's "
    "child creations",
    "[interop]") {
  TestRoot root;
  auto client = Connect();
  std::string created;
  REQUIRE(Create(client->zh(), root.Path("plain")) == ZOK);
  REQUIRE(Create(client->zh(), root.Path("s-"), "", ZOO_SEQUENCE, &created) == ZOK);
  CHECK(created == root.Path("s-0000000001"));
  // Deletes bump the visible cversion but not the counter.
  REQUIRE(zoo_delete(client->zh(), root.Path("plain").c_str(), -1) == ZOK);
  std::optional<Stat> after_delete = StatOf(client->zh(), root.path());
  REQUIRE(after_delete);
  CHECK(after_delete->cversion == 3);
  REQUIRE(Create(client->zh(), root.Path("e-"), "", ZOO_EPHEMERAL_SEQUENTIAL, &created) == ZOK);
  CHECK(created == root.Path("e-0000000002"));
  // A trailing slash is allowed for sequential nodes: the name is just the counter.
  REQUIRE(Create(client->zh(), root.path() + "/", "", ZOO_SEQUENCE, &created) == ZOK);
  CHECK(created == root.Path("0000000003"));
  // The same prefix again still gets a fresh number.
  REQUIRE(Create(client->zh(), root.Path("s-"), "", ZOO_SEQUENCE, &created) == ZOK);
  CHECK(created == root.Path("s-0000000004"));
  CHECK(Children(client->zh(), root.path()) ==
        std::vector<std::string>{"0000000003", "e-0000000002", "s-0000000001", "s-0000000004"});
  // The visible cversion counts creates and deletes: 5 creates and 1 delete.
  std::optional<Stat> parent = StatOf(client->zh(), root.path());
  REQUIRE(parent);
  CHECK(parent->cversion == 6);
  CHECK(parent->numChildren == 4);

  // Counters belong to the parent.
  REQUIRE(Create(client->zh(), root.Path("other")) == ZOK);
  REQUIRE(Create(client->zh(), root.Path("other/x"), "", ZOO_SEQUENCE, &created) == ZOK);
  CHECK(created == root.Path("other/x0000000000"));
  // Create, delete, create: the counter is the number of creations so far (2), while the
  // visible cversion is 3.
  REQUIRE(zoo_delete(client->zh(), root.Path("other/x0000000000").c_str(), -1) == ZOK);
  REQUIRE(Create(client->zh(), root.Path("other/y")) == ZOK);
  REQUIRE(Create(client->zh(), root.Path("other/x"), "", ZOO_SEQUENCE, &created) == ZOK);
  CHECK(created == root.Path("other/x0000000002"));
}

TEST_CASE(
    "C client: get tells null data from empty data and reports the full length when "
    "truncating",
    "[interop]") {
  TestRoot root;
  auto client = Connect();
  REQUIRE(zoo_create(client->zh(), root.Path("null").c_str(), nullptr, -1, &ZOO_OPEN_ACL_UNSAFE, 0,
                     nullptr, 0) == ZOK);
  REQUIRE(Create(client->zh(), root.Path("empty"), "") == ZOK);
  REQUIRE(Create(client->zh(), root.Path("five"), "12345") == ZOK);

  GetResult null_data = Get(client->zh(), root.Path("null"));
  REQUIRE(null_data.rc == ZOK);
  CHECK(null_data.length == -1);
  CHECK(null_data.stat.dataLength == 0);
  GetResult empty_data = Get(client->zh(), root.Path("empty"));
  REQUIRE(empty_data.rc == ZOK);
  CHECK(empty_data.length == 0);
  CHECK(empty_data.stat.dataLength == 0);

  char small[2];
  int length = sizeof(small);
  Stat stat{};
  REQUIRE(zoo_get(client->zh(), root.Path("five").c_str(), 0, small, &length, &stat) == ZOK);
  CHECK(length == 2);
  CHECK(std::string(small, 2) == "12");
  CHECK(stat.dataLength == 5);

  // Setting null data on a node with data.
  REQUIRE(zoo_set(client->zh(), root.Path("five").c_str(), nullptr, -1, -1) == ZOK);
  GetResult cleared = Get(client->zh(), root.Path("five"));
  CHECK(cleared.length == -1);
  CHECK(cleared.stat.dataLength == 0);
  CHECK(cleared.stat.version == 1);

  CHECK(Get(client->zh(), root.Path("absent")).rc == ZNONODE);
}

TEST_CASE("C client: half a megabyte of binary data round-trips byte for byte", "[interop]") {
  TestRoot root;
  auto client = Connect();
  std::string data(512 * 1024, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  REQUIRE(Create(client->zh(), root.Path("big"), data) == ZOK);
  GetResult got = Get(client->zh(), root.Path("big"));
  REQUIRE(got.rc == ZOK);
  CHECK(got.stat.dataLength == static_cast<int>(data.size()));
  CHECK(got.data == data);

  std::string changed = data.substr(0, 300000);
  changed[0] = '\0';
  REQUIRE(zoo_set(client->zh(), root.Path("big").c_str(), changed.data(),
                  static_cast<int>(changed.size()), 0) == ZOK);
  CHECK(Get(client->zh(), root.Path("big")).data == changed);
}

TEST_CASE(
    "C client: set bumps version and mzxid, keeps czxid and rejects stale versions with "
    "ZBADVERSION",
    "[interop]") {
  TestRoot root;
  auto client = Connect();
  Stat created{};
  REQUIRE(zoo_create2(client->zh(), root.Path("n").c_str(), "v0", 2, &ZOO_OPEN_ACL_UNSAFE, 0,
                      nullptr, 0, &created) == ZOK);

  Stat set{};
  REQUIRE(zoo_set2(client->zh(), root.Path("n").c_str(), "v1!", 3, 0, &set) == ZOK);
  CHECK(set.version == 1);
  CHECK(set.czxid == created.czxid);
  CHECK(set.mzxid > created.mzxid);
  CHECK(set.pzxid == created.pzxid);
  CHECK(set.ctime == created.ctime);
  CHECK(set.mtime >= created.mtime);
  CHECK(set.dataLength == 3);
  CHECK(set.cversion == 0);
  CHECK(set.aversion == 0);

  CHECK(zoo_set(client->zh(), root.Path("n").c_str(), "stale", 5, 0) == ZBADVERSION);
  CHECK(zoo_set(client->zh(), root.Path("n").c_str(), "future", 6, 7) == ZBADVERSION);
  GetResult after_failures = Get(client->zh(), root.Path("n"));
  CHECK(after_failures.data == "v1!");
  CHECK(after_failures.stat.version == 1);
  CHECK(after_failures.stat.mzxid == set.mzxid);

  REQUIRE(zoo_set(client->zh(), root.Path("n").c_str(), "v2", 2, 1) == ZOK);
  Stat unconditional{};
  REQUIRE(zoo_set2(client->zh(), root.Path("n").c_str(), "v3", 2, -1, &unconditional) == ZOK);
  CHECK(unconditional.version == 3);
  // Setting identical data is still a write.
  Stat same{};
  REQUIRE(zoo_set2(client->zh(), root.Path("n").c_str(), "v3", 2, 3, &same) == ZOK);
  CHECK(same.version == 4);
  CHECK(same.mzxid > unconditional.mzxid);

  CHECK(zoo_set(client->zh(), root.Path("absent").c_str(), "x", 1, -1) == ZNONODE);
  CHECK(zoo_set(client->zh(), root.Path("absent").c_str(), "x", 1, 0) == ZNONODE);

  // The parent is not modified by a child's data change.
  std::optional<Stat> parent = StatOf(client->zh(), root.path());
  REQUIRE(parent);
  CHECK(parent->pzxid == created.czxid);
  CHECK(parent->cversion == 1);
}

TEST_CASE(
    "C client: delete checks the version, refuses nodes with children and reports "
    "ZNONODE",
    "[interop]") {
  TestRoot root;
  auto client = Connect();
  REQUIRE(Create(client->zh(), root.Path("p")) == ZOK);
  REQUIRE(Create(client->zh(), root.Path("p/c")) == ZOK);
  REQUIRE(zoo_set(client->zh(), root.Path("p/c").c_str(), "x", 1, -1) == ZOK);

  CHECK(zoo_delete(client->zh(), root.Path("p").c_str(), -1) == ZNOTEMPTY);
  CHECK(zoo_delete(client->zh(), root.Path("p/c").c_str(), 0) == ZBADVERSION);
  CHECK(zoo_delete(client->zh(), root.Path("p/c").c_str(), 2) == ZBADVERSION);
  REQUIRE(StatOf(client->zh(), root.Path("p/c")));
  CHECK(zoo_delete(client->zh(), root.Path("p/c").c_str(), 1) == ZOK);
  CHECK_FALSE(StatOf(client->zh(), root.Path("p/c")));
  CHECK(zoo_delete(client->zh(), root.Path("p/c").c_str(), -1) == ZNONODE);
  CHECK(zoo_delete(client->zh(), root.Path("p/c").c_str(), 1) == ZNONODE);
  CHECK(zoo_delete(client->zh(), root.Path("p").c_str(), 0) == ZOK);
  CHECK(zoo_delete(client->zh(), root.Path("nothing/below").c_str(), -1) == ZNONODE);
  CHECK(Children(client->zh(), root.path()).empty());
}

TEST_CASE("C client: children listings and the parent's Stat track creates and deletes",
          "[interop]") {
  TestRoot root;
  auto client = Connect();
  Stat parent_created{};
  REQUIRE(zoo_create2(client->zh(), root.Path("p").c_str(), "data", 4, &ZOO_OPEN_ACL_UNSAFE, 0,
                      nullptr, 0, &parent_created) == ZOK);
  Stat last_child{};
  for (const char* name : {"b", "a", "c"}) {
    REQUIRE(zoo_create2(client->zh(), root.Path(std::string("p/") + name).c_str(), "", 0,
                        &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0, &last_child) == ZOK);
  }
  String_vector names{0, nullptr};
  Stat parent{};
  REQUIRE(zoo_get_children2(client->zh(), root.Path("p").c_str(), 0, &names, &parent) == ZOK);
  std::vector<std::string> listed(names.data, names.data + names.count);
  deallocate_String_vector(&names);
  std::sort(listed.begin(), listed.end());
  CHECK(listed == std::vector<std::string>{"a", "b", "c"});
  CHECK(parent.numChildren == 3);
  CHECK(parent.cversion == 3);
  CHECK(parent.pzxid == last_child.czxid);
  CHECK(parent.version == 0);
  CHECK(parent.mzxid == parent_created.mzxid);
  CHECK(parent.dataLength == 4);

  // A child's data change leaves the parent alone.
  REQUIRE(zoo_set(client->zh(), root.Path("p/a").c_str(), "x", 1, -1) == ZOK);
  std::optional<Stat> after_set = StatOf(client->zh(), root.Path("p"));
  REQUIRE(after_set);
  CHECK(after_set->cversion == 3);
  CHECK(after_set->pzxid == last_child.czxid);

  // A delete bumps cversion and moves pzxid to the delete's zxid.
  REQUIRE(zoo_delete(client->zh(), root.Path("p/b").c_str(), -1) == ZOK);
  std::optional<Stat> after_delete = StatOf(client->zh(), root.Path("p"));
  REQUIRE(after_delete);
  CHECK(after_delete->cversion == 4);
  CHECK(after_delete->numChildren == 2);
  CHECK(after_delete->pzxid > last_child.czxid);
  CHECK(after_delete->mzxid == parent_created.mzxid);
  Stat later{};
  REQUIRE(zoo_create2(client->zh(), root.Path("later").c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0,
                      nullptr, 0, &later) == ZOK);
  CHECK(after_delete->pzxid < later.czxid);

  CHECK(Children(client->zh(), root.Path("p")) == std::vector<std::string>{"a", "c"});
  int rc = ZOK;
  CHECK(Children(client->zh(), root.Path("p/a"), &rc).empty());
  CHECK(rc == ZOK);
  Children(client->zh(), root.Path("absent"), &rc);
  CHECK(rc == ZNONODE);
  CHECK(zoo_get_children2(client->zh(), root.Path("absent").c_str(), 0, &names, &parent) ==
        ZNONODE);
}

TEST_CASE("C client: exists reports ZNONODE for missing nodes at any depth", "[interop]") {
  TestRoot root;
  auto client = Connect();
  Stat stat{};
  CHECK(zoo_exists(client->zh(), root.Path("absent").c_str(), 0, &stat) == ZNONODE);
  CHECK(zoo_exists(client->zh(), root.Path("a/b/c").c_str(), 0, &stat) == ZNONODE);
  CHECK(zoo_exists(client->zh(), root.path().c_str(), 0, nullptr) == ZOK);
  CHECK(zoo_exists(client->zh(), "/", 0, &stat) == ZOK);
  CHECK(stat.numChildren >= 2);  // at least /zookeeper and the test root
}

TEST_CASE("C client: ephemeral nodes carry their owner's session id and cannot have children",
          "[interop]") {
  TestRoot root;
  auto owner = Connect();
  auto other = Connect();
  REQUIRE(Create(owner->zh(), root.Path("e"), "", ZOO_EPHEMERAL) == ZOK);
  std::optional<Stat> seen = StatOf(other->zh(), root.Path("e"));
  REQUIRE(seen);
  CHECK(seen->ephemeralOwner == owner->SessionId());
  CHECK(owner->SessionId() != other->SessionId());
  CHECK(Create(owner->zh(), root.Path("e/child")) == ZNOCHILDRENFOREPHEMERALS);
  CHECK(Create(other->zh(), root.Path("e/child")) == ZNOCHILDRENFOREPHEMERALS);
  CHECK(Create(owner->zh(), root.Path("e/child"), "", ZOO_SEQUENCE) == ZNOCHILDRENFOREPHEMERALS);
  CHECK(Create(owner->zh(), root.Path("e/child"), "", ZOO_EPHEMERAL) == ZNOCHILDRENFOREPHEMERALS);
  CHECK(Create(owner->zh(), root.Path("e/child/deeper")) == ZNONODE);
  // Another session may still delete it.
  CHECK(zoo_delete(other->zh(), root.Path("e").c_str(), -1) == ZOK);
}

TEST_CASE("C client: paths the server forbids are rejected with ZBADARGUMENTS", "[interop]") {
  TestRoot root;
  auto client = Connect();
  // Malformed paths (the C client rejects these before sending).
  for (const char* path : {"", "relative", "/trailing/", "/double//slash", "/dot/.", "/dot/.."}) {
    INFO("path \"" << path << "\"");
    CHECK(zoo_create(client->zh(), path, "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0) ==
          ZBADARGUMENTS);
    CHECK(zoo_exists(client->zh(), path, 0, nullptr) == ZBADARGUMENTS);
  }
  // Characters that only the server checks: DEL, U+0080, private use U+E000, U+FFF0, a
  // character outside the BMP (a surrogate pair in Java) and bytes that are not UTF-8.
  for (std::string name : {"del\x7f", "c1\xc2\x80", "pua\xee\x80\x80", "spec\xef\xbf\xb0",
                           "tree\xf0\x9f\x8c\xb3", "bad\xff"}) {
    INFO("name " << name);
    CHECK(Create(client->zh(), root.Path(name)) == ZBADARGUMENTS);
  }
  // ... and ones that are fine.
  for (std::string name : {"caf\xc3\xa9", "with space", "..x", "a:b", "zookeeper", "x.y"}) {
    INFO("name " << name);
    CHECK(Create(client->zh(), root.Path(name)) == ZOK);
  }
  // The root and the system subtree cannot be deleted.
  for (const char* path : {"/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config"}) {
    INFO("delete " << path);
    CHECK(zoo_delete(client->zh(), path, -1) == ZBADARGUMENTS);
  }
}

TEST_CASE("C client: the /zookeeper system subtree exists with quota and config children",
          "[interop]") {
  auto client = Connect();
  std::vector<std::string> children = Children(client->zh(), "/zookeeper");
  CHECK(std::find(children.begin(), children.end(), "quota") != children.end());
  CHECK(std::find(children.begin(), children.end(), "config") != children.end());
  std::optional<Stat> root_stat = StatOf(client->zh(), "/");
  REQUIRE(root_stat);
  CHECK(root_stat->czxid == 0);
  CHECK(root_stat->ephemeralOwner == 0);
}

TEST_CASE("C client: sync completes with the path, whether or not the node exists", "[interop]") {
  TestRoot root;
  auto client = Connect();
  SyncResult existing = Sync(client->zh(), root.path());
  CHECK(existing.rc == ZOK);
  CHECK(existing.path == root.path());
  SyncResult missing = Sync(client->zh(), root.Path("absent"));
  CHECK(missing.rc == ZOK);
  CHECK(missing.path == root.Path("absent"));
  // A write from another session is visible after sync.
  auto writer = Connect();
  REQUIRE(Create(writer->zh(), root.Path("w"), "after") == ZOK);
  REQUIRE(Sync(client->zh(), root.Path("w")).rc == ZOK);
  CHECK(Get(client->zh(), root.Path("w")).data == "after");
}

TEST_CASE("C client: a chroot suffix in the host string scopes paths and watch events",
          "[interop]") {
  TestRoot root;
  auto plain = Connect();
  auto jailed = Connect(kSessionTimeoutMs, root.path());
  std::string created;
  REQUIRE(Create(jailed->zh(), "/inside", "x", 0, &created) == ZOK);
  CHECK(created == "/inside");
  CHECK(Get(plain->zh(), root.Path("inside")).data == "x");
  std::string sequential;
  REQUIRE(Create(jailed->zh(), "/seq-", "", ZOO_SEQUENCE, &sequential) == ZOK);
  CHECK(sequential == "/seq-0000000001");
  EventLog* log = jailed->NewEventLog();
  REQUIRE(zoo_wexists(jailed->zh(), "/inside", &EventLog::Watcher, log, nullptr) == ZOK);
  REQUIRE(zoo_delete(plain->zh(), root.Path("inside").c_str(), -1) == ZOK);
  std::optional<Event> event = log->TakeWatch();
  REQUIRE(event);
  CHECK(event->type == ZOO_DELETED_EVENT);
  CHECK(event->path == "/inside");
}

}  // namespace
}  // namespace cairn::interop
