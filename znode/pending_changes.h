// znode/pending_changes.h: the tree "as it will be" once every outstanding
// txn applies: an overlay of change records over the committed DataTree.
// Pure; owned by Prep on the core thread.
//
// Prep adds a record for every node a txn changes; ApplyCommitted(zxid)
// drops the records of txns that are now in the tree. A multi opens a
// scope so that its records can be rolled back when one of its ops fails.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "proto/records.h"
#include "znode/data_tree.h"

namespace cairn::znode {

struct ChangeRecord {
  int64_t zxid = 0;
  std::string path;
  bool exists = false;
  proto::Stat stat;         // version, cversion, aversion, ephemeralOwner, pzxid...
  int32_t child_count = 0;
  proto::AclList acl;
};

class PendingChanges {
 public:
  explicit PendingChanges(const DataTree* tree) : tree_(tree) {}

  // The node at path as it will be: from the overlay, else from the tree.
  // nullopt if it will not exist.
  std::optional<ChangeRecord> Get(const std::string& path) const;
  void Add(ChangeRecord record);

  // Paths that session's ephemerals will have (tree + overlay).
  std::vector<std::string> EphemeralsOf(int64_t session_id) const;

  // Forget records of txns with zxid <= applied_zxid (they are in the tree).
  void ApplyCommitted(int64_t applied_zxid);

  void BeginScope();
  void CommitScope();
  void RollbackScope();

  size_t size() const { return order_.size(); }

 private:
  // Sets (or, with nullopt, drops) the latest record of path, keeping
  // owned_ in step.
  void SetLatest(const std::string& path, std::optional<ChangeRecord> record);
  using Records = std::unordered_map<std::string, ChangeRecord>;
  // Drops a latest record whose txn has applied.
  void Drop(Records::iterator it);
  // Takes path out of owned_ if rec (its latest record) put it there.
  void Disown(const std::string& path, const ChangeRecord& rec);

  const DataTree* tree_;
  Records latest_;
  // owner -> paths whose latest record exists with that ephemeralOwner.
  std::unordered_map<int64_t, std::unordered_set<std::string>> owned_;
  std::deque<std::pair<int64_t, std::string>> order_;
  bool in_scope_ = false;
  // For rollback: the record each scoped Add replaced (nullopt if none).
  std::vector<std::pair<std::string, std::optional<ChangeRecord>>> undo_;
};

}  // namespace cairn::znode
