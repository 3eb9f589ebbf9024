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

  // A child to link into its parent's set, noted while its path is still
  // in cache. Sorted per parent so each set insert lands at the end; the
  // first 16 name bytes ride along as integers, so sorting and (for short
  // names) building the set's string never touch the scattered path bytes.
  struct Link {
    Node* parent = nullptr;       // null until resolved (the parent came later)
    uint64_t hi = 0, lo = 0;      // name bytes 0-7 and 8-15, big-endian, zero-padded
    std::string_view path;        // the node's key in the tree (stable)
    uint32_t name_size = 0;
    bool operator<(const Link& o) const;
    std::string_view name() const { return path.substr(path.size() - name_size); }
  };

  DataTree* tree_;
  std::vector<Link> links_;
  std::unordered_map<int32_t, AclRef> acl_refs_;  // snapshot ref -> this tree's ref
  int64_t expected_nodes_ = -1;  // from the acl chunk
  int64_t nodes_ = 0;
};

}  // namespace cairn::znode
