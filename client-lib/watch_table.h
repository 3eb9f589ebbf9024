// client-lib/watch_table.h: the client's side of ZooKeeper's watches: which
// application watchers wait on which path, which of them an event fires, and
// what to re-register after a reconnect. Pure; owned by SessionCore, so used
// from the client's strand only.
//
// The rules are those of ZooKeeper's client (ZKWatchManager):
//   created, dataChanged  fire data + exist watches of the path (one-shot)
//   deleted               fire data + exist + child watches (one-shot)
//   childrenChanged       fire child watches (one-shot)
//   every type            fires the path's persistent watches (kept), and,
//                         except childrenChanged, the persistent-recursive
//                         watches of the path and of each of its ancestors.
// A watcher given to N calls is registered N times and fires N times.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "client-lib/types.h"

namespace cairn::client {

enum class WatchKind { kData, kExist, kChild, kPersistent, kPersistentRecursive };

class WatchTable {
 public:
  void Add(WatchKind kind, const std::string& path, Watcher watcher);

  // The watchers an event fires, in registration order; one-shot ones are
  // removed.
  std::vector<Watcher> Fire(EventType type, const std::string& path);

  // Removes the watches removeWatches(type) removes and returns each with the
  // "watch removed" event it gets. kData takes data and exist watches, kAny
  // takes every kind.
  std::vector<std::pair<Watcher, WatchEvent>> Remove(proto::WatcherType type,
                                                     const std::string& path);
  bool Has(proto::WatcherType type, const std::string& path) const;

  // Every watcher, each once, and empties the table (session expired or closed).
  std::vector<Watcher> TakeAll();

  // The paths to re-register, per kind, in path order.
  std::vector<std::string> Paths(WatchKind kind) const;
  bool empty() const;
  size_t size() const;

 private:
  using Map = std::map<std::string, std::vector<Watcher>, std::less<>>;
  Map& MapOf(WatchKind kind) { return maps_[static_cast<int>(kind)]; }
  const Map& MapOf(WatchKind kind) const { return maps_[static_cast<int>(kind)]; }
  static void Move(Map& from, const std::string& path, std::vector<Watcher>& to);
  static void Copy(const Map& from, const std::string& path, std::vector<Watcher>& to);

  Map maps_[5];
};

}  // namespace cairn::client
