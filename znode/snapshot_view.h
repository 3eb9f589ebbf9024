// znode/snapshot_view.h: a copy-on-write view of a DataTree at one zxid, so
// that a snapshot can be encoded a slice at a time on the core thread while
// txns keep applying between slices. Pure; owned by the core thread, like
// the tree.
//
// How it stays exact: each view has a generation; a node is "captured" once
// the view has encoded it (Node::snapshot_mark == generation). The view
// walks the tree's node slots in order with a cursor. Before any mutator
// changes a node not captured yet (deleting it included), the view encodes
// the node's pre-image right then and marks it captured, so the walk skips
// it; nodes created after the view opened are marked captured at birth, so
// neither they nor the freed slots they may reuse appear twice. Slots never
// move, so the cursor stays valid however the tree grows.
// The ACL table is encoded when the view opens, so the refs of every
// encoded node (all as of that moment) resolve against it.
//
// Lifetime: the view registers with the tree on construction and
// unregisters on destruction; the tree must outlive it, and only one view
// may be open at a time.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "znode/data_tree.h"

namespace cairn::znode {

class SnapshotView {
 public:
  // chunk_bytes: about how large a node chunk grows before it is cut.
  SnapshotView(DataTree* tree, size_t chunk_bytes);
  ~SnapshotView();
  SnapshotView(const SnapshotView&) = delete;
  SnapshotView& operator=(const SnapshotView&) = delete;

  // The zxid the view shows (the tree's last processed zxid at opening).
  int64_t zxid() const { return zxid_; }
  // The next chunk of the snapshot (the ACL chunk first, then node chunks),
  // walking at most max_nodes nodes; false once everything has been
  // returned. A slice that only met captured nodes leaves *chunk empty.
  bool Next(size_t max_nodes, std::string* chunk);
  // Nodes encoded early because a txn was about to change them.
  int64_t preserved() const { return preserved_; }

  // Hooks for DataTree's mutators.
  void Preserve(Node& node);
  void OnCreated(Node& node) { node.snapshot_mark = generation_; }

 private:
  void Capture(Node& node, std::string* chunk, int32_t* count);
  void CutPreserved();

  DataTree* tree_;
  size_t chunk_bytes_;
  uint32_t generation_;
  int64_t zxid_;
  NodeId cursor_ = 0;  // the next slot to walk
  std::deque<std::string> ready_;  // finished chunks, returned before walking further
  std::string preserved_chunk_;    // pre-images being gathered
  int32_t preserved_count_ = 0;
  int64_t preserved_ = 0;
};

// One node as the snapshot's node grammar has it (znode/tree_snapshot.h).
void AppendSnapshotNode(const Node& node, std::string* out);
// Starts a node chunk in *out; FinishNodeChunk patches its count.
void StartNodeChunk(std::string* out);
void FinishNodeChunk(int32_t count, std::string* out);
std::string EncodeAclChunk(const AclTable& acls, int64_t node_count);

}  // namespace cairn::znode
