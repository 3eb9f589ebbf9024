// znode/data_tree.h: the znode tree. Pure (no IO, clock, threads); owned by
// the server's core thread, not thread-safe.
//
// The tree only changes through the mutators below, and only ApplyTxn
// (znode/apply.h) calls them, so that every replica, recovery and snapshot
// load changes it the same way. Each mutator reports the watch triggers it
// causes into a WatchFires list (none when the list is null: nothing is
// watched); it never decides anything (versions, sequential names, times all
// come from the txn).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proto/codes.h"
#include "proto/records.h"
#include "znode/acl_table.h"
#include "znode/node.h"
#include "znode/node_store.h"

namespace cairn::znode {

class SnapshotView;

// Which watch tables a trigger fires: data watches (getData/exists), child
// watches (getChildren), or both (a deleted node fires both, and a session
// watching both gets the event once).
enum WatchTables : uint8_t { kDataWatches = 1, kChildWatches = 2 };

struct WatchFire {
  std::string path;
  proto::EventType type;
  uint8_t tables;
  // Only sessions that may READ under this ACL get the event (ZooKeeper
  // 3.8.4, ZOOKEEPER-4799): the node's for created/deleted/changed, the
  // parent's for NodeChildrenChanged.
  proto::AclList acl;
};
using WatchFires = std::vector<WatchFire>;

class DataTree {
 public:
  // Creates "/", "/zookeeper", "/zookeeper/quota" and "/zookeeper/config".
  DataTree();
  DataTree(const DataTree&) = delete;
  DataTree& operator=(const DataTree&) = delete;
  // Back to the state of a new tree (recovery, after a snapshot that did not load).
  void Reset();

  // "" finds the root, as in ZooKeeper (which also keys the root as "").
  const Node* Find(std::string_view path) const;
  const proto::AclList& AclOf(const Node& node) const { return acls_.Get(node.acl); }
  // The node's children's names, sorted.
  std::vector<std::string> ChildNames(const Node& node) const { return nodes_.ChildNames(node); }
  // fn(const Node& child) for each child, in no particular order.
  template <typename Fn>
  void ForEachChild(const Node& node, Fn&& fn) const {
    nodes_.ForEachChild(node, std::forward<Fn>(fn));
  }

  // Mutators. REQUIRES (asserted): the txn was prepared against this tree,
  // so the parent exists for a create, the node for the others.
  // CreateNode, SetData and SetAcl return the node they made or changed
  // (for the reply's Stat, without looking the path up again).
  const Node& CreateNode(const std::string& path, std::string_view data, bool data_null,
                         const proto::AclList& acl, int64_t ephemeral_owner,
                         int32_t parent_cversion, int64_t zxid, int64_t time, WatchFires* fires);
  void DeleteNode(const std::string& path, int64_t zxid, WatchFires* fires);
  const Node& SetData(const std::string& path, std::string_view data, bool data_null,
                      int32_t version, int64_t zxid, int64_t time, WatchFires* fires);
  const Node& SetAcl(const std::string& path, const proto::AclList& acl, int32_t aversion);
  // Deletes every ephemeral of session (deepest first); returns their paths.
  std::vector<std::string> KillSession(int64_t session_id, int64_t zxid, WatchFires* fires);

  // Ephemerals of a session (empty set if none).
  const std::set<std::string>& EphemeralsOf(int64_t session_id) const;
  const std::map<int64_t, std::set<std::string>>& AllEphemerals() const { return ephemerals_; }
  const std::set<std::string>& Containers() const { return containers_; }
  const std::set<std::string>& TtlNodes() const { return ttls_; }

  // Number of descendants of path (not counting path).
  int32_t CountDescendants(std::string_view path) const;
  size_t NodeCount() const { return nodes_.size(); }
  const NodeStore& nodes() const { return nodes_; }
  // Sum of path lengths and data sizes, as ZooKeeper's approximate data size.
  int64_t ApproximateDataSize() const { return data_size_; }

  int64_t last_processed_zxid() const { return last_processed_zxid_; }
  void set_last_processed_zxid(int64_t zxid) { last_processed_zxid_ = zxid; }

 private:
  friend class TreeSnapshotLoader;  // builds a tree from a snapshot
  friend class SnapshotView;        // reads it at one zxid while it changes
  friend bool EncodeTreeSnapshot(const DataTree&, size_t,
                                 const std::function<bool(std::string_view)>&);

  void TrackSpecialKinds(const std::string& path, int64_t ephemeral_owner, bool add);
  // DeleteNode once both nodes are found; track = false leaves the
  // ephemeral/container/TTL sets alone (KillSession drops the whole set).
  void DeleteFound(const std::string& path, NodeId parent_id, NodeId id, int64_t zxid, bool track,
                   WatchFires* fires);
  // Snapshot view hooks: called by every mutator before it changes a node.
  void BeforeChange(Node& node);
  void OnCreated(Node& node);

  SnapshotView* view_ = nullptr;      // the open snapshot view, if any (not owned)
  uint32_t snapshot_generation_ = 0;  // of the last view opened
  NodeStore nodes_;
  AclTable acls_;
  std::map<int64_t, std::set<std::string>> ephemerals_;
  std::set<std::string> containers_;
  std::set<std::string> ttls_;
  int64_t data_size_ = 0;
  int64_t last_processed_zxid_ = 0;
};

// EphemeralType: what an ephemeralOwner value means.
enum class EphemeralKind { kVoid, kNormal, kContainer, kTtl };
EphemeralKind KindOfOwner(int64_t ephemeral_owner, bool extended_types_enabled);
inline int64_t TtlOwner(int64_t ttl_ms) { return proto::kExtendedMask | ttl_ms; }
inline int64_t TtlOfOwner(int64_t owner) { return owner & proto::kTtlMax; }

}  // namespace cairn::znode
