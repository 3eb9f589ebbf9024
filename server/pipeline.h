// server/pipeline.h: the request pipeline of one server: prep -> txn ->
// commit log -> apply -> reply, and local reads. Core thread only.
//
// Ordering: each session's replies leave in the order its requests came
// (ZooKeeper's FIFO client order). A write is prepped at once, so many
// writes of a session can be in flight; a read waits until every earlier
// request of its session has completed, then runs against the tree as it is
// at that moment. Watch notifications that a txn triggers are sent before
// that txn's reply, so a client sees the event before the new data.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>

#include "proto/codes.h"
#include "server/commit_log.h"
#include "server/database.h"
#include "server/stats.h"
#include "znode/acl.h"

namespace cairn::server {

// Where the pipeline's output goes: the connection registry.
class SessionOutput {
 public:
  virtual ~SessionOutput() = default;
  // Queues one frame for session's connection; dropped if it has none.
  virtual void Send(int64_t session_id, std::string frame) = 0;
  // The session is gone (closed or expired): close its connection once
  // everything queued for it is written.
  virtual void CloseAfterFlush(int64_t session_id) = 0;
  // The ids the session's connection has proven, or nullptr if it has none.
  virtual const znode::AuthIds* AuthOf(int64_t session_id) const = 0;
};

class RequestPipeline {
 public:
  using Clock = std::function<int64_t()>;  // milliseconds
  // wall: txn times (ctime/mtime). mono: session expiry and latencies, which
  // must not jump when the wall clock is stepped.
  struct Clocks {
    Clock wall_ms;
    Clock mono_ms;
  };
  using AppliedFn = std::function<void(const Database::Applied&)>;

  RequestPipeline(Database* db, SessionOutput* out, ServerStats* stats, Clocks clocks)
      : db_(db), out_(out), stats_(stats), clocks_(std::move(clocks)) {}

  void set_log(CommitLog* log) { log_ = log; }

  // A request of an established session (not auth: the connection answers
  // that itself, as ZooKeeper does), received at now_mono_ms (the caller
  // has read the clock already: one read a request, not one a step).
  void Submit(int64_t session_id, int32_t xid, proto::OpCode op, std::string body,
              const znode::AuthIds& auth, int64_t now_mono_ms);
  // A txn the server itself originates (createSession, expiry, sweeper),
  // already prepped; done runs once it has applied.
  void SubmitTxn(znode::Txn txn, AppliedFn done);
  // The log made every txn up to last_zxid durable.
  void OnDurable(int64_t last_zxid);
  // The session's connection went away: forget its queued reads.
  void DropSession(int64_t session_id);

  size_t outstanding() const { return in_flight_.size(); }
  // Requests of session not yet answered (the connection stops reading
  // while this is at or above kMaxQueuedPerSession).
  size_t QueuedFor(int64_t session_id) const {
    auto it = queues_.find(session_id);
    return it == queues_.end() ? 0 : it->second.size();
  }
  static constexpr size_t kMaxQueuedPerSession = 1000;
  // The largest read reply built (a connection's output limit).
  static constexpr size_t kMaxReplyBytes = 64 << 20;

 private:
  struct Entry {
    int32_t xid = 0;
    proto::OpCode op = proto::OpCode::kError;
    std::string body;
    znode::AuthIds auth;
    int64_t submitted_ms = 0;
    bool is_write = false;
    bool done = false;
    bool orphan = false;  // its connection is gone: drop the reply
    bool expired = false;  // the session was closing or gone when it came
    std::string reply;  // the reply frame, once done
  };
  struct InFlight {
    znode::Txn txn;
    bool from_client;
    proto::OpCode op;  // the client's opcode, for the reply shape
    int32_t xid;       // the client's xid
    AppliedFn done;
  };

  void Propose(znode::Txn txn, InFlight meta);
  void Complete(InFlight& f, int64_t now_mono_ms);
  void Flush(int64_t session_id, int64_t now_mono_ms);
  // Runs a queued read; sets *close when the connection must be dropped.
  std::string ExecuteLocal(int64_t session_id, const Entry& e, bool* close);
  std::string WriteReply(const InFlight& f, const Database::Applied& applied);
  void SendNotifications(const Database::Applied& applied);

  Database* db_;
  SessionOutput* out_;
  ServerStats* stats_;
  Clocks clocks_;
  CommitLog* log_ = nullptr;
  std::unordered_map<int64_t, std::deque<Entry>> queues_;
  std::deque<InFlight> in_flight_;  // in zxid order
};

// Encodes ReplyHeader + body as one frame.
std::string ReplyFrame(int32_t xid, int64_t zxid, proto::ErrorCode err, std::string_view body);
// Encodes a watch notification frame.
std::string NotificationFrame(proto::EventType type, const std::string& path);

}  // namespace cairn::server
