#include "znode/snapshot_view.h"

#include <cstring>

#include "base/assert.h"
#include "proto/jute.h"
#include "proto/records.h"

namespace cairn::znode {

namespace {
constexpr char kAclTag = 'A';
constexpr char kNodeTag = 'N';
}  // namespace

namespace {

char* PutInt(char* p, int32_t v) {
  uint32_t u = static_cast<uint32_t>(v);
  for (int i = 3; i >= 0; --i, u >>= 8) p[i] = static_cast<char>(u & 0xff);
  return p + 4;
}

char* PutLong(char* p, int64_t v) {
  uint64_t u = static_cast<uint64_t>(v);
  for (int i = 7; i >= 0; --i, u >>= 8) p[i] = static_cast<char>(u & 0xff);
  return p + 8;
}

char* PutBytes(char* p, std::string_view bytes) {
  p = PutInt(p, static_cast<int32_t>(bytes.size()));
  std::memcpy(p, bytes.data(), bytes.size());
  return p + bytes.size();
}

}  // namespace

// The jute layout of tree_snapshot.h, written with one resize: this runs
// once per node per snapshot on the core thread.
void AppendSnapshotNode(const Node& node, std::string* out) {
  constexpr size_t kFixed = 4 + 4 + 4 + 5 * 8 + 3 * 4 + 8;  // lengths, acl, stat fields
  std::string_view path = node.path();
  size_t data = node.data_null() ? 0 : node.data().size();
  size_t at = out->size();
  out->resize(at + kFixed + path.size() + data);
  char* p = out->data() + at;
  p = PutBytes(p, path);
  p = node.data_null() ? PutInt(p, -1) : PutBytes(p, node.data());
  p = PutInt(p, static_cast<int32_t>(node.acl));
  p = PutLong(p, node.czxid);
  p = PutLong(p, node.mzxid);
  p = PutLong(p, node.pzxid);
  p = PutLong(p, node.ctime);
  p = PutLong(p, node.mtime);
  p = PutInt(p, node.version);
  p = PutInt(p, node.cversion);
  p = PutInt(p, node.aversion);
  p = PutLong(p, node.ephemeral_owner);
  CAIRN_ASSERT(p == out->data() + out->size());
}

void StartNodeChunk(std::string* out) {
  out->assign(1, kNodeTag);
  out->append(4, '\0');  // the count, patched by FinishNodeChunk
}

void FinishNodeChunk(int32_t count, std::string* out) { proto::JuteWriter(out).PatchInt(1, count); }

std::string EncodeAclChunk(const AclTable& acls, int64_t node_count) {
  std::string chunk(1, kAclTag);
  proto::JuteWriter w(&chunk);
  w.Long(node_count);
  int32_t count = 0;
  acls.ForEach([&](AclRef, const proto::AclList&) { ++count; });
  w.Count(count);
  acls.ForEach([&](AclRef ref, const proto::AclList& acl) {
    w.Int(static_cast<int32_t>(ref));
    proto::WriteAcls(w, acl);
  });
  return chunk;
}

SnapshotView::SnapshotView(DataTree* tree, size_t chunk_bytes)
    : tree_(tree), chunk_bytes_(chunk_bytes) {
  CAIRN_ASSERT(tree_->view_ == nullptr);
  tree_->view_ = this;
  generation_ = ++tree_->snapshot_generation_;
  if (generation_ == 0) generation_ = ++tree_->snapshot_generation_;  // 0 means "never captured"
  zxid_ = tree_->last_processed_zxid_;
  ready_.push_back(EncodeAclChunk(tree_->acls_, static_cast<int64_t>(tree_->nodes_.size())));
  StartNodeChunk(&preserved_chunk_);
}

SnapshotView::~SnapshotView() { tree_->view_ = nullptr; }

void SnapshotView::Capture(Node& node, std::string* chunk, int32_t* count) {
  AppendSnapshotNode(node, chunk);
  node.snapshot_mark = generation_;
  ++*count;
}

void SnapshotView::CutPreserved() {
  if (preserved_count_ == 0) return;
  FinishNodeChunk(preserved_count_, &preserved_chunk_);
  ready_.push_back(std::move(preserved_chunk_));
  StartNodeChunk(&preserved_chunk_);
  preserved_count_ = 0;
}

void SnapshotView::Preserve(Node& node) {
  if (node.snapshot_mark == generation_) return;  // captured already, or born after the view
  Capture(node, &preserved_chunk_, &preserved_count_);
  ++preserved_;
  if (preserved_chunk_.size() >= chunk_bytes_) CutPreserved();
}

bool SnapshotView::Next(size_t max_nodes, std::string* chunk) {
  if (!ready_.empty()) {
    *chunk = std::move(ready_.front());
    ready_.pop_front();
    return true;
  }
  NodeStore& nodes = tree_->nodes_;
  chunk->reserve(chunk_bytes_ + (64 << 10));  // one allocation for the slice
  StartNodeChunk(chunk);
  int32_t count = 0;
  for (size_t seen = 0; cursor_ < nodes.end_id() && seen < max_nodes && chunk->size() < chunk_bytes_;
       ++cursor_, ++seen) {
    Node* node = nodes.NodeAt(cursor_);
    if (node == nullptr || node->snapshot_mark == generation_) continue;
    Capture(*node, chunk, &count);
  }
  if (count > 0) {
    FinishNodeChunk(count, chunk);
    return true;
  }
  if (cursor_ < nodes.end_id()) {  // a slice of captured nodes only: progress, nothing to write
    chunk->clear();
    return true;
  }
  CutPreserved();  // the walk is done; what was preserved completes the picture
  if (ready_.empty()) return false;
  *chunk = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

}  // namespace cairn::znode
