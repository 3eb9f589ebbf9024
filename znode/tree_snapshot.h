// znode/tree_snapshot.h: the DataTree as snapshot chunks, and back. Pure.
//
// Chunk grammar (jute, see proto/jute.h); each chunk opens with its tag:
//   acl chunk  := byte 'A' long nodeCount int count { int ref, vector<ACL> acl }*
//   node chunk := byte 'N' int count node*
//   node       := ustring path, buffer data (-1 = null), int aclRef,
//                 long czxid, long mzxid, long pzxid, long ctime, long mtime,
//                 int version, int cversion (stored: creates), int aversion,
//                 long ephemeralOwner
// The acl chunk comes first and says how many nodes follow (the loader
// sizes its map once); node chunks list every node (root included) in any
// order. Children lists, ephemeral/container/TTL indexes and the
// data size are derived on load, so the snapshot cannot contradict them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "znode/data_tree.h"

namespace cairn::znode {

// Calls sink(chunk) for each chunk, node chunks of about chunk_bytes each;
// stops early and returns false as soon as sink returns false.
bool EncodeTreeSnapshot(const DataTree& tree, size_t chunk_bytes,
                        const std::function<bool(std::string_view)>& sink);

// True if chunk is one of the tree's (tag 'A' or 'N').
bool IsTreeSnapshotChunk(std::string_view chunk);

// Builds a tree from chunks. Lifetime: holds tree until Finish.
class TreeSnapshotLoader {
 public:
  // REQUIRES: tree is freshly constructed; its contents are replaced.
  explicit TreeSnapshotLoader(DataTree* tree);
  // REQUIRES: IsTreeSnapshotChunk(chunk).
  Result<void> Add(std::string_view chunk);
  // Links children and rebuilds the indexes; fails if a node's parent is
  // missing or the root is absent.
  Result<void> Finish(int64_t last_processed_zxid);

 private:
  Result<void> AddAcls(std::string_view body);
  Result<void> AddNodes(std::string_view body);

  DataTree* tree_;
  NodeId last_parent_ = kNoNodeId;  // the parent the previous node linked to
  std::vector<NodeId> orphans_;      // nodes whose parent had not been loaded yet
  std::unordered_map<int32_t, AclRef> acl_refs_;  // snapshot ref -> this tree's ref
  int64_t expected_nodes_ = -1;  // from the acl chunk
  int64_t nodes_ = 0;
};

}  // namespace cairn::znode
