#include "znode/node_store.h"

#include <algorithm>
#include <cstring>
#include <functional>

#include "base/assert.h"
#include "base/hash.h"
#include "znode/path.h"

namespace cairn::znode {

NodeStore::NodeStore() : index_(0, IdHash{this}, IdEq{this}) {}

NodeStore::~NodeStore() { Clear(); }

uint32_t NodeStore::HashPath(std::string_view path) {
  return static_cast<uint32_t>(HashBytes(path));
}

const Node* NodeStore::Find(std::string_view path) const {
  auto it = index_.find(path);
  return it == index_.end() ? nullptr : &Slot(*it);
}

Node* NodeStore::Find(std::string_view path) {
  auto it = index_.find(path);
  return it == index_.end() ? nullptr : &Slot(*it);
}

NodeId NodeStore::FindId(std::string_view path) const {
  auto it = index_.find(path);
  return it == index_.end() ? kNoNodeId : *it;
}

char* NodeStore::NewBytes(std::string_view path, std::string_view data) {
  char* bytes = new char[path.size() + data.size()];
  std::memcpy(bytes, path.data(), path.size());
  if (!data.empty()) std::memcpy(bytes + path.size(), data.data(), data.size());
  return bytes;
}

NodeId NodeStore::AllocateSlot() {
  if (!free_.empty()) {
    NodeId id = free_.back();
    free_.pop_back();
    return id;
  }
  CAIRN_ASSERT(next_unused_ < kNoNodeId);
  if (next_unused_ == blocks_.size() * kBlockSize) blocks_.push_back(std::make_unique<Node[]>(kBlockSize));
  return next_unused_++;
}

NodeId NodeStore::Insert(std::string_view path, std::string_view data, bool data_null) {
  CAIRN_ASSERT(!path.empty());
  CAIRN_ASSERT(path.size() <= Node::kSizeMask && data.size() <= Node::kSizeMask);
  NodeId id = AllocateSlot();
  Node& node = Slot(id);
  node.bytes_ = NewBytes(path, data);
  node.path_size_ = static_cast<uint32_t>(path.size());
  node.data_size_ = static_cast<uint32_t>(data.size()) | (data_null ? Node::kNullBit : 0);
  node.hash_ = HashPath(path);
  if (!index_.insert(id).second) {  // the path is taken
    delete[] node.bytes_;
    node.bytes_ = nullptr;
    free_.push_back(id);
    return kNoNodeId;
  }
  return id;
}

void NodeStore::SetData(Node& node, std::string_view data, bool data_null) {
  CAIRN_ASSERT(data.size() <= Node::kSizeMask);
  char* bytes = NewBytes(node.path(), data);
  delete[] node.bytes_;
  node.bytes_ = bytes;
  node.data_size_ = static_cast<uint32_t>(data.size()) | (data_null ? Node::kNullBit : 0);
}

void NodeStore::Erase(NodeId id) {
  Node& node = Slot(id);
  CAIRN_ASSERT(node.bytes_ != nullptr && node.child_count_ == 0);
  CAIRN_ASSERT(node.prev_sibling_ == kNoNodeId && node.next_sibling_ == kNoNodeId);
  size_t erased = index_.erase(id);
  CAIRN_ASSERT(erased == 1);
  delete[] node.bytes_;
  node.~Node();
  new (&node) Node();
  free_.push_back(id);
}

void NodeStore::Link(NodeId parent_id, NodeId child_id) {
  Node& parent = Slot(parent_id);
  Node& child = Slot(child_id);
  child.prev_sibling_ = kNoNodeId;
  child.next_sibling_ = parent.first_child_;
  if (parent.first_child_ != kNoNodeId) Slot(parent.first_child_).prev_sibling_ = child_id;
  parent.first_child_ = child_id;
  ++parent.child_count_;
}

void NodeStore::Unlink(NodeId parent_id, NodeId child_id) {
  Node& parent = Slot(parent_id);
  Node& child = Slot(child_id);
  if (child.prev_sibling_ != kNoNodeId) {
    Slot(child.prev_sibling_).next_sibling_ = child.next_sibling_;
  } else {
    CAIRN_ASSERT(parent.first_child_ == child_id);
    parent.first_child_ = child.next_sibling_;
  }
  if (child.next_sibling_ != kNoNodeId) Slot(child.next_sibling_).prev_sibling_ = child.prev_sibling_;
  child.prev_sibling_ = child.next_sibling_ = kNoNodeId;
  --parent.child_count_;
}

void NodeStore::Clear() {
  for (NodeId id = 0; id < next_unused_; ++id) delete[] Slot(id).bytes_;
  blocks_.clear();
  free_.clear();
  next_unused_ = 0;
  index_.clear();
}

void NodeStore::Reserve(size_t n) { index_.reserve(n); }

std::vector<std::string> NodeStore::ChildNames(const Node& node) const {
  std::vector<std::string_view> names;
  names.reserve(static_cast<size_t>(node.child_count_));
  ForEachChild(node, [&](const Node& child) { names.push_back(BaseName(child.path())); });
  std::sort(names.begin(), names.end());
  return {names.begin(), names.end()};
}

const Node* NodeStore::NodeAt(NodeId id) const {
  if (id >= next_unused_) return nullptr;
  const Node& node = Slot(id);
  return node.bytes_ == nullptr ? nullptr : &node;
}

Node* NodeStore::NodeAt(NodeId id) {
  if (id >= next_unused_) return nullptr;
  Node& node = Slot(id);
  return node.bytes_ == nullptr ? nullptr : &node;
}

}  // namespace cairn::znode
