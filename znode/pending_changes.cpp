#include "znode/pending_changes.h"

#include <set>

#include "base/assert.h"

namespace cairn::znode {

std::optional<ChangeRecord> PendingChanges::Get(const std::string& path) const {
  auto it = latest_.find(path);
  if (it != latest_.end()) {
    if (!it->second.exists) return std::nullopt;
    return it->second;
  }
  const Node* node = tree_->Find(path);
  if (node == nullptr) return std::nullopt;
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
  r.stat.data_length = static_cast<int32_t>(node->data.size());
  r.stat.num_children = static_cast<int32_t>(node->children.size());
  r.child_count = static_cast<int32_t>(node->children.size());
  r.acl = tree_->AclOf(*node);
  return r;
}

void PendingChanges::Add(ChangeRecord record) {
  if (in_scope_) {
    auto it = latest_.find(record.path);
    undo_.emplace_back(record.path,
                       it == latest_.end() ? std::nullopt : std::optional<ChangeRecord>(it->second));
  }
  order_.emplace_back(record.zxid, record.path);
  std::string path = record.path;
  latest_[path] = std::move(record);
}

std::vector<std::string> PendingChanges::EphemeralsOf(int64_t session_id) const {
  std::set<std::string> paths(tree_->EphemeralsOf(session_id).begin(),
                              tree_->EphemeralsOf(session_id).end());
  // The latest record of a path decides: it will be this session's
  // ephemeral only if it exists and this session owns it.
  for (const auto& [path, rec] : latest_) {
    if (rec.exists && rec.stat.ephemeral_owner == session_id) {
      paths.insert(path);
    } else {
      paths.erase(path);
    }
  }
  return {paths.begin(), paths.end()};
}

void PendingChanges::ApplyCommitted(int64_t applied_zxid) {
  while (!order_.empty() && order_.front().first <= applied_zxid) {
    auto it = latest_.find(order_.front().second);
    if (it != latest_.end() && it->second.zxid == order_.front().first) latest_.erase(it);
    order_.pop_front();
  }
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
    if (it->second) {
      latest_[it->first] = std::move(*it->second);
    } else {
      latest_.erase(it->first);
    }
    order_.pop_back();
  }
  in_scope_ = false;
  undo_.clear();
}

}  // namespace cairn::znode
