// server/database.h: the replicated state of one server: the DataTree, the
// session table, the watch registry and prep's view of the future, plus the
// zxid counter. Owned by the core thread; not thread-safe.
//
// Apply is the only way a committed txn changes this state: it applies the
// tree part through znode::ApplyTxn, the session part to the session table,
// and turns the watch triggers into notifications for the caller to send
// before it sends the txn's reply.
#pragma once

#include <cstdint>
#include <vector>

#include "session/session_table.h"
#include "znode/apply.h"
#include "znode/data_tree.h"
#include "znode/prep.h"
#include "znode/watch_registry.h"

namespace cairn::server {

class Database {
 public:
  Database(int64_t tick_ms, znode::PrepOptions prep_options)
      : tick_ms_(tick_ms), sessions_(tick_ms), prep_(&tree_, prep_options) {}

  // Recovery: forget everything (before loading another snapshot), and
  // continue numbering after the last recovered zxid.
  // REQUIRES: nothing in flight (recovery runs before serving).
  void Reset();
  void set_last_zxid(int64_t zxid);

  struct Applied {
    znode::ApplyResult result;
    znode::WatchFires fires;  // what the txn triggered, with the ACLs to check
    std::vector<znode::Notification> notifications;  // n.fire indexes fires
  };
  // now_mono_ms: the monotonic clock, for a new session's expiry bucket.
  Applied Apply(const znode::Txn& txn, int64_t now_mono_ms);

  // The zxid of the next txn (epoch 0 until ZAB assigns epochs).
  int64_t NextZxid() { return ++last_assigned_zxid_; }
  int64_t last_assigned_zxid() const { return last_assigned_zxid_; }

  znode::DataTree& tree() { return tree_; }
  const znode::DataTree& tree() const { return tree_; }
  const session::SessionTable& sessions() const { return sessions_; }
  znode::WatchRegistry& watches() { return watches_; }
  session::SessionTable& sessions() { return sessions_; }
  znode::Prep& prep() { return prep_; }

 private:
  int64_t tick_ms_;
  znode::DataTree tree_;
  znode::WatchRegistry watches_;
  session::SessionTable sessions_;
  znode::Prep prep_;
  int64_t last_assigned_zxid_ = 0;
};

}  // namespace cairn::server
