// session/session_table.h: the session table: ids, passwords, negotiated
// timeouts and expiry buckets (ZooKeeper's SessionTrackerImpl and
// ExpiryQueue). Pure: time comes in as milliseconds from the caller's
// clock, so ticks drive expiry deterministically. Owned by the core thread.
//
// Expiry is bucketed: a touch moves a session to the bucket at
// RoundUp(now + timeout) on a tick_ms grid, and Expire(now) takes every
// bucket at or before now, so expiry costs O(expired) per tick.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace cairn::session {

struct Session {
  int64_t id = 0;
  int32_t timeout_ms = 0;
  std::string passwd;  // 16 bytes
  int64_t expires_at_ms = 0;
  bool closing = false;  // a closeSession txn is on its way
};

class SessionTable {
 public:
  explicit SessionTable(int64_t tick_ms);

  // ZooKeeper's id layout: server id in the top byte, then the start time.
  void InitIdGenerator(int64_t server_id, int64_t now_ms);
  int64_t NextSessionId();

  // Called when a createSession txn applies.
  void Add(int64_t id, int32_t timeout_ms, std::string passwd, int64_t now_ms);
  // Called when a closeSession txn applies.
  void Remove(int64_t id);

  const Session* Find(int64_t id) const;
  // True if the session is live (known and not closing); then its expiry
  // moves to now + its timeout.
  bool Touch(int64_t id, int64_t now_ms);
  // A reconnect may renegotiate the timeout.
  void SetTimeout(int64_t id, int32_t timeout_ms, int64_t now_ms);
  void MarkClosing(int64_t id);

  // Sessions whose expiry is at or before now_ms; they are marked closing.
  std::vector<int64_t> Expire(int64_t now_ms);

  size_t size() const { return sessions_.size(); }
  const std::unordered_map<int64_t, Session>& all() const { return sessions_; }

 private:
  int64_t RoundUp(int64_t t) const { return (t / tick_ms_ + 1) * tick_ms_; }
  void MoveToBucket(Session& s, int64_t expires_at_ms);

  int64_t tick_ms_;
  int64_t next_id_ = 1;
  std::unordered_map<int64_t, Session> sessions_;
  std::map<int64_t, std::set<int64_t>> buckets_;  // expiry time -> session ids
};

}  // namespace cairn::session
