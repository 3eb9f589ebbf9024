// znode/node.h: one znode as the tree stores it. Pure.
//
// Compact on purpose (a tree may hold millions): the stat fields, one heap
// block holding the path followed by the data, the node's hash (so the
// index never rereads the path to rehash) and its links in its parent's
// child list. Only a NodeStore creates, links and frees nodes; everyone
// else reads them through const references, and only DataTree's mutators
// change the stat fields.
#pragma once

#include <cstdint>
#include <string_view>

#include "proto/records.h"
#include "znode/acl_table.h"

namespace cairn::znode {

// A node's slot in its NodeStore: stable for the node's life, reused after.
using NodeId = uint32_t;
inline constexpr NodeId kNoNodeId = UINT32_MAX;

class Node {
 public:
  Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  int64_t czxid = 0;
  int64_t mzxid = 0;
  int64_t pzxid = 0;
  int64_t ctime = 0;
  int64_t mtime = 0;
  int64_t ephemeral_owner = 0;

 private:
  // Path then data, owned; null while the slot is free. Declared between
  // the 8- and 4-byte fields so that the record has no padding.
  char* bytes_ = nullptr;

 public:
  int32_t version = 0;
  int32_t cversion = 0;
  int32_t aversion = 0;
  AclRef acl = AclTable::kOpen;
  // The snapshot view generation that has captured this node already (see
  // znode/snapshot_view.h); 0 = none.
  uint32_t snapshot_mark = 0;

  std::string_view path() const { return {bytes_, path_size_}; }
  std::string_view data() const { return {bytes_ + path_size_, data_size_ & kSizeMask}; }
  // Set with a null buffer: getData answers length -1.
  bool data_null() const { return (data_size_ & kNullBit) != 0; }
  int32_t child_count() const { return child_count_; }

  // The Stat a client sees. As in ZooKeeper, the stored cversion counts
  // child creates (it feeds sequential names) and the reported one counts
  // creates and deletes (2 * creates - numChildren); containers and TTL
  // nodes report ephemeralOwner 0.
  proto::Stat ClientStat() const;

 private:
  friend class NodeStore;
  static constexpr uint32_t kNullBit = 0x80000000u;
  static constexpr uint32_t kSizeMask = ~kNullBit;

  uint32_t path_size_ = 0;
  uint32_t data_size_ = 0;  // with kNullBit for a null buffer
  uint32_t hash_ = 0;       // of the path
  int32_t child_count_ = 0;
  NodeId first_child_ = kNoNodeId;
  NodeId next_sibling_ = kNoNodeId;
  NodeId prev_sibling_ = kNoNodeId;
};
static_assert(sizeof(Node) == 104, "a million nodes: keep the record compact");

}  // namespace cairn::znode
