#include "session/session_table.h"

#include "base/assert.h"

namespace cairn::session {

SessionTable::SessionTable(int64_t tick_ms) : tick_ms_(tick_ms) { CAIRN_ASSERT(tick_ms > 0); }

void SessionTable::InitIdGenerator(int64_t server_id, int64_t now_ms) {
  auto time_part = static_cast<uint64_t>(now_ms) << 24 >> 8;
  next_id_ = static_cast<int64_t>(time_part | (static_cast<uint64_t>(server_id) << 56));
}

int64_t SessionTable::NextSessionId() {
  while (next_id_ == 0 || sessions_.count(next_id_)) ++next_id_;  // bounded by table size
  return next_id_++;
}

void SessionTable::MoveToBucket(Session& s, int64_t expires_at_ms) {
  if (s.expires_at_ms == expires_at_ms) return;
  if (s.expires_at_ms != 0) {
    auto it = buckets_.find(s.expires_at_ms);
    if (it != buckets_.end()) {
      it->second.erase(s.id);
      if (it->second.empty()) buckets_.erase(it);
    }
  }
  s.expires_at_ms = expires_at_ms;
  buckets_[expires_at_ms].insert(s.id);
}

void SessionTable::Add(int64_t id, int32_t timeout_ms, std::string passwd, int64_t now_ms) {
  Session& s = sessions_[id];
  s.id = id;
  s.timeout_ms = timeout_ms;
  s.passwd = std::move(passwd);
  s.closing = false;
  MoveToBucket(s, RoundUp(now_ms + timeout_ms));
}

void SessionTable::Remove(int64_t id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  auto b = buckets_.find(it->second.expires_at_ms);
  if (b != buckets_.end()) {
    b->second.erase(id);
    if (b->second.empty()) buckets_.erase(b);
  }
  sessions_.erase(it);
}

const Session* SessionTable::Find(int64_t id) const {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : &it->second;
}

bool SessionTable::Touch(int64_t id, int64_t now_ms) {
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.closing) return false;
  Session& s = it->second;
  int64_t at = RoundUp(now_ms + s.timeout_ms);
  if (at > s.expires_at_ms) MoveToBucket(s, at);
  return true;
}

void SessionTable::SetTimeout(int64_t id, int32_t timeout_ms, int64_t now_ms) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  it->second.timeout_ms = timeout_ms;
  MoveToBucket(it->second, RoundUp(now_ms + timeout_ms));
}

void SessionTable::MarkClosing(int64_t id) {
  auto it = sessions_.find(id);
  if (it != sessions_.end()) it->second.closing = true;
}

std::vector<int64_t> SessionTable::Expire(int64_t now_ms) {
  std::vector<int64_t> out;
  while (!buckets_.empty() && buckets_.begin()->first <= now_ms) {
    for (int64_t id : buckets_.begin()->second) {
      auto it = sessions_.find(id);
      if (it == sessions_.end() || it->second.closing) continue;
      it->second.closing = true;
      out.push_back(id);
    }
    buckets_.erase(buckets_.begin());
  }
  for (int64_t id : out) sessions_[id].expires_at_ms = 0;
  return out;
}

}  // namespace cairn::session
