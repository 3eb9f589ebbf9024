// znode/node_store.h: where a DataTree's nodes live. Pure; owned by one
// DataTree, not thread-safe.
//
// Nodes sit in fixed blocks of slots, so a node never moves while it lives
// (references stay valid across inserts) and a snapshot can walk the slots
// in order while the tree changes; a freed slot is reused by a later insert.
// A flat hash index of slot ids finds a node by its full path with one
// probe sequence. Each node's children form a doubly linked list through
// the slots, in no particular order; ChildNames sorts.
//
// The store keeps the index and the links consistent; what the nodes mean
// (stat fields, which insert is legal) is DataTree's business.
//
// Memory: ~104 bytes of slot, the path and data in one allocation, and ~5-10
// bytes of index a node. Slot blocks are kept once allocated (a tree that
// shrinks keeps its peak slots, for reuse) until Clear.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_set.h>

#include "znode/node.h"

namespace cairn::znode {

class NodeStore {
 public:
  NodeStore();
  ~NodeStore();
  NodeStore(const NodeStore&) = delete;
  NodeStore& operator=(const NodeStore&) = delete;

  const Node* Find(std::string_view path) const;
  Node* Find(std::string_view path);
  // The node's slot id, or kNoNodeId.
  NodeId FindId(std::string_view path) const;
  // REQUIRES: id names a live node.
  const Node& At(NodeId id) const { return Slot(id); }
  Node& At(NodeId id) { return Slot(id); }

  // Adds an unlinked node with the given path and data and returns its id;
  // kNoNodeId if a node with that path exists already (nothing changes then).
  NodeId Insert(std::string_view path, std::string_view data, bool data_null);
  void SetData(Node& node, std::string_view data, bool data_null);
  // Frees the node's slot. REQUIRES: the node is unlinked and has no children.
  void Erase(NodeId id);
  // Adds child to parent's children / takes it out again.
  void Link(NodeId parent, NodeId child);
  void Unlink(NodeId parent, NodeId child);
  // Every node, back to an empty store.
  void Clear();
  // Room for n nodes in the index without a rehash.
  void Reserve(size_t n);

  size_t size() const { return index_.size(); }

  // fn(const Node& child) for each child of node, in no particular order.
  template <typename Fn>
  void ForEachChild(const Node& node, Fn&& fn) const {
    for (NodeId id = node.first_child_; id != kNoNodeId;) {
      const Node& child = Slot(id);
      id = child.next_sibling_;
      fn(child);
    }
  }
  // The children's names, sorted.
  std::vector<std::string> ChildNames(const Node& node) const;

  // Slot walk (snapshots): every live node has an id below end_id();
  // NodeAt(id) is null for a free slot.
  NodeId end_id() const { return next_unused_; }
  const Node* NodeAt(NodeId id) const;
  Node* NodeAt(NodeId id);

 private:
  static constexpr uint32_t kBlockBits = 12;
  static constexpr uint32_t kBlockSize = 1u << kBlockBits;

  // The index hashes and compares slot ids through the nodes' paths, and
  // also takes a path itself for lookups.
  struct IdHash {
    using is_transparent = void;
    const NodeStore* store;
    size_t operator()(NodeId id) const { return store->Slot(id).hash_; }
    size_t operator()(std::string_view path) const { return HashPath(path); }
  };
  struct IdEq {
    using is_transparent = void;
    const NodeStore* store;
    // Two ids are the same key when their paths are: that is how an insert
    // finds a duplicate path in its one probe sequence.
    bool operator()(NodeId a, NodeId b) const { return a == b || store->Slot(a).path() == store->Slot(b).path(); }
    bool operator()(NodeId a, std::string_view b) const { return store->Slot(a).path() == b; }
    bool operator()(std::string_view a, NodeId b) const { return a == store->Slot(b).path(); }
  };
  static uint32_t HashPath(std::string_view path);

  const Node& Slot(NodeId id) const { return blocks_[id >> kBlockBits][id & (kBlockSize - 1)]; }
  Node& Slot(NodeId id) { return blocks_[id >> kBlockBits][id & (kBlockSize - 1)]; }
  NodeId AllocateSlot();
  static char* NewBytes(std::string_view path, std::string_view data);

  std::vector<std::unique_ptr<Node[]>> blocks_;
  NodeId next_unused_ = 0;      // slots at and above were never used
  std::vector<NodeId> free_;    // freed slots, reused last-in first-out
  absl::flat_hash_set<NodeId, IdHash, IdEq> index_;
};

}  // namespace cairn::znode
