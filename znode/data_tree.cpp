#include "znode/data_tree.h"

#include <algorithm>

#include "base/assert.h"
#include "znode/path.h"
#include "znode/snapshot_view.h"

namespace cairn::znode {

proto::Stat Node::ClientStat() const {
  proto::Stat s;
  s.czxid = czxid;
  s.mzxid = mzxid;
  s.ctime = ctime;
  s.mtime = mtime;
  s.version = version;
  s.aversion = aversion;
  s.ephemeral_owner =
      KindOfOwner(ephemeral_owner, true) == EphemeralKind::kNormal ? ephemeral_owner : 0;
  s.data_length = static_cast<int32_t>(data().size());
  s.num_children = child_count();
  // Wraps like ZooKeeper's Java int arithmetic.
  s.cversion = static_cast<int32_t>(static_cast<uint32_t>(cversion) * 2u -
                                    static_cast<uint32_t>(s.num_children));
  s.pzxid = pzxid;
  return s;
}

EphemeralKind KindOfOwner(int64_t owner, bool extended_types_enabled) {
  if (owner == 0) return EphemeralKind::kVoid;
  if (owner == proto::kContainerEphemeralOwner) return EphemeralKind::kContainer;
  if (extended_types_enabled && owner < 0 &&
      (owner & proto::kExtendedMask) == proto::kExtendedMask) {
    return EphemeralKind::kTtl;
  }
  return EphemeralKind::kNormal;
}

DataTree::DataTree() { Reset(); }

void DataTree::Reset() {
  CAIRN_ASSERT(view_ == nullptr);
  nodes_.Clear();
  acls_ = AclTable();
  ephemerals_.clear();
  containers_.clear();
  ttls_.clear();
  last_processed_zxid_ = 0;
  nodes_.Insert("/", "", false);
  for (std::string_view p : {kZookeeperPath, kQuotaPath, kConfigPath}) {
    nodes_.Link(nodes_.FindId(ParentPath(p)), nodes_.Insert(p, "", false));
  }
  // ZooKeeper gives /zookeeper/config the read-only open ACL and, through
  // setACL(path, acl, -1), an aversion of -1.
  Node* config = nodes_.Find(kConfigPath);
  config->acl = acls_.Acquire({proto::Acl{proto::perms::kRead, proto::Id{"world", "anyone"}}});
  config->aversion = -1;
  data_size_ = static_cast<int64_t>(kZookeeperPath.size() + kQuotaPath.size() + kConfigPath.size());
}

const Node* DataTree::Find(std::string_view path) const {
  return nodes_.Find(path.empty() ? std::string_view("/") : path);
}

void DataTree::TrackSpecialKinds(const std::string& path, int64_t owner, bool add) {
  // TTL owners are tracked regardless of extendedTypesEnabled; the sweeper
  // only acts on them when extended types are on.
  std::set<std::string>* set = nullptr;
  if (owner == proto::kContainerEphemeralOwner) {
    set = &containers_;
  } else if (KindOfOwner(owner, true) == EphemeralKind::kTtl) {
    set = &ttls_;
  } else if (owner != 0) {
    set = &ephemerals_[owner];
  }
  if (set == nullptr) return;
  if (add) {
    set->insert(path);
  } else {
    set->erase(path);
    if (set->empty() && owner != proto::kContainerEphemeralOwner &&
        KindOfOwner(owner, true) != EphemeralKind::kTtl) {
      ephemerals_.erase(owner);
    }
  }
}

const Node& DataTree::CreateNode(const std::string& path, std::string_view data, bool data_null,
                                 const proto::AclList& acl, int64_t ephemeral_owner,
                                 int32_t parent_cversion, int64_t zxid, int64_t time,
                                 WatchFires* fires) {
  std::string_view parent_path = ParentPath(path);
  NodeId parent_id = nodes_.FindId(parent_path);
  CAIRN_ASSERT(parent_id != kNoNodeId);
  Node& parent = nodes_.At(parent_id);
  BeforeChange(parent);
  // As ZooKeeper: cversion and pzxid move together, and only forwards (a
  // txn replayed after a newer create must not move them back).
  if (parent_cversion > parent.cversion) {
    parent.cversion = parent_cversion;
    parent.pzxid = zxid;
  }
  // One lookup on the hot path: the insert itself says whether the node
  // existed (it never may: prep checked).
  NodeId id = nodes_.Insert(path, data, data_null);
  CAIRN_ASSERT(id != kNoNodeId);
  nodes_.Link(parent_id, id);
  Node& node = nodes_.At(id);
  data_size_ += static_cast<int64_t>(path.size() + data.size());
  node.acl = acls_.Acquire(acl);
  node.czxid = node.mzxid = node.pzxid = zxid;
  node.ctime = node.mtime = time;
  node.ephemeral_owner = ephemeral_owner;
  OnCreated(node);
  TrackSpecialKinds(path, ephemeral_owner, true);

  if (fires != nullptr) {
    fires->push_back({path, proto::EventType::kNodeCreated, kDataWatches, acl});
    fires->push_back({std::string(parent_path), proto::EventType::kNodeChildrenChanged,
                      kChildWatches, acls_.Get(parent.acl)});
  }
  return node;
}

void DataTree::DeleteNode(const std::string& path, int64_t zxid, WatchFires* fires) {
  NodeId parent_id = nodes_.FindId(ParentPath(path));
  NodeId id = nodes_.FindId(path);
  CAIRN_ASSERT(parent_id != kNoNodeId && id != kNoNodeId);
  DeleteFound(path, parent_id, id, zxid, /*track=*/true, fires);
}

void DataTree::DeleteFound(const std::string& path, NodeId parent_id, NodeId id, int64_t zxid,
                           bool track, WatchFires* fires) {
  Node& parent = nodes_.At(parent_id);
  Node& node = nodes_.At(id);
  CAIRN_ASSERT(node.child_count() == 0);
  BeforeChange(parent);
  BeforeChange(node);  // the view must have the node before it goes
  nodes_.Unlink(parent_id, id);
  if (zxid > parent.pzxid) parent.pzxid = zxid;

  data_size_ -= static_cast<int64_t>(path.size() + node.data().size());
  if (fires != nullptr) {
    fires->push_back(
        {path, proto::EventType::kNodeDeleted, kDataWatches | kChildWatches, acls_.Get(node.acl)});
    fires->push_back({std::string(ParentPath(path)), proto::EventType::kNodeChildrenChanged,
                      kChildWatches, acls_.Get(parent.acl)});
  }
  acls_.Release(node.acl);
  if (track) TrackSpecialKinds(path, node.ephemeral_owner, false);
  nodes_.Erase(id);
}

const Node& DataTree::SetData(const std::string& path, std::string_view data, bool data_null,
                              int32_t version, int64_t zxid, int64_t time, WatchFires* fires) {
  Node* node = nodes_.Find(path);
  CAIRN_ASSERT(node != nullptr);
  BeforeChange(*node);
  data_size_ += static_cast<int64_t>(data.size()) - static_cast<int64_t>(node->data().size());
  nodes_.SetData(*node, data, data_null);
  node->version = version;
  node->mzxid = zxid;
  node->mtime = time;
  if (fires != nullptr) {
    fires->push_back({path, proto::EventType::kNodeDataChanged, kDataWatches, acls_.Get(node->acl)});
  }
  return *node;
}

const Node& DataTree::SetAcl(const std::string& path, const proto::AclList& acl,
                             int32_t aversion) {
  Node* node = nodes_.Find(path);
  CAIRN_ASSERT(node != nullptr);
  BeforeChange(*node);
  AclRef old = node->acl;
  node->acl = acls_.Acquire(acl);
  acls_.Release(old);
  node->aversion = aversion;
  return *node;
}

std::vector<std::string> DataTree::KillSession(int64_t session_id, int64_t zxid,
                                               WatchFires* fires) {
  std::vector<std::string> paths;
  auto it = ephemerals_.find(session_id);
  if (it == ephemerals_.end()) return paths;
  std::set<std::string> doomed = std::move(it->second);
  ephemerals_.erase(it);
  paths.reserve(doomed.size());
  if (fires != nullptr) fires->reserve(fires->size() + 2 * doomed.size());
  // Ephemerals have no children, so any order works; sorted keeps replicas
  // firing watches identically. Siblings come one after another, so the
  // parent is looked up once for each run of them.
  std::string parent_path;
  NodeId parent_id = kNoNodeId;
  while (!doomed.empty()) {  // bounded by the session's ephemerals
    paths.push_back(std::move(doomed.extract(doomed.begin()).value()));
    const std::string& path = paths.back();
    if (parent_id == kNoNodeId || ParentPath(path) != parent_path) {
      parent_path.assign(ParentPath(path));
      parent_id = nodes_.FindId(parent_path);
    }
    NodeId id = nodes_.FindId(path);
    CAIRN_ASSERT(parent_id != kNoNodeId && id != kNoNodeId);
    DeleteFound(path, parent_id, id, zxid, /*track=*/false, fires);
  }
  return paths;
}

void DataTree::BeforeChange(Node& node) {
  if (view_ != nullptr) view_->Preserve(node);
}

void DataTree::OnCreated(Node& node) {
  if (view_ != nullptr) view_->OnCreated(node);
}

const std::set<std::string>& DataTree::EphemeralsOf(int64_t session_id) const {
  static const std::set<std::string> kNone;
  auto it = ephemerals_.find(session_id);
  return it == ephemerals_.end() ? kNone : it->second;
}

int32_t DataTree::CountDescendants(std::string_view path) const {
  const Node* node = Find(path);
  if (node == nullptr) return 0;
  int32_t count = 0;
  std::vector<const Node*> stack = {node};
  while (!stack.empty()) {  // bounded by the number of nodes in the tree
    const Node* n = stack.back();
    stack.pop_back();
    nodes_.ForEachChild(*n, [&](const Node& child) {
      ++count;
      if (child.child_count() > 0) stack.push_back(&child);
    });
  }
  return count;
}

}  // namespace cairn::znode
