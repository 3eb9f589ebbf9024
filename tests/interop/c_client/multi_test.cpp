// Checks zoo_multi through the C client: atomic success with per-op results, all-or-nothing
// failure with the per-op error layout, intra-transaction visibility, zxids and watches.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "interop/c_client/client_fixture.h"

namespace cairn::interop {
namespace {

TEST_CASE("C client: multi applies create, set, check and delete together with per-op results",
          "[interop]") {
  TestRoot root;
  auto client = Connect();
  REQUIRE(Create(client->zh(), root.Path("existing"), "old") == ZOK);
  REQUIRE(Create(client->zh(), root.Path("doomed")) == ZOK);

  const std::string created_path = root.Path("created");
  char created[128];
  Stat set_stat{};
  zoo_op_t ops[4];
  zoo_create_op_init(&ops[0], created_path.c_str(), "new", 3, &ZOO_OPEN_ACL_UNSAFE, 0, created,
                     sizeof(created));
  const std::string existing = root.Path("existing");
  const std::string doomed = root.Path("doomed");
  zoo_set_op_init(&ops[1], existing.c_str(), "newer", 5, 0, &set_stat);
  zoo_check_op_init(&ops[2], existing.c_str(), 1);
  zoo_delete_op_init(&ops[3], doomed.c_str(), 0);
  zoo_op_result_t results[4];
  REQUIRE(zoo_multi(client->zh(), 4, ops, results) == ZOK);
  for (const zoo_op_result_t& result : results) CHECK(result.err == ZOK);
  CHECK(std::string(created) == created_path);
  CHECK(std::string(results[0].value) == created_path);
  CHECK(set_stat.version == 1);
  CHECK(set_stat.dataLength == 5);

  CHECK(Get(client->zh(), created_path).data == "new");
  GetResult after = Get(client->zh(), existing);
  CHECK(after.data == "newer");
  CHECK(after.stat.version == 1);
  CHECK(after.stat.mzxid == set_stat.mzxid);
  CHECK_FALSE(StatOf(client->zh(), doomed));
}

TEST_CASE(
    "C client: a failing multi reports ZOK before the failing op, its error, then "
    "ZRUNTIMEINCONSISTENCY, and changes nothing",
    "[interop]") {
  TestRoot root;
  auto client = Connect();
  const std::string a = root.Path("a");
  const std::string b = root.Path("b");
  const std::string fresh = root.Path("fresh");
  REQUIRE(Create(client->zh(), a, "a0") == ZOK);
  REQUIRE(Create(client->zh(), b, "b0") == ZOK);
  std::optional<Stat> root_before = StatOf(client->zh(), root.path());
  REQUIRE(root_before);

  char created[128];
  zoo_op_t ops[5];
  zoo_create_op_init(&ops[0], fresh.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, created,
                     sizeof(created));
  zoo_set_op_init(&ops[1], a.c_str(), "a1", 2, -1, nullptr);
  zoo_check_op_init(&ops[2], b.c_str(), 5);  // b is at version 0
  zoo_delete_op_init(&ops[3], b.c_str(), -1);
  zoo_set_op_init(&ops[4], a.c_str(), "a2", 2, -1, nullptr);
  zoo_op_result_t results[5];
  CHECK(zoo_multi(client->zh(), 5, ops, results) == ZBADVERSION);
  CHECK(results[0].err == ZOK);
  CHECK(results[1].err == ZOK);
  CHECK(results[2].err == ZBADVERSION);
  CHECK(results[3].err == ZRUNTIMEINCONSISTENCY);
  CHECK(results[4].err == ZRUNTIMEINCONSISTENCY);

  CHECK_FALSE(StatOf(client->zh(), fresh));
  GetResult a_after = Get(client->zh(), a);
  CHECK(a_after.data == "a0");
  CHECK(a_after.stat.version == 0);
  CHECK(StatOf(client->zh(), b));
  std::optional<Stat> root_after = StatOf(client->zh(), root.path());
  REQUIRE(root_after);
  CHECK(root_after->cversion == root_before->cversion);
  CHECK(root_after->pzxid == root_before->pzxid);

  SECTION("the first op failing") {
    zoo_create_op_init(&ops[0], a.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, created,
                       sizeof(created));
    CHECK(zoo_multi(client->zh(), 2, ops, results) == ZNODEEXISTS);
    CHECK(results[0].err == ZNODEEXISTS);
    CHECK(results[1].err == ZRUNTIMEINCONSISTENCY);
  }
  SECTION("a check of a missing node") {
    const std::string missing = root.Path("missing");
    zoo_check_op_init(&ops[1], missing.c_str(), 0);
    CHECK(zoo_multi(client->zh(), 3, ops, results) == ZNONODE);
    CHECK(results[0].err == ZOK);
    CHECK(results[1].err == ZNONODE);
    CHECK(results[2].err == ZRUNTIMEINCONSISTENCY);
  }
  SECTION("deleting a node with children") {
    REQUIRE(Create(client->zh(), root.Path("b/child")) == ZOK);
    CHECK(zoo_multi(client->zh(), 5, ops, results) == ZBADVERSION);  // still the check first
    zoo_check_op_init(&ops[2], b.c_str(), 0);
    CHECK(zoo_multi(client->zh(), 5, ops, results) == ZNOTEMPTY);
    CHECK(results[2].err == ZOK);
    CHECK(results[3].err == ZNOTEMPTY);
    CHECK(results[4].err == ZRUNTIMEINCONSISTENCY);
  }
  SECTION("a child of an ephemeral node") {
    const std::string ephemeral = root.Path("eph");
    const std::string child = root.Path("eph/child");
    zoo_create_op_init(&ops[0], ephemeral.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL,
                       nullptr, 0);
    zoo_create_op_init(&ops[1], child.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
    CHECK(zoo_multi(client->zh(), 2, ops, results) == ZNOCHILDRENFOREPHEMERALS);
    CHECK(results[0].err == ZOK);
    CHECK(results[1].err == ZNOCHILDRENFOREPHEMERALS);
    CHECK_FALSE(StatOf(client->zh(), ephemeral));
  }
}

TEST_CASE("C client: later ops of a multi see the effects of earlier ones", "[interop]") {
  TestRoot root;
  auto client = Connect();
  const std::string parent = root.Path("p");
  const std::string child = root.Path("p/c");
  zoo_op_t ops[6];
  zoo_create_op_init(&ops[0], parent.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
  zoo_create_op_init(&ops[1], child.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
  zoo_set_op_init(&ops[2], child.c_str(), "x", 1, 0, nullptr);
  zoo_check_op_init(&ops[3], child.c_str(), 1);
  zoo_set_op_init(&ops[4], child.c_str(), "y", 1, 1, nullptr);
  zoo_check_op_init(&ops[5], parent.c_str(), 0);
  zoo_op_result_t results[6];
  REQUIRE(zoo_multi(client->zh(), 6, ops, results) == ZOK);
  GetResult got = Get(client->zh(), child);
  CHECK(got.data == "y");
  CHECK(got.stat.version == 2);

  zoo_delete_op_init(&ops[0], child.c_str(), 2);
  zoo_delete_op_init(&ops[1], parent.c_str(), 0);
  REQUIRE(zoo_multi(client->zh(), 2, ops, results) == ZOK);
  CHECK_FALSE(StatOf(client->zh(), parent));

  // Deleting the same node twice fails on the second delete.
  REQUIRE(Create(client->zh(), parent) == ZOK);
  zoo_delete_op_init(&ops[0], parent.c_str(), -1);
  zoo_delete_op_init(&ops[1], parent.c_str(), -1);
  CHECK(zoo_multi(client->zh(), 2, ops, results) == ZNONODE);
  CHECK(results[0].err == ZOK);
  CHECK(results[1].err == ZNONODE);
  CHECK(StatOf(client->zh(), parent));
}

TEST_CASE("C client: all ops of a multi share one zxid and sequence numbers advance within it",
          "[interop]") {
  TestRoot root;
  auto client = Connect();
  const std::string first = root.Path("first");
  const std::string prefix = root.Path("seq-");
  char first_path[128];
  char sequential_path[128];
  char second_sequential_path[128];
  Stat set_stat{};
  zoo_op_t ops[4];
  zoo_create_op_init(&ops[0], first.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, first_path,
                     sizeof(first_path));
  zoo_create_op_init(&ops[1], prefix.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_SEQUENCE,
                     sequential_path, sizeof(sequential_path));
  zoo_create_op_init(&ops[2], prefix.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_EPHEMERAL_SEQUENTIAL,
                     second_sequential_path, sizeof(second_sequential_path));
  zoo_set_op_init(&ops[3], first.c_str(), "z", 1, 0, &set_stat);
  zoo_op_result_t results[4];
  REQUIRE(zoo_multi(client->zh(), 4, ops, results) == ZOK);
  CHECK(std::string(sequential_path) == root.Path("seq-0000000001"));
  CHECK(std::string(second_sequential_path) == root.Path("seq-0000000002"));

  std::optional<Stat> a = StatOf(client->zh(), first);
  std::optional<Stat> b = StatOf(client->zh(), sequential_path);
  std::optional<Stat> c = StatOf(client->zh(), second_sequential_path);
  std::optional<Stat> parent = StatOf(client->zh(), root.path());
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(c);
  REQUIRE(parent);
  CHECK(a->czxid == b->czxid);
  CHECK(b->czxid == c->czxid);
  CHECK(a->mzxid == a->czxid);  // the set in the same transaction has the same zxid
  CHECK(a->version == 1);
  CHECK(set_stat.mzxid == a->czxid);
  CHECK(parent->pzxid == a->czxid);
  CHECK(parent->cversion == 3);
  CHECK(c->ephemeralOwner == client->SessionId());
}

TEST_CASE("C client: an empty multi succeeds", "[interop]") {
  auto client = Connect();
  zoo_op_result_t results[1];
  CHECK(zoo_multi(client->zh(), 0, nullptr, results) == ZOK);
}

TEST_CASE("C client: a successful multi fires watches and a failed one fires none", "[interop]") {
  TestRoot root;
  auto watcher = Connect();
  auto writer = Connect();
  const std::string node = root.Path("n");
  const std::string other = root.Path("other");
  REQUIRE(Create(writer->zh(), node) == ZOK);
  EventLog* log = watcher->NewEventLog();
  REQUIRE(zoo_wexists(watcher->zh(), node.c_str(), &EventLog::Watcher, log, nullptr) == ZOK);
  REQUIRE(zoo_wexists(watcher->zh(), other.c_str(), &EventLog::Watcher, log, nullptr) == ZNONODE);

  zoo_op_t ops[3];
  zoo_op_result_t results[3];
  zoo_set_op_init(&ops[0], node.c_str(), "x", 1, -1, nullptr);
  zoo_create_op_init(&ops[1], other.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
  zoo_check_op_init(&ops[2], node.c_str(), 42);
  REQUIRE(zoo_multi(writer->zh(), 3, ops, results) == ZBADVERSION);
  CHECK_FALSE(log->TakeWatch(kQuietPeriod));

  REQUIRE(zoo_multi(writer->zh(), 2, ops, results) == ZOK);
  REQUIRE(Eventually([&] { return log->Pending().size() >= 2; }));
  std::vector<Event> events = log->Pending();
  REQUIRE(events.size() == 2);
  CHECK(events[0].type == ZOO_CHANGED_EVENT);
  CHECK(events[0].path == node);
  CHECK(events[1].type == ZOO_CREATED_EVENT);
  CHECK(events[1].path == other);
}

}  // namespace
}  // namespace cairn::interop
