#include "server/pipeline.h"

#include <spdlog/spdlog.h>

#include "base/assert.h"
#include "base/hex.h"
#include "proto/frame.h"
#include "proto/multi.h"
#include "proto/records.h"
#include "znode/read_ops.h"

namespace cairn::server {

using proto::ErrorCode;
using proto::OpCode;

namespace {

// Starts a reply frame in out (room reserved for body_bytes after the
// header); returns the offset FrameWriter::End needs.
size_t BeginReply(std::string* out, int32_t xid, int64_t zxid, ErrorCode err, size_t body_bytes) {
  out->reserve(20 + body_bytes);
  size_t at = proto::FrameWriter::Begin(out);
  proto::JuteWriter w(out);
  proto::ReplyHeader{xid, zxid, static_cast<int32_t>(err)}.Write(w);
  return at;
}

}  // namespace

std::string ReplyFrame(int32_t xid, int64_t zxid, ErrorCode err, std::string_view body) {
  std::string out;
  size_t at = BeginReply(&out, xid, zxid, err, body.size());
  out.append(body);
  proto::FrameWriter::End(&out, at);
  return out;
}

std::string NotificationFrame(proto::EventType type, const std::string& path) {
  std::string body;
  proto::JuteWriter w(&body);
  proto::WatcherEvent{static_cast<int32_t>(type),
                      static_cast<int32_t>(proto::KeeperState::kSyncConnected), path}
      .Write(w);
  return ReplyFrame(proto::kNotificationXid, -1, ErrorCode::kOk, body);
}

void RequestPipeline::Submit(int64_t session_id, int32_t xid, OpCode op, std::string body,
                             const znode::AuthIds& auth, int64_t now) {
  ++stats_->packets_received;
  auto& queue = queues_[session_id];
  if (!db_->sessions().Touch(session_id, now)) {
    // Answered in its turn, with the zxid current then (behind a pipelined
    // closeSession, that is the close's zxid, as in ZooKeeper).
    Entry e;
    e.xid = xid;
    e.op = op;
    e.submitted_ms = now;
    e.expired = true;
    queue.push_back(std::move(e));
    return Flush(session_id, now);
  }
  bool is_write = znode::IsWriteOp(op) || op == OpCode::kCloseSession;
  Entry entry;
  entry.xid = xid;
  entry.op = op;
  if (!is_write) {
    // A read runs later, in its turn, with the ids the connection had when
    // it was sent; a write is prepped now and needs no copy.
    entry.body = std::move(body);
    entry.auth = auth;
  }
  entry.submitted_ms = now;
  entry.is_write = is_write;
  queue.push_back(std::move(entry));
  if (!is_write) return Flush(session_id, now);

  int64_t zxid = db_->NextZxid();
  int64_t wall = clocks_.wall_ms();
  znode::Txn txn;
  if (op == OpCode::kCloseSession) {
    db_->sessions().MarkClosing(session_id);
    txn = db_->prep().PrepCloseSession(session_id, zxid, wall);
  } else {
    znode::WriteRequest req{op, body, session_id, xid, &auth};
    txn = db_->prep().PrepWrite(req, zxid, wall);
  }
  Propose(std::move(txn), InFlight{{}, true, op, xid, nullptr});
}

void RequestPipeline::SubmitTxn(znode::Txn txn, AppliedFn done) {
  Propose(std::move(txn), InFlight{{}, false, OpCode::kError, 0, std::move(done)});
}

void RequestPipeline::Propose(znode::Txn txn, InFlight meta) {
  CAIRN_ASSERT(log_ != nullptr);
  std::string bytes;
  znode::EncodeTxn(txn, &bytes);
  int64_t zxid = txn.header.zxid;
  CAIRN_ASSERT(in_flight_.empty() || in_flight_.back().txn.header.zxid < zxid);
  meta.txn = std::move(txn);
  in_flight_.push_back(std::move(meta));
  log_->Append(zxid, std::move(bytes));
}

void RequestPipeline::OnDurable(int64_t last_zxid) {
  // Apply strictly in zxid order; each txn's session is flushed before the
  // next txn applies, so a queued read sees exactly its predecessors.
  int64_t now = clocks_.mono_ms();  // once for the whole group commit
  while (!in_flight_.empty() && in_flight_.front().txn.header.zxid <= last_zxid) {
    InFlight f = std::move(in_flight_.front());
    in_flight_.pop_front();
    Complete(f, now);
  }
}

void RequestPipeline::Complete(InFlight& f, int64_t now) {
  Database::Applied applied = db_->Apply(f.txn, now);
  SendNotifications(applied);
  if (!f.from_client) {
    if (f.done) f.done(applied);
    return;
  }
  int64_t session_id = f.txn.header.session_id;
  auto q = queues_.find(session_id);
  if (q != queues_.end()) {
    for (auto& e : q->second) {
      if (e.is_write && !e.done) {
        e.done = true;
        e.reply = WriteReply(f, applied);
        break;
      }
    }
    Flush(session_id, now);
  }
  if (f.op == OpCode::kCloseSession) {
    queues_.erase(session_id);
    out_->CloseAfterFlush(session_id);
  }
}

std::string RequestPipeline::WriteReply(const InFlight& f, const Database::Applied& applied) {
  const auto& r = applied.result;
  int32_t xid = f.xid;
  int64_t zxid = db_->tree().last_processed_zxid();
  if (r.err != ErrorCode::kOk) return ReplyFrame(xid, zxid, r.err, {});
  // Written straight into the frame, sized for path and stat (68 bytes) so
  // that the common replies allocate once.
  std::string out;
  size_t at = BeginReply(&out, xid, zxid, ErrorCode::kOk, 4 + r.path.size() + 68);
  proto::JuteWriter w(&out);
  switch (f.op) {
    case OpCode::kCreate:
      w.String(r.path);
      break;
    case OpCode::kCreate2:
    case OpCode::kCreateTtl:
    case OpCode::kCreateContainer:
      w.String(r.path);
      r.stat.Write(w);
      break;
    case OpCode::kSetData:
    case OpCode::kSetAcl:
      r.stat.Write(w);
      break;
    case OpCode::kCheck:
      r.stat.Write(w);  // ZooKeeper answers a lone check with a SetDataResponse
      break;
    case OpCode::kMulti: {
      proto::MultiResponse m;
      m.results = r.multi;
      m.Write(w);
      break;
    }
    default:  // delete, closeSession: header only
      break;
  }
  proto::FrameWriter::End(&out, at);
  return out;
}

void RequestPipeline::Flush(int64_t session_id, int64_t now) {
  auto q = queues_.find(session_id);
  if (q == queues_.end()) return;
  auto& queue = q->second;
  while (!queue.empty()) {  // bounded by the session's queue length
    Entry& e = queue.front();
    if (e.is_write && !e.done) break;
    bool close = false;
    std::string frame = e.done ? std::move(e.reply) : ExecuteLocal(session_id, e, &close);
    stats_->RecordLatency(now - e.submitted_ms);
    ++stats_->packets_sent;
    bool orphan = e.orphan;
    queue.pop_front();
    if (!orphan && !frame.empty()) out_->Send(session_id, std::move(frame));
    if (close) {
      // An unknown opcode (ZooKeeper answers Unimplemented and drops the
      // connection) or a reply too large to send: the session lives on and
      // may be resumed.
      DropSession(session_id);  // in-flight writes keep their slots, as orphans
      out_->CloseAfterFlush(session_id);
      return;
    }
  }
  if (queue.empty()) queues_.erase(q);
}

std::string RequestPipeline::ExecuteLocal(int64_t session_id, const Entry& e, bool* close) {
  int64_t zxid = db_->tree().last_processed_zxid();
  if (e.expired) return ReplyFrame(e.xid, zxid, ErrorCode::kSessionExpired, {});
  switch (e.op) {
    case OpCode::kPing:
      return ReplyFrame(proto::kPingXid, zxid, ErrorCode::kOk, {});
    case OpCode::kSync: {
      proto::PathRequest req;
      proto::JuteReader r(e.body);
      req.Read(r);
      if (!r.ok()) return ReplyFrame(e.xid, zxid, ErrorCode::kMarshallingError, {});
      return ReplyFrame(e.xid, zxid, ErrorCode::kOk, proto::Encode(req));
    }
    case OpCode::kWhoAmI: {
      std::string body;
      proto::JuteWriter w(&body);
      w.Count(static_cast<int32_t>(e.auth.size()));
      for (const auto& id : e.auth) {
        // A digest id shows its user name only.
        std::string user = id.scheme == "digest" ? id.id.substr(0, id.id.find(':')) : id.id;
        proto::ClientInfo{id.scheme, user}.Write(w);
      }
      return ReplyFrame(e.xid, zxid, ErrorCode::kOk, body);
    }
    default:
      break;
  }
  if (!znode::IsTreeReadOp(e.op)) {
    spdlog::warn("unknown request type op={} session={}: closing its connection",
                 static_cast<int32_t>(e.op), Hex(session_id));
    *close = true;
    return ReplyFrame(e.xid, -1, ErrorCode::kUnimplemented, {});
  }
  std::vector<znode::Notification> immediate;
  znode::ReadContext ctx{db_->tree(), db_->watches(), session_id, e.auth, &immediate,
                         kMaxReplyBytes};
  znode::ReadReply rep = znode::ExecuteRead(e.op, e.body, ctx);
  if (rep.too_large) {
    spdlog::warn("reply to op={} session={} would exceed {} bytes: closing its connection",
                 static_cast<int32_t>(e.op), Hex(session_id), kMaxReplyBytes);
    *close = true;
    return {};
  }
  for (const auto& n : immediate) out_->Send(n.session_id, NotificationFrame(n.type, n.path));
  return ReplyFrame(e.xid, zxid, rep.err, rep.body);
}

void RequestPipeline::SendNotifications(const Database::Applied& applied) {
  for (const auto& n : applied.notifications) {
    const znode::AuthIds* auth = out_->AuthOf(n.session_id);
    if (auth == nullptr) continue;  // not connected: nowhere to send it
    if (n.fire >= 0 && !znode::CheckAcl(applied.fires[static_cast<size_t>(n.fire)].acl,
                                        proto::perms::kRead, *auth)) {
      continue;  // the session may not read the node: it learns nothing of it
    }
    out_->Send(n.session_id, NotificationFrame(n.type, n.path));
  }
}

void RequestPipeline::DropSession(int64_t session_id) {
  auto q = queues_.find(session_id);
  if (q == queues_.end()) return;
  // Writes still in flight keep their slot (their txns will apply); queued
  // reads are dropped with the connection.
  auto& queue = q->second;
  std::deque<Entry> kept;
  for (auto& e : queue) {
    if (e.is_write && !e.done) {
      e.orphan = true;
      kept.push_back(std::move(e));
    }
  }
  if (kept.empty()) {
    queues_.erase(q);
  } else {
    queue = std::move(kept);
  }
}

}  // namespace cairn::server
