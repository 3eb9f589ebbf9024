#include "server/database.h"

namespace cairn::server {

void Database::Reset() {
  tree_.Reset();
  sessions_ = session::SessionTable(tick_ms_);
  watches_ = znode::WatchRegistry();
  last_assigned_zxid_ = 0;
}

void Database::set_last_zxid(int64_t zxid) {
  last_assigned_zxid_ = zxid;
  tree_.set_last_processed_zxid(zxid);
  prep_.Applied(zxid);
}

Database::Applied Database::Apply(const znode::Txn& txn, int64_t now_mono_ms) {
  Applied out;
  // With no watch anywhere there is nothing to fire: the triggers (a path
  // and an ACL copied for each) are not even recorded.
  out.result = znode::ApplyTxn(tree_, txn, watches_.empty() ? nullptr : &out.fires);
  if (const auto* cs = std::get_if<znode::CreateSessionTxn>(&txn.body)) {
    sessions_.Add(txn.header.session_id, cs->timeout_ms, cs->passwd, now_mono_ms);
  } else if (std::holds_alternative<znode::CloseSessionTxn>(txn.body)) {
    sessions_.Remove(txn.header.session_id);
  }
  for (size_t i = 0; i < out.fires.size(); ++i) {
    watches_.Fire(out.fires[i], static_cast<int32_t>(i), &out.notifications);
  }
  if (std::holds_alternative<znode::CloseSessionTxn>(txn.body)) {
    watches_.RemoveSession(txn.header.session_id);
  }
  prep_.Applied(txn.header.zxid);
  return out;
}

}  // namespace cairn::server
