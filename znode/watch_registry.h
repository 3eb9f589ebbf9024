// znode/watch_registry.h: which session watches what (ZooKeeper's
// WatchManager, one table for data/exist watches and one for child
// watches). Pure; owned by the core thread.
//
// Standard watches fire once. Persistent watches stay, and sit in both
// tables; persistent-recursive watches sit in the data table and also fire
// for every descendant, never with NodeChildrenChanged. One trigger gives a
// session at most one event, however many of its watches match.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/hash.h"
#include "proto/codes.h"
#include "znode/data_tree.h"

namespace cairn::znode {

struct Notification {
  int64_t session_id;
  proto::EventType type;
  std::string path;
  // Index of the WatchFire that caused it in the list given to Fire, or -1
  // (setWatches' immediate events, which ZooKeeper sends without an ACL check).
  int32_t fire = -1;
};

class WatchRegistry {
 public:
  enum Mode : uint8_t { kStandard = 1, kPersistent = 2, kRecursive = 4 };

  void Add(WatchTables table, const std::string& path, int64_t session_id, Mode mode);
  // addWatch: persistent goes to both tables, recursive to the data table.
  void AddPersistent(const std::string& path, int64_t session_id, bool recursive);

  // Appends the events fire causes (tagged with fire_index), and drops the
  // standard watches it used.
  void Fire(const WatchFire& fire, int32_t fire_index, std::vector<Notification>* out);

  // checkWatches / removeWatches for one WatcherType (see proto::WatcherType).
  bool Contains(const std::string& path, proto::WatcherType type, int64_t session_id) const;
  bool Remove(const std::string& path, proto::WatcherType type, int64_t session_id);
  void RemoveSession(int64_t session_id);

  // No watch of any kind.
  bool empty() const { return data_.empty() && child_.empty(); }
  // All watches, both tables (mntr's zk_watch_count).
  size_t WatchCount() const;
  // Data and exist watches only, as ZooKeeper's wchs / wchc / wchp list them.
  size_t DataWatchCount() const;
  size_t DataPathCount() const;
  std::map<int64_t, std::set<std::string>> DataBySession() const;
  std::map<std::string, std::set<int64_t>> DataByPath() const;

 private:
  using Watchers = std::map<int64_t, uint8_t>;  // session -> Mode bits
  using Table = std::unordered_map<std::string, Watchers, BytesHash>;

  Table& TableFor(WatchTables t) { return t == kDataWatches ? data_ : child_; }
  const Table& TableFor(WatchTables t) const { return t == kDataWatches ? data_ : child_; }
  bool RemoveBits(WatchTables t, const std::string& path, int64_t session_id, uint8_t bits);
  void FireTable(WatchTables t, const WatchFire& fire, std::set<int64_t>* sessions);

  Table data_;
  Table child_;
  size_t recursive_count_ = 0;
  // session -> (table, path) it watches, for RemoveSession.
  std::unordered_map<int64_t, std::set<std::pair<uint8_t, std::string>>> by_session_;
};

}  // namespace cairn::znode
