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
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/assert.h"
#include "base/hash.h"
#include "proto/records.h"
#include "znode/data_tree.h"

namespace cairn::znode {

struct ChangeRecord {
  int64_t zxid = 0;
  std::string path;
  bool exists = false;
  proto::Stat stat;  // version, cversion, aversion, ephemeralOwner, pzxid...
  int32_t child_count = 0;
  proto::AclList acl;
};

class PendingChanges {
 public:
  explicit PendingChanges(const DataTree* tree) : tree_(tree) {}

  // The node at path as it will be: from the overlay, else from the tree.
  // nullopt if it will not exist.
  std::optional<ChangeRecord> Get(const std::string& path) const;
  // The same without a copy: the overlay's record, or one built from the
  // tree in a scratch slot. Valid until the next call that is not const.
  // nullptr if it will not exist.
  const ChangeRecord* Peek(const std::string& path);
  // Whether a node will exist at path.
  bool Exists(const std::string& path) const;
  void Add(ChangeRecord record);
  // Records that the txn at zxid changes the node at path (which will
  // exist) as fn(record) says: in place when the overlay holds it, which
  // spares copying its path and ACL. fn must not change the record's path.
  template <typename Fn>
  void Modify(const std::string& path, int64_t zxid, Fn&& fn);

  // Paths that session's ephemerals will have (tree + overlay), sorted.
  std::vector<std::string> EphemeralsOf(int64_t session_id) const;
  // The same unsorted and without copies: fn(const std::string& path) for
  // each. fn must not change the overlay.
  template <typename Fn>
  void ForEachEphemeralOf(int64_t session_id, Fn&& fn) const;

  // The session's close is prepped at zxid: every node it owns by then, in
  // the tree or the overlay, will be gone once that txn applies. One mark
  // for the session instead of a delete record per ephemeral, so that
  // closing sessions with a million ephemerals between them costs a lookup
  // per node and not a record (the parents' records are the caller's). The
  // session must not own anything created after zxid (a closing session's
  // writes are refused).
  void CloseSession(int64_t session_id, int64_t zxid);

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
  // Node-based on purpose: a burst of closing sessions queues a delete
  // record for each of their ephemerals (a million, say), and a flat table
  // sized for that peak would keep a record-sized slot for each of them
  // for good (tried: +100-200 MB of RSS after such a burst).
  using Records = std::unordered_map<std::string, ChangeRecord, BytesHash>;
  // Drops a latest record whose txn has applied.
  void Drop(Records::iterator it);
  // Takes path out of owned_ if rec (its latest record) put it there.
  void Disown(const std::string& path, const ChangeRecord& rec);

  // Whether the node (record or tree node) with that ephemeralOwner is
  // one a prepped close will delete.
  bool Closing(int64_t ephemeral_owner) const {
    return ephemeral_owner != 0 && !closing_.empty() && closing_.count(ephemeral_owner) != 0;
  }
  bool WillExist(const ChangeRecord& rec) const {
    return rec.exists && !Closing(rec.stat.ephemeral_owner);
  }

  // The record of a node that will exist, for Modify: Peek's scratch copy
  // if it is that node's (the usual check-then-modify), else built afresh.
  ChangeRecord TakeRecord(const std::string& path);

  // For rollback, and owned_: what Modify does around fn.
  ChangeRecord* BeginModify(Records::iterator it, int64_t zxid);
  void EndModify(const std::string& path, const ChangeRecord& rec);

  const DataTree* tree_;
  ChangeRecord scratch_;  // Peek's record of a node only the tree has
  bool scratch_valid_ = false;  // until the overlay or the tree changes
  Records latest_;
  // owner -> paths whose latest record exists with that ephemeralOwner.
  std::unordered_map<int64_t, std::unordered_set<std::string, BytesHash>> owned_;
  std::deque<std::pair<int64_t, std::string>> order_;
  // Closing sessions -> the zxid of their close, until it applies.
  std::unordered_map<int64_t, int64_t> closing_;
  bool in_scope_ = false;
  // For rollback: the record each scoped Add replaced (nullopt if none).
  std::vector<std::pair<std::string, std::optional<ChangeRecord>>> undo_;
};

template <typename Fn>
void PendingChanges::Modify(const std::string& path, int64_t zxid, Fn&& fn) {
  auto it = latest_.find(path);
  if (it == latest_.end() || !WillExist(it->second)) {
    ChangeRecord rec = TakeRecord(path);
    rec.zxid = zxid;
    fn(rec);
    Add(std::move(rec));
    return;
  }
  ChangeRecord* rec = BeginModify(it, zxid);
  fn(*rec);
  EndModify(path, *rec);
}

template <typename Fn>
void PendingChanges::ForEachEphemeralOf(int64_t session_id, Fn&& fn) const {
  // The latest record of a path decides: it will be this session's
  // ephemeral only if it exists and this session owns it. The overlay can
  // hold hundreds of thousands of records, so it is never scanned: the
  // tree's ephemerals are checked against it one lookup each, and owned_
  // lists the overlay's own.
  const std::set<std::string>& in_tree = tree_->EphemeralsOf(session_id);
  for (const auto& path : in_tree) {
    auto it = latest_.find(path);
    if (it == latest_.end() || (it->second.exists && it->second.stat.ephemeral_owner == session_id))
      fn(path);
  }
  if (auto mine = owned_.find(session_id); mine != owned_.end()) {
    for (const auto& path : mine->second) {
      if (in_tree.count(path) == 0) fn(path);
    }
  }
}

}  // namespace cairn::znode
