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
  s.data_length = static_cast<int32_t>(data.size());
  s.num_children = static_cast<int32_t>(children.size());
  // Wraps like ZooKeeper's Java int arithmetic.
  s.cversion = static_cast<int32_t>(static_cast<uint32_t>(cversion) * 2u -
                                    static_cast<uint32_t>(s.num_children));
  s.pzxid = pzxid;
  return s;
}

EphemeralKind KindOfOwner(int64_t owner, bool extended_types_enabled) {
  if (owner == 0) return EphemeralKind::kVoid;
  if (owner == proto::kContainerEphemeralOwner) return EphemeralKind::kContainer;
  if (extended_types_enabled && owner < 0 && (owner & proto::kExtendedMask) == proto::kExtendedMask) {
    return EphemeralKind::kTtl;
  }
  return EphemeralKind::kNormal;
}

DataTree::DataTree() { Reset(); }

void DataTree::Reset() {
  CAIRN_ASSERT(view_ == nullptr);
  nodes_.clear();
  acls_ = AclTable();
  ephemerals_.clear();
  containers_.clear();
  ttls_.clear();
  last_processed_zxid_ = 0;
  nodes_.emplace("/", Node{});
  for (std::string_view p : {kZookeeperPath, kQuotaPath, kConfigPath}) {
    nodes_.emplace(std::string(p), Node{});
    FindMutable(ParentPath(p))->children.emplace(BaseName(p));
  }
  // ZooKeeper gives /zookeeper/config the read-only open ACL and, through
  // setACL(path, acl, -1), an aversion of -1.
  Node* config = FindMutable(kConfigPath);
  config->acl = acls_.Acquire({proto::Acl{proto::perms::kRead, proto::Id{"world", "anyone"}}});
  config->aversion = -1;
  data_size_ = static_cast<int64_t>(kZookeeperPath.size() + kQuotaPath.size() + kConfigPath.size());
}

const Node* DataTree::Find(std::string_view path) const {
  auto it = nodes_.find(path.empty() ? std::string_view("/") : path);
  return it == nodes_.end() ? nullptr : &it->second;
}

Node* DataTree::FindMutable(std::string_view path) {
  auto it = nodes_.find(path);
  return it == nodes_.end() ? nullptr : &it->second;
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

void DataTree::CreateNode(const std::string& path, std::string data, bool data_null,
                          const proto::AclList& acl,
                          int64_t ephemeral_owner, int32_t parent_cversion, int64_t zxid,
                          int64_t time, WatchFires* fires) {
  std::string_view parent_path = ParentPath(path);
  Node* parent = FindMutable(parent_path);
  CAIRN_ASSERT(parent != nullptr);
  BeforeChange(parent_path, *parent);
  parent->children.emplace(BaseName(path));
  // As ZooKeeper: cversion and pzxid move together, and only forwards (a
  // txn replayed after a newer create must not move them back).
  if (parent_cversion > parent->cversion) {
    parent->cversion = parent_cversion;
    parent->pzxid = zxid;
  }

  Node node;
  data_size_ += static_cast<int64_t>(path.size() + data.size());
  node.data = std::move(data);
  node.data_null = data_null;
  node.acl = acls_.Acquire(acl);
  node.czxid = node.mzxid = node.pzxid = zxid;
  node.ctime = node.mtime = time;
  node.ephemeral_owner = ephemeral_owner;
  OnCreated(node);
  // One lookup on the hot path: the insert itself says whether the node
  // existed (it never may: prep checked).
  bool inserted = nodes_.emplace(path, std::move(node)).second;
  CAIRN_ASSERT(inserted);
  AfterInsert();
  TrackSpecialKinds(path, ephemeral_owner, true);

  fires->push_back({path, proto::EventType::kNodeCreated, kDataWatches, acl});
  fires->push_back({std::string(parent_path), proto::EventType::kNodeChildrenChanged, kChildWatches,
                    acls_.Get(parent->acl)});
}

void DataTree::DeleteNode(const std::string& path, int64_t zxid, WatchFires* fires) {
  std::string_view parent_path = ParentPath(path);
  Node* parent = FindMutable(parent_path);
  CAIRN_ASSERT(parent != nullptr);
  auto it = nodes_.find(path);
  CAIRN_ASSERT(it != nodes_.end());
  CAIRN_ASSERT(it->second.children.empty());
  BeforeChange(parent_path, *parent);
  BeforeErase(it);
  if (auto c = parent->children.find(BaseName(path)); c != parent->children.end()) {
    parent->children.erase(c);
  }
  if (zxid > parent->pzxid) parent->pzxid = zxid;

  data_size_ -= static_cast<int64_t>(path.size() + it->second.data.size());
  proto::AclList acl = acls_.Get(it->second.acl);
  acls_.Release(it->second.acl);
  TrackSpecialKinds(path, it->second.ephemeral_owner, false);
  nodes_.erase(it);

  fires->push_back({path, proto::EventType::kNodeDeleted, kDataWatches | kChildWatches,
                    std::move(acl)});
  fires->push_back({std::string(parent_path), proto::EventType::kNodeChildrenChanged, kChildWatches,
                    acls_.Get(parent->acl)});
}

void DataTree::SetData(const std::string& path, std::string data, bool data_null, int32_t version,
                       int64_t zxid,
                       int64_t time, WatchFires* fires) {
  Node* node = FindMutable(path);
  CAIRN_ASSERT(node != nullptr);
  BeforeChange(path, *node);
  data_size_ += static_cast<int64_t>(data.size()) - static_cast<int64_t>(node->data.size());
  node->data = std::move(data);
  node->data_null = data_null;
  node->version = version;
  node->mzxid = zxid;
  node->mtime = time;
  fires->push_back({path, proto::EventType::kNodeDataChanged, kDataWatches, acls_.Get(node->acl)});
}

void DataTree::SetAcl(const std::string& path, const proto::AclList& acl, int32_t aversion) {
  Node* node = FindMutable(path);
  CAIRN_ASSERT(node != nullptr);
  BeforeChange(path, *node);
  AclRef old = node->acl;
  node->acl = acls_.Acquire(acl);
  acls_.Release(old);
  node->aversion = aversion;
}

std::vector<std::string> DataTree::KillSession(int64_t session_id, int64_t zxid,
                                               WatchFires* fires) {
  std::vector<std::string> paths;
  auto it = ephemerals_.find(session_id);
  if (it == ephemerals_.end()) return paths;
  paths.assign(it->second.begin(), it->second.end());
  // Ephemerals have no children, so any order works; sorted keeps replicas
  // firing watches identically.
  for (const auto& p : paths) DeleteNode(p, zxid, fires);
  return paths;
}

void DataTree::BeforeChange(std::string_view path, Node& node) {
  if (view_ != nullptr) view_->Preserve(path, node);
}

void DataTree::BeforeErase(NodeMap::iterator it) {
  if (view_ != nullptr) view_->BeforeErase(it);
}

void DataTree::AfterInsert() {
  if (view_ != nullptr) view_->AfterInsert();
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
  std::vector<std::string> stack = {path.empty() ? std::string("/") : std::string(path)};
  while (!stack.empty()) {  // bounded by the number of nodes in the tree
    std::string p = std::move(stack.back());
    stack.pop_back();
    const Node* n = Find(p);
    if (n == nullptr) continue;
    for (const auto& c : n->children) {
      ++count;
      stack.push_back(p == "/" ? "/" + c : p + "/" + c);
    }
  }
  return count;
}

}  // namespace cairn::znode
