#include "znode/tree_snapshot.h"

#include <algorithm>
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
  for (const auto& [path, node] : tree.nodes_) {
    AppendSnapshotNode(path, node, &chunk);
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
  tree_->nodes_.clear();
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
    tree_->nodes_.reserve(static_cast<size_t>(expected_nodes_ + expected_nodes_ / 4 + 1024));
    links_.reserve(static_cast<size_t>(expected_nodes_));
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

namespace {

// Name bytes [from, from + 8) as a big-endian integer, zero-padded.
uint64_t NamePrefix(std::string_view s, size_t from) {
  uint64_t v = 0;
  for (size_t i = from; i < from + 8; ++i) v = (v << 8) | (i < s.size() ? static_cast<uint8_t>(s[i]) : 0);
  return v;
}

}  // namespace

bool TreeSnapshotLoader::Link::operator<(const Link& o) const {
  if (parent != o.parent) return parent < o.parent;
  if (hi != o.hi) return hi < o.hi;
  if (lo != o.lo) return lo < o.lo;
  return name() < o.name();
}

Result<void> TreeSnapshotLoader::AddNodes(std::string_view body) {
  proto::JuteReader r(body);
  int32_t count = r.Count(kNodeMinBytes);
  for (int32_t i = 0; i < count && r.ok(); ++i) {
    std::string path = r.String();
    Node node;
    node.data = r.Buffer(&node.data_null);
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
    if (acl == acl_refs_.end()) return Corruption("snapshot node " + path + " names an unknown ACL");
    node.acl = acl->second;
    tree_->acls_.AddUse(node.acl);
    tree_->data_size_ += static_cast<int64_t>((path == "/" ? 0 : path.size()) + node.data.size());
    int64_t owner = node.ephemeral_owner;
    auto [it, inserted] = tree_->nodes_.emplace(std::move(path), std::move(node));
    if (!inserted) return Corruption("snapshot lists node " + it->first + " twice");
    tree_->TrackSpecialKinds(it->first, owner, true);
    ++nodes_;
    if (it->first != "/") {
      const std::string& key = it->first;
      if (key[0] != '/') return Corruption("snapshot node path '" + key + "' is not absolute");
      std::string_view name = BaseName(key);
      Link link;
      link.parent = tree_->FindMutable(ParentPath(key));  // resolved in Finish if it comes later
      link.hi = NamePrefix(name, 0);
      link.lo = NamePrefix(name, 8);
      link.path = key;
      link.name_size = static_cast<uint32_t>(name.size());
      links_.push_back(link);
    }
  }
  if (!r.AtEnd()) return Corruption("snapshot node chunk does not decode");
  return boost::outcome_v2::success();
}

Result<void> TreeSnapshotLoader::Finish(int64_t last_processed_zxid) {
  if (tree_->nodes_.find(std::string_view("/")) == tree_->nodes_.end()) {
    return Corruption("snapshot has no root node");
  }
  if (expected_nodes_ >= 0 && expected_nodes_ != nodes_) {
    return Corruption("snapshot lists " + std::to_string(nodes_) + " nodes, its header says " +
                      std::to_string(expected_nodes_));
  }
  for (auto& l : links_) {
    if (l.parent != nullptr) continue;
    l.parent = tree_->FindMutable(ParentPath(l.path));
    if (l.parent == nullptr) return Corruption("snapshot node " + std::string(l.path) + " has no parent");
  }
  std::sort(links_.begin(), links_.end());
  std::string name;
  for (const auto& l : links_) {
    if (l.name_size <= 16) {  // rebuilt from the prefix: no trip to the path bytes
      name.resize(l.name_size);
      for (uint32_t i = 0; i < l.name_size; ++i) {
        uint64_t word = i < 8 ? l.hi : l.lo;
        name[i] = static_cast<char>((word >> (8 * (7 - i % 8))) & 0xff);
      }
      l.parent->children.emplace_hint(l.parent->children.end(), name);
    } else {
      l.parent->children.emplace_hint(l.parent->children.end(), l.name());
    }
  }
  links_ = {};
  for (auto& [ref, local] : acl_refs_) tree_->acls_.Release(local);
  acl_refs_.clear();
  tree_->last_processed_zxid_ = last_processed_zxid;
  return boost::outcome_v2::success();
}

}  // namespace cairn::znode
