#include "znode/pending_changes.h"

#include <algorithm>

#include "base/assert.h"

namespace cairn::znode {

std::optional<ChangeRecord> PendingChanges::Get(const std::string& path) const {
  auto it = latest_.find(path);
  if (it != latest_.end()) {
    if (!WillExist(it->second)) return std::nullopt;
    return it->second;
  }
  const Node* node = tree_->Find(path);
  if (node == nullptr || Closing(node->ephemeral_owner)) return std::nullopt;
  ChangeRecord r;
  r.zxid = 0;
  r.path = path;
  r.exists = true;
  // Prep needs the stored values (cversion counts creates; the real owner).
  r.stat.czxid = node->czxid;
  r.stat.mzxid = node->mzxid;
  r.stat.pzxid = node->pzxid;
  r.stat.ctime = node->ctime;
  r.stat.mtime = node->mtime;
  r.stat.version = node->version;
  r.stat.cversion = node->cversion;
  r.stat.aversion = node->aversion;
  r.stat.ephemeral_owner = node->ephemeral_owner;
  r.stat.data_length = static_cast<int32_t>(node->data().size());
  r.stat.num_children = node->child_count();
  r.child_count = node->child_count();
  r.acl = tree_->AclOf(*node);
  return r;
}

const ChangeRecord* PendingChanges::Peek(const std::string& path) {
  auto it = latest_.find(path);
  if (it != latest_.end()) return WillExist(it->second) ? &it->second : nullptr;
  std::optional<ChangeRecord> rec = Get(path);
  if (!rec) return nullptr;
  scratch_ = std::move(*rec);
  scratch_valid_ = true;
  return &scratch_;
}

ChangeRecord PendingChanges::TakeRecord(const std::string& path) {
  if (scratch_valid_ && scratch_.path == path) {
    scratch_valid_ = false;
    return std::move(scratch_);
  }
  std::optional<ChangeRecord> rec = Get(path);
  CAIRN_ASSERT(rec.has_value());
  return std::move(*rec);
}

bool PendingChanges::Exists(const std::string& path) const {
  auto it = latest_.find(path);
  if (it != latest_.end()) return WillExist(it->second);
  const Node* node = tree_->Find(path);
  return node != nullptr && !Closing(node->ephemeral_owner);
}

ChangeRecord* PendingChanges::BeginModify(Records::iterator it, int64_t zxid) {
  if (in_scope_) undo_.emplace_back(it->first, it->second);
  order_.emplace_back(zxid, it->first);
  Disown(it->first, it->second);
  it->second.zxid = zxid;
  return &it->second;
}

void PendingChanges::EndModify(const std::string& path, const ChangeRecord& rec) {
  if (rec.exists && rec.stat.ephemeral_owner != 0) owned_[rec.stat.ephemeral_owner].insert(path);
}

void PendingChanges::Add(ChangeRecord record) {
  if (in_scope_) {
    auto it = latest_.find(record.path);
    undo_.emplace_back(
        record.path, it == latest_.end() ? std::nullopt : std::optional<ChangeRecord>(it->second));
  }
  order_.emplace_back(record.zxid, record.path);
  // The copy in order_ outlives the call and spares one more copy of the path.
  SetLatest(order_.back().second, std::move(record));
}

void PendingChanges::SetLatest(const std::string& path, std::optional<ChangeRecord> record) {
  scratch_valid_ = false;  // the overlay changes: a scratch copy may be stale
  if (!record) {
    auto it = latest_.find(path);
    if (it == latest_.end()) return;
    Disown(path, it->second);
    latest_.erase(it);
    return;
  }
  auto [it, inserted] = latest_.try_emplace(path);  // one lookup, whether new or not
  if (!inserted) Disown(path, it->second);
  if (record->exists && record->stat.ephemeral_owner != 0) {
    owned_[record->stat.ephemeral_owner].insert(path);
  }
  it->second = std::move(*record);
}

std::vector<std::string> PendingChanges::EphemeralsOf(int64_t session_id) const {
  std::vector<std::string> paths;
  ForEachEphemeralOf(session_id, [&](const std::string& path) { paths.push_back(path); });
  std::sort(paths.begin(), paths.end());
  return paths;
}

void PendingChanges::CloseSession(int64_t session_id, int64_t zxid) {
  CAIRN_ASSERT(session_id != 0);
  scratch_valid_ = false;
  closing_[session_id] = zxid;
}

void PendingChanges::ApplyCommitted(int64_t applied_zxid) {
  scratch_valid_ = false;  // the tree has changed under any scratch copy
  while (!order_.empty() && order_.front().first <= applied_zxid) {
    auto it = latest_.find(order_.front().second);
    if (it != latest_.end() && it->second.zxid == order_.front().first) Drop(it);
    order_.pop_front();
  }
  if (!closing_.empty()) {
    std::erase_if(closing_, [&](const auto& entry) { return entry.second <= applied_zxid; });
  }
}

void PendingChanges::Drop(Records::iterator it) {
  Disown(it->first, it->second);
  latest_.erase(it);
}

void PendingChanges::Disown(const std::string& path, const ChangeRecord& rec) {
  if (!rec.exists || rec.stat.ephemeral_owner == 0) return;
  auto owner = owned_.find(rec.stat.ephemeral_owner);
  owner->second.erase(path);
  if (owner->second.empty()) owned_.erase(owner);
}

void PendingChanges::BeginScope() {
  CAIRN_ASSERT(!in_scope_);
  in_scope_ = true;
  undo_.clear();
}

void PendingChanges::CommitScope() {
  CAIRN_ASSERT(in_scope_);
  in_scope_ = false;
  undo_.clear();
}

void PendingChanges::RollbackScope() {
  CAIRN_ASSERT(in_scope_);
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
    SetLatest(it->first, std::move(it->second));
    order_.pop_back();
  }
  in_scope_ = false;
  undo_.clear();
}

}  // namespace cairn::znode
