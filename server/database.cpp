#include "server/database.h"

namespace cairn::server {

Database::Applied Database::Apply(const znode::Txn& txn, int64_t now_ms) {
  Applied out;
  znode::WatchFires fires;
  out.result = znode::ApplyTxn(tree_, txn, &fires);
  if (const auto* cs = std::get_if<znode::CreateSessionTxn>(&txn.body)) {
    sessions_.Add(txn.header.session_id, cs->timeout_ms, cs->passwd, now_ms);
  } else if (std::holds_alternative<znode::CloseSessionTxn>(txn.body)) {
    sessions_.Remove(txn.header.session_id);
  }
  for (const auto& f : fires) watches_.Fire(f, &out.notifications);
  if (std::holds_alternative<znode::CloseSessionTxn>(txn.body)) {
    watches_.RemoveSession(txn.header.session_id);
  }
  prep_.Applied(txn.header.zxid);
  return out;
}

}  // namespace cairn::server
