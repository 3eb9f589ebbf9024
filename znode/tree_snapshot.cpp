#include "znode/tree_snapshot.h"

#include <vector>

#include "proto/jute.h"
#include "proto/records.h"
#include "znode/path.h"
#include "znode/snapshot_view.h"

namespace cairn::znode {

namespace {

constexpr char kAclTag = 'A';
constexpr char kNodeTag = 'N';
// path length + data length + aclRef + 5 longs + 3 ints + owner: the
// smallest encoded node, to bound a count against the bytes present.
constexpr size_t kNodeMinBytes = 4 + 4 + 4 + 5 * 8 + 3 * 4 + 8;

}  // namespace

bool IsTreeSnapshotChunk(std::string_view chunk) {
  return !chunk.empty() && (chunk[0] == kAclTag || chunk[0] == kNodeTag);
}

bool EncodeTreeSnapshot(const DataTree& tree, size_t chunk_bytes,
                        const std::function<bool(std::string_view)>& sink) {
  if (!sink(EncodeAclChunk(tree.acls_, static_cast<int64_t>(tree.nodes_.size())))) return false;
  std::string chunk;
  StartNodeChunk(&chunk);
  int32_t count = 0;
  const NodeStore& nodes = tree.nodes_;
  for (NodeId id = 0; id < nodes.end_id(); ++id) {
    const Node* node = nodes.NodeAt(id);
    if (node == nullptr) continue;
    AppendSnapshotNode(*node, &chunk);
    ++count;
    if (chunk.size() >= chunk_bytes) {
      FinishNodeChunk(count, &chunk);
      if (!sink(chunk)) return false;
      StartNodeChunk(&chunk);
      count = 0;
    }
  }
  if (count == 0) return true;
  FinishNodeChunk(count, &chunk);
  return sink(chunk);
}

TreeSnapshotLoader::TreeSnapshotLoader(DataTree* tree) : tree_(tree) {
  tree_->nodes_.Clear();
  tree_->ephemerals_.clear();
  tree_->containers_.clear();
  tree_->ttls_.clear();
  tree_->acls_ = AclTable();
  tree_->data_size_ = 0;
}

Result<void> TreeSnapshotLoader::Add(std::string_view chunk) {
  if (chunk[0] == kAclTag) return AddAcls(chunk.substr(1));
  return AddNodes(chunk.substr(1));
}

Result<void> TreeSnapshotLoader::AddAcls(std::string_view body) {
  proto::JuteReader r(body);
  expected_nodes_ = r.Long();
  int32_t count = r.Count(8);
  if (r.ok() && expected_nodes_ >= 0 && expected_nodes_ <= (int64_t{1} << 32)) {
    // Headroom for the log replayed after the snapshot: a rehash of a map
    // of a million nodes would cost more than the replay itself.
    tree_->nodes_.Reserve(static_cast<size_t>(expected_nodes_ + expected_nodes_ / 4 + 1024));
  }
  for (int32_t i = 0; i < count && r.ok(); ++i) {
    int32_t ref = r.Int();
    proto::AclList acl = proto::ReadAcls(r);
    if (!r.ok()) break;
    acl_refs_[ref] = tree_->acls_.Acquire(acl);  // one use held until Finish
  }
  if (!r.AtEnd()) return Corruption("snapshot ACL chunk does not decode");
  return boost::outcome_v2::success();
}

Result<void> TreeSnapshotLoader::AddNodes(std::string_view body) {
  proto::JuteReader r(body);
  int32_t count = r.Count(kNodeMinBytes);
  NodeStore& nodes = tree_->nodes_;
  for (int32_t i = 0; i < count && r.ok(); ++i) {
    std::string_view path = r.BufferView();
    bool data_null = false;
    std::string_view data = r.BufferView(&data_null);
    if (!r.ok()) break;
    if (path.empty() || path[0] != '/') {
      return Corruption("snapshot node path '" + std::string(path) + "' is not absolute");
    }
    NodeId id = nodes.Insert(path, data, data_null);
    if (id == kNoNodeId) return Corruption("snapshot lists node " + std::string(path) + " twice");
    // The rest straight into the node: a chunk that fails to decode fails
    // the whole load, so a half-read node never serves.
    Node& node = nodes.At(id);
    int32_t ref = r.Int();
    node.czxid = r.Long();
    node.mzxid = r.Long();
    node.pzxid = r.Long();
    node.ctime = r.Long();
    node.mtime = r.Long();
    node.version = r.Int();
    node.cversion = r.Int();
    node.aversion = r.Int();
    node.ephemeral_owner = r.Long();
    if (!r.ok()) break;
    auto acl = acl_refs_.find(ref);
    if (acl == acl_refs_.end()) return Corruption("snapshot node " + std::string(path) + " names an unknown ACL");
    node.acl = acl->second;
    tree_->acls_.AddUse(node.acl);
    int64_t owner = node.ephemeral_owner;
    bool root = path == "/";
    tree_->data_size_ += static_cast<int64_t>((root ? 0 : path.size()) + data.size());
    if (owner != 0) tree_->TrackSpecialKinds(std::string(path), owner, true);
    ++nodes_;
    if (root) continue;
    // Siblings come in runs (a snapshot walks slots, which fill in creation
    // order), so the last parent found usually is this one's too.
    std::string_view parent_path = ParentPath(path);
    if (last_parent_ == kNoNodeId || nodes.At(last_parent_).path() != parent_path) {
      last_parent_ = nodes.FindId(parent_path);
    }
    if (last_parent_ == kNoNodeId) {
      orphans_.push_back(id);  // its parent comes in a later chunk
    } else {
      nodes.Link(last_parent_, id);
    }
  }
  if (!r.AtEnd()) return Corruption("snapshot node chunk does not decode");
  return boost::outcome_v2::success();
}

Result<void> TreeSnapshotLoader::Finish(int64_t last_processed_zxid) {
  if (tree_->nodes_.Find("/") == nullptr) {
    return Corruption("snapshot has no root node");
  }
  if (expected_nodes_ >= 0 && expected_nodes_ != nodes_) {
    return Corruption("snapshot lists " + std::to_string(nodes_) + " nodes, its header says " +
                      std::to_string(expected_nodes_));
  }
  NodeStore& nodes = tree_->nodes_;
  for (NodeId id : orphans_) {
    std::string_view path = nodes.At(id).path();
    NodeId parent = nodes.FindId(ParentPath(path));
    if (parent == kNoNodeId) return Corruption("snapshot node " + std::string(path) + " has no parent");
    nodes.Link(parent, id);
  }
  orphans_ = {};
  for (auto& [ref, local] : acl_refs_) tree_->acls_.Release(local);
  acl_refs_.clear();
  tree_->last_processed_zxid_ = last_processed_zxid;
  return boost::outcome_v2::success();
}

}  // namespace cairn::znode
