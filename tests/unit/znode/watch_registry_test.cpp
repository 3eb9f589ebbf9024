// Registers watches directly in a WatchRegistry and fires literal triggers
// (the WatchFire records DataTree reports) to check one-shot, persistent and
// recursive semantics, per-session deduplication, removal and counts.
#include "znode/watch_registry.h"

#include <catch2/catch.hpp>

#include "unit/znode/harness.h"

using namespace cairn::testing;
using proto::EventType;
using proto::WatcherType;
using znode::kChildWatches;
using znode::kDataWatches;
using znode::Notification;
using znode::WatchFire;
using znode::WatchRegistry;

namespace {

constexpr int64_t kS1 = 0x11;
constexpr int64_t kS2 = 0x22;

std::vector<Notification> Fire(WatchRegistry& w, const std::string& path, EventType type,
                               uint8_t tables) {
  std::vector<Notification> out;
  w.Fire(WatchFire{path, type, tables, {}}, 0, &out);
  return out;
}
std::vector<Notification> Created(WatchRegistry& w, const std::string& path) {
  return Fire(w, path, EventType::kNodeCreated, kDataWatches);
}
std::vector<Notification> DataChanged(WatchRegistry& w, const std::string& path) {
  return Fire(w, path, EventType::kNodeDataChanged, kDataWatches);
}
std::vector<Notification> ChildrenChanged(WatchRegistry& w, const std::string& path) {
  return Fire(w, path, EventType::kNodeChildrenChanged, kChildWatches);
}
std::vector<Notification> Deleted(WatchRegistry& w, const std::string& path) {
  return Fire(w, path, EventType::kNodeDeleted, kDataWatches | kChildWatches);
}

}  // namespace

TEST_CASE("WatchRegistry: a data watch fires once", "[znode]") {
  WatchRegistry w;
  w.Add(kDataWatches, "/a", kS1, WatchRegistry::kStandard);
  auto first = DataChanged(w, "/a");
  REQUIRE(first.size() == 1);
  CHECK(first[0].session_id == kS1);
  CHECK(first[0].type == EventType::kNodeDataChanged);
  CHECK(first[0].path == "/a");
  CHECK(DataChanged(w, "/a").empty());
  CHECK(w.WatchCount() == 0);
  CHECK_FALSE(w.Contains("/a", WatcherType::kData, kS1));
}

TEST_CASE("WatchRegistry: a child watch fires once and only for child events", "[znode]") {
  WatchRegistry w;
  w.Add(kChildWatches, "/p", kS1, WatchRegistry::kStandard);
  CHECK(DataChanged(w, "/p").empty());
  CHECK(ChildrenChanged(w, "/p").size() == 1);
  CHECK(ChildrenChanged(w, "/p").empty());
}

TEST_CASE("WatchRegistry: watches on other paths and sessions are independent", "[znode]") {
  WatchRegistry w;
  w.Add(kDataWatches, "/a", kS1, WatchRegistry::kStandard);
  w.Add(kDataWatches, "/a", kS2, WatchRegistry::kStandard);
  w.Add(kDataWatches, "/b", kS1, WatchRegistry::kStandard);
  auto n = DataChanged(w, "/a");
  REQUIRE(n.size() == 2);
  CHECK(n[0].session_id == kS1);
  CHECK(n[1].session_id == kS2);
  CHECK(w.Contains("/b", WatcherType::kData, kS1));
  CHECK(DataChanged(w, "/a/b").empty());
}

TEST_CASE("WatchRegistry: delete fires NodeDeleted once per session watching data and children",
          "[znode]") {
  WatchRegistry w;
  w.Add(kDataWatches, "/a", kS1, WatchRegistry::kStandard);
  w.Add(kChildWatches, "/a", kS1, WatchRegistry::kStandard);
  w.Add(kChildWatches, "/a", kS2, WatchRegistry::kStandard);
  auto n = Deleted(w, "/a");
  REQUIRE(n.size() == 2);
  CHECK(n[0].session_id == kS1);
  CHECK(n[0].type == EventType::kNodeDeleted);
  CHECK(n[1].session_id == kS2);
  CHECK(w.WatchCount() == 0);
  CHECK(Deleted(w, "/a").empty());
}

TEST_CASE("WatchRegistry: a persistent watch stays and also sees NodeChildrenChanged",
          "[znode]") {
  WatchRegistry w;
  w.AddPersistent("/p", kS1, false);
  for (int i = 0; i < 3; ++i) {
    auto c = ChildrenChanged(w, "/p");
    REQUIRE(c.size() == 1);
    CHECK(c[0].type == EventType::kNodeChildrenChanged);
    CHECK(DataChanged(w, "/p").size() == 1);
  }
  CHECK(Created(w, "/p").size() == 1);
  // A delete reaches it once although it sits in both tables, and it stays.
  CHECK(Deleted(w, "/p").size() == 1);
  CHECK(DataChanged(w, "/p").size() == 1);
  // Not recursive: descendants are not watched.
  CHECK(DataChanged(w, "/p/c").empty());
  CHECK(w.Contains("/p", WatcherType::kPersistent, kS1));
}

TEST_CASE("WatchRegistry: a recursive watch fires for descendants but never NodeChildrenChanged",
          "[znode]") {
  WatchRegistry w;
  w.AddPersistent("/r", kS1, true);
  auto created = Created(w, "/r/a/b");
  REQUIRE(created.size() == 1);
  CHECK(created[0].path == "/r/a/b");
  CHECK(created[0].type == EventType::kNodeCreated);
  CHECK(DataChanged(w, "/r/a").size() == 1);
  CHECK(Deleted(w, "/r/a/b").size() == 1);
  CHECK(DataChanged(w, "/r").size() == 1);
  CHECK(ChildrenChanged(w, "/r").empty());
  CHECK(ChildrenChanged(w, "/r/a").empty());
  CHECK(DataChanged(w, "/rx").empty());  // a sibling with the same prefix is not below /r
  CHECK(DataChanged(w, "/").empty());
  CHECK(w.Contains("/r", WatcherType::kPersistentRecursive, kS1));
  CHECK_FALSE(w.Contains("/r", WatcherType::kChildren, kS1));
}

TEST_CASE("WatchRegistry: a recursive watch on the root sees every node", "[znode]") {
  WatchRegistry w;
  w.AddPersistent("/", kS1, true);
  CHECK(Created(w, "/x").size() == 1);
  CHECK(DataChanged(w, "/x/y/z").size() == 1);
  CHECK(DataChanged(w, "/").size() == 1);
}

TEST_CASE("WatchRegistry: one trigger gives a session one event however many watches match",
          "[znode]") {
  WatchRegistry w;
  w.AddPersistent("/", kS1, true);
  w.AddPersistent("/a", kS1, true);
  w.Add(kDataWatches, "/a/b", kS1, WatchRegistry::kStandard);
  w.Add(kDataWatches, "/a/b", kS2, WatchRegistry::kStandard);
  auto n = DataChanged(w, "/a/b");
  REQUIRE(n.size() == 2);
  CHECK(n[0].session_id == kS1);
  CHECK(n[1].session_id == kS2);
  // The standard watch was used up, the recursive ones remain.
  CHECK(DataChanged(w, "/a/b").size() == 1);
}

TEST_CASE("WatchRegistry: Contains and Remove per WatcherType", "[znode]") {
  WatchRegistry w;
  w.Add(kDataWatches, "/a", kS1, WatchRegistry::kStandard);
  w.Add(kChildWatches, "/a", kS1, WatchRegistry::kStandard);
  CHECK(w.Contains("/a", WatcherType::kData, kS1));
  CHECK(w.Contains("/a", WatcherType::kChildren, kS1));
  CHECK(w.Contains("/a", WatcherType::kAny, kS1));
  CHECK_FALSE(w.Contains("/a", WatcherType::kPersistent, kS1));
  CHECK_FALSE(w.Contains("/a", WatcherType::kAny, kS2));

  CHECK(w.Remove("/a", WatcherType::kChildren, kS1));
  CHECK_FALSE(w.Contains("/a", WatcherType::kChildren, kS1));
  CHECK(w.Contains("/a", WatcherType::kData, kS1));
  CHECK_FALSE(w.Remove("/a", WatcherType::kChildren, kS1));
  CHECK(w.Remove("/a", WatcherType::kAny, kS1));
  CHECK_FALSE(w.Contains("/a", WatcherType::kAny, kS1));
  CHECK_FALSE(w.Remove("/a", WatcherType::kAny, kS1));
  CHECK(DataChanged(w, "/a").empty());
  CHECK(w.WatchCount() == 0);
}

TEST_CASE("WatchRegistry: removing a persistent or recursive watch stops it", "[znode]") {
  WatchRegistry w;
  w.AddPersistent("/p", kS1, false);
  w.AddPersistent("/r", kS1, true);
  CHECK_FALSE(w.Remove("/p", WatcherType::kPersistentRecursive, kS1));
  CHECK(w.Remove("/p", WatcherType::kPersistent, kS1));
  CHECK(ChildrenChanged(w, "/p").empty());
  CHECK(DataChanged(w, "/p").empty());
  CHECK(w.Remove("/r", WatcherType::kPersistentRecursive, kS1));
  CHECK(DataChanged(w, "/r/x").empty());
  CHECK(DataChanged(w, "/r").empty());
  CHECK(w.WatchCount() == 0);
}

TEST_CASE("WatchRegistry: RemoveSession drops every watch of that session only", "[znode]") {
  WatchRegistry w;
  w.Add(kDataWatches, "/a", kS1, WatchRegistry::kStandard);
  w.Add(kChildWatches, "/a", kS1, WatchRegistry::kStandard);
  w.AddPersistent("/r", kS1, true);
  w.AddPersistent("/p", kS1, false);
  w.Add(kDataWatches, "/a", kS2, WatchRegistry::kStandard);
  w.RemoveSession(kS1);
  auto n = Deleted(w, "/a");
  REQUIRE(n.size() == 1);
  CHECK(n[0].session_id == kS2);
  CHECK(DataChanged(w, "/r/x").empty());
  CHECK(ChildrenChanged(w, "/p").empty());
  CHECK(w.WatchCount() == 0);
  w.RemoveSession(kS1);  // twice is harmless
  w.RemoveSession(0x999);
}

TEST_CASE("WatchRegistry: WatchCount counts session-path pairs per table", "[znode]") {
  WatchRegistry w;
  w.Add(kDataWatches, "/a", kS1, WatchRegistry::kStandard);
  w.Add(kDataWatches, "/a", kS1, WatchRegistry::kStandard);  // same watch again
  w.Add(kDataWatches, "/a", kS2, WatchRegistry::kStandard);
  w.Add(kChildWatches, "/b", kS1, WatchRegistry::kStandard);
  CHECK(w.WatchCount() == 3);
  CHECK(w.DataWatchCount() == 2);
  CHECK(w.DataPathCount() == 1);
  CHECK(w.DataBySession() ==
        std::map<int64_t, std::set<std::string>>{{kS1, {"/a"}}, {kS2, {"/a"}}});
  CHECK(w.DataByPath() == std::map<std::string, std::set<int64_t>>{{"/a", {kS1, kS2}}});
}

TEST_CASE("WatchRegistry: DataTree triggers reach the watches through Apply", "[znode]") {
  TreeHarness h;
  h.watches.Add(kDataWatches, "/n", kS1, WatchRegistry::kStandard);  // exists on a missing node
  h.watches.Add(kChildWatches, "/", kS2, WatchRegistry::kStandard);
  REQUIRE(h.Create("/n") == proto::ErrorCode::kOk);
  REQUIRE(h.events.size() == 2);
  CHECK(h.events[0].session_id == kS1);
  CHECK(h.events[0].type == EventType::kNodeCreated);
  CHECK(h.events[1].session_id == kS2);
  CHECK(h.events[1].type == EventType::kNodeChildrenChanged);
  CHECK(h.events[1].path == "/");
}

TEST_CASE("WatchRegistry: empty until a watch is added, and again once every watch is gone",
          "[znode]") {
  WatchRegistry w;
  CHECK(w.empty());
  w.Add(kDataWatches, "/a", kS1, WatchRegistry::kStandard);
  CHECK_FALSE(w.empty());
  CHECK(DataChanged(w, "/a").size() == 1);  // a standard watch fires once, then is gone
  CHECK(w.empty());

  w.Add(kChildWatches, "/p", kS1, WatchRegistry::kStandard);
  CHECK_FALSE(w.empty());
  CHECK(w.Remove("/p", WatcherType::kChildren, kS1));
  CHECK(w.empty());

  w.AddPersistent("/r", kS2, true);
  CHECK(DataChanged(w, "/r/x").size() == 1);  // a recursive watch stays
  CHECK_FALSE(w.empty());
  w.RemoveSession(kS2);
  CHECK(w.empty());
}
