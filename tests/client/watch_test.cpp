// Watches through client-lib against a real server: one-shot data, exist and child watches,
// persistent and recursive watches, removeWatches, and events seen before the data they
// announce.
#include <catch2/catch.hpp>

#include "client/fixture.h"

namespace cairn::client::testing {
namespace {

using proto::AddWatchMode;
using proto::WatcherType;

TEST_CASE("client: one-shot watches fire once per registration", "[client-lib]") {
  auto c = Connect();
  auto writer = Connect();
  std::string root = TestRoot(*c);
  Events ev;
  REQUIRE(c->Exists(root + "/a", ev.watcher()).code == ErrorCode::kNoNode);
  REQUIRE(c->GetChildren(root, ev.watcher()).ok());
  REQUIRE(writer->Create(root + "/a", "1").ok());
  auto first = ev.Next();
  auto second = ev.Next();
  REQUIRE(first);
  REQUIRE(second);
  std::set<std::pair<EventType, std::string>> got{{first->type, first->path},
                                                  {second->type, second->path}};
  CHECK(got.count({EventType::kNodeCreated, root + "/a"}) == 1);
  CHECK(got.count({EventType::kNodeChildrenChanged, root}) == 1);

  REQUIRE(c->GetData(root + "/a", ev.watcher()).ok());
  REQUIRE(writer->SetData(root + "/a", "2").ok());
  REQUIRE(writer->SetData(root + "/a", "3").ok());
  auto changed = ev.Next();
  REQUIRE(changed);
  CHECK(changed->type == EventType::kNodeDataChanged);
  CHECK_FALSE(ev.Next(kQuiet));  // one-shot: the second change is not reported
}

TEST_CASE("client: a watch event arrives before the reply that reads the new data",
          "[client-lib]") {
  auto c = Connect();
  auto writer = Connect();
  std::string root = TestRoot(*c);
  std::mutex mu;
  std::vector<std::string> seen;
  REQUIRE(c->GetData(root, [&](const WatchEvent&) {
             std::lock_guard lock(mu);
             seen.push_back("event");
           }).ok());
  REQUIRE(writer->SetData(root, "new").ok());
  // Sync, then read: the event must come first on this session's stream.
  REQUIRE(c->Sync(root).ok());
  auto data = c->GetData(root);
  {
    std::lock_guard lock(mu);
    seen.push_back("read " + data.value.data);
  }
  CHECK(seen == std::vector<std::string>{"event", "read new"});
}

TEST_CASE("client: persistent and recursive watches stay until removed", "[client-lib]") {
  // Two sessions: ZooKeeper keeps one watch mode per path and connection, so a recursive
  // watch would replace a persistent one set on the same path by the same session.
  auto c = Connect();
  auto c2 = Connect();
  auto writer = Connect();
  std::string root = TestRoot(*c);
  Events flat, deep;
  REQUIRE(c->AddWatch(root, AddWatchMode::kPersistent, flat.watcher()).ok());
  REQUIRE(c2->AddWatch(root, AddWatchMode::kPersistentRecursive, deep.watcher()).ok());
  REQUIRE(writer->Create(root + "/x", "").ok());
  REQUIRE(writer->Create(root + "/x/y", "").ok());
  REQUIRE(writer->SetData(root, "1").ok());
  REQUIRE(writer->SetData(root, "2").ok());

  auto f1 = flat.Next(), f2 = flat.Next(), f3 = flat.Next();
  REQUIRE(f3);
  CHECK(f1->type == EventType::kNodeChildrenChanged);
  CHECK(f2->type == EventType::kNodeDataChanged);
  CHECK(f3->type == EventType::kNodeDataChanged);
  std::vector<std::string> deep_paths;
  for (int i = 0; i < 4; ++i) {
    auto e = deep.Next();
    REQUIRE(e);
    CHECK(e->type != EventType::kNodeChildrenChanged);
    deep_paths.push_back(e->path);
  }
  CHECK(deep_paths == std::vector<std::string>{root + "/x", root + "/x/y", root, root});

  // kAny: ZooKeeper 3.8 knows no removeWatches type for persistent watches (3.9 does).
  REQUIRE(c->RemoveWatches(root, WatcherType::kAny).ok());
  auto removed = flat.Next();
  REQUIRE(removed);
  CHECK(removed->type == EventType::kPersistentWatchRemoved);
  REQUIRE(writer->SetData(root, "3").ok());
  CHECK(deep.Next());
  CHECK_FALSE(flat.Next(kQuiet));
  CHECK(c->RemoveWatches(root, WatcherType::kAny).code == ErrorCode::kNoWatcher);
}

TEST_CASE("client: removeWatches tells the removed watcher and the server", "[client-lib]") {
  auto c = Connect();
  auto writer = Connect();
  std::string root = TestRoot(*c);
  Events ev;
  REQUIRE(c->GetData(root, ev.watcher()).ok());
  REQUIRE(c->GetChildren(root, ev.watcher()).ok());
  REQUIRE(c->RemoveWatches(root, WatcherType::kData).ok());
  auto removed = ev.Next();
  REQUIRE(removed);
  CHECK(removed->type == EventType::kDataWatchRemoved);
  REQUIRE(writer->SetData(root, "x").ok());
  REQUIRE(writer->Create(root + "/k", "").ok());
  auto child = ev.Next();
  REQUIRE(child);
  CHECK(child->type == EventType::kNodeChildrenChanged);  // the child watch stayed
  CHECK_FALSE(ev.Next(kQuiet));
  REQUIRE(c->GetData(root, ev.watcher()).ok());
  REQUIRE(c->RemoveWatches(root, WatcherType::kAny, /*local=*/true).ok());
  CHECK(ev.Next()->type == EventType::kDataWatchRemoved);
}

}  // namespace
}  // namespace cairn::client::testing
