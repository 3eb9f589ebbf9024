// WatchTable: which watchers each event type fires (ZooKeeper's ZKWatchManager rules),
// persistent and recursive watches, removal events, and TakeAll.
#include "client-lib/watch_table.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace cairn::client {
namespace {

using proto::WatcherType;

struct Recorder {
  std::vector<std::string> fired;
  Watcher Named(std::string name) {
    return [this, name](const WatchEvent&) { fired.push_back(name); };
  }
};

std::vector<std::string> Run(std::vector<Watcher> ws, Recorder& r) {
  r.fired.clear();
  for (auto& w : ws) w(WatchEvent{});
  return r.fired;
}

TEST_CASE("WatchTable: each event type fires its kinds, one-shot ones once", "[client]") {
  WatchTable t;
  Recorder r;
  t.Add(WatchKind::kData, "/a", r.Named("data"));
  t.Add(WatchKind::kExist, "/a", r.Named("exist"));
  t.Add(WatchKind::kChild, "/a", r.Named("child"));
  CHECK(Run(t.Fire(EventType::kNodeChildrenChanged, "/a"), r) == std::vector<std::string>{"child"});
  CHECK(Run(t.Fire(EventType::kNodeDataChanged, "/a"), r) ==
        std::vector<std::string>{"data", "exist"});
  CHECK(t.Fire(EventType::kNodeDataChanged, "/a").empty());
  t.Add(WatchKind::kData, "/a", r.Named("data"));
  t.Add(WatchKind::kChild, "/a", r.Named("child"));
  CHECK(Run(t.Fire(EventType::kNodeDeleted, "/a"), r) == std::vector<std::string>{"data", "child"});
  CHECK(t.empty());
}

TEST_CASE("WatchTable: persistent watches stay; recursive ones see descendants", "[client]") {
  WatchTable t;
  Recorder r;
  t.Add(WatchKind::kPersistent, "/a", r.Named("p"));
  t.Add(WatchKind::kPersistentRecursive, "/", r.Named("root"));
  t.Add(WatchKind::kPersistentRecursive, "/a", r.Named("rec"));
  CHECK(Run(t.Fire(EventType::kNodeDataChanged, "/a"), r) ==
        std::vector<std::string>{"p", "rec", "root"});
  CHECK(Run(t.Fire(EventType::kNodeCreated, "/a/b/c"), r) ==
        std::vector<std::string>{"rec", "root"});
  // Recursive watches do not get childrenChanged; a plain persistent one does.
  CHECK(Run(t.Fire(EventType::kNodeChildrenChanged, "/a"), r) == std::vector<std::string>{"p"});
  CHECK(t.size() == 3);
}

TEST_CASE("WatchTable: removal takes the kinds of the type and tells each watcher", "[client]") {
  WatchTable t;
  Recorder r;
  t.Add(WatchKind::kData, "/a", r.Named("data"));
  t.Add(WatchKind::kExist, "/a", r.Named("exist"));
  t.Add(WatchKind::kChild, "/a", r.Named("child"));
  CHECK(t.Has(WatcherType::kData, "/a"));
  auto removed = t.Remove(WatcherType::kData, "/a");
  REQUIRE(removed.size() == 2);
  CHECK(removed[0].second.type == EventType::kDataWatchRemoved);
  CHECK_FALSE(t.Has(WatcherType::kData, "/a"));
  CHECK(t.Has(WatcherType::kAny, "/a"));
  removed = t.Remove(WatcherType::kAny, "/a");
  REQUIRE(removed.size() == 1);
  CHECK(removed[0].second.type == EventType::kChildWatchRemoved);
  CHECK(t.empty());
}

TEST_CASE("WatchTable: TakeAll empties the table", "[client]") {
  WatchTable t;
  Recorder r;
  t.Add(WatchKind::kData, "/a", r.Named("1"));
  t.Add(WatchKind::kChild, "/b", r.Named("2"));
  CHECK(t.TakeAll().size() == 2);
  CHECK(t.empty());
  CHECK(t.Paths(WatchKind::kData).empty());
}

}  // namespace
}  // namespace cairn::client
