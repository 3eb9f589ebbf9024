// client-lib/session_io.cpp: SessionCore's frames: what it writes (the
// handshake, requests, pings, auth, SetWatches) and how it reads replies.
#include <algorithm>
#include <utility>

#include "base/hex.h"
#include "client-lib/session_core.h"
#include "proto/records.h"

namespace cairn::client {

using proto::JuteReader;
using proto::JuteWriter;
using proto::OpCode;

namespace {

// SetWatches requests are split so that none comes near jute.maxbuffer
// (ZooKeeper's client splits at 128 KiB as well).
constexpr size_t kSetWatchesBatchBytes = 128 * 1024;

}  // namespace

void SessionCore::SendFrame(int32_t xid, OpCode op, std::string_view body) {
  size_t at = proto::FrameWriter::Begin(&out_.send);
  JuteWriter w(&out_.send);
  proto::RequestHeader{xid, static_cast<int32_t>(op)}.Write(w);
  out_.send.append(body);
  proto::FrameWriter::End(&out_.send, at);
}

void SessionCore::SendCall(Call call) {
  int32_t xid = next_xid_;
  // Positive xids only: the negative ones are ZooKeeper's special replies.
  next_xid_ = next_xid_ == INT32_MAX ? 1 : next_xid_ + 1;
  SendFrame(xid, call.op, call.body);
  in_flight_.push_back(InFlight{xid, std::move(call)});
}

void SessionCore::SendAuth(Auth& auth) {
  std::string body;
  JuteWriter w(&body);
  proto::AuthPacket{0, auth.scheme, auth.auth}.Write(w);
  SendFrame(proto::kAuthXid, OpCode::kAuth, body);
  auth_replies_.push_back(std::move(auth.done));
  auth.done = nullptr;
}

void SessionCore::SendSetWatches() {
  if (watches_.empty()) return;
  struct Kind {
    WatchKind kind;
    std::vector<std::string> proto::SetWatchesRequest::*list;
  };
  static constexpr Kind kKinds[] = {
      {WatchKind::kData, &proto::SetWatchesRequest::data_watches},
      {WatchKind::kExist, &proto::SetWatchesRequest::exist_watches},
      {WatchKind::kChild, &proto::SetWatchesRequest::child_watches},
      {WatchKind::kPersistent, &proto::SetWatchesRequest::persistent_watches},
      {WatchKind::kPersistentRecursive, &proto::SetWatchesRequest::persistent_recursive_watches},
  };
  proto::SetWatchesRequest batch;
  size_t batch_bytes = 0;
  auto flush = [&] {
    if (batch_bytes == 0) return;
    batch.relative_zxid = last_zxid_;
    // SetWatches2 only when the batch carries persistent watches, so that a
    // pre-3.6 server still understands the rest.
    bool v2 = !batch.persistent_watches.empty() || !batch.persistent_recursive_watches.empty();
    std::string body;
    JuteWriter w(&body);
    batch.Write(w, v2);
    SendFrame(proto::kSetWatchesXid, v2 ? OpCode::kSetWatches2 : OpCode::kSetWatches, body);
    batch = proto::SetWatchesRequest();
    batch_bytes = 0;
  };
  for (const Kind& k : kKinds) {
    for (const std::string& path : watches_.Paths(k.kind)) {
      std::string server_path = config_.chroot.ToServer(path);
      if (batch_bytes + server_path.size() + 4 > kSetWatchesBatchBytes) flush();
      batch_bytes += server_path.size() + 4;
      (batch.*k.list).push_back(std::move(server_path));
    }
  }
  flush();
}

void SessionCore::HandleFrame(const std::string& frame, int64_t now_ms) {
  if (phase_ == Phase::kHandshake) {
    HandleHandshake(frame, now_ms);
    return;
  }
  JuteReader r(frame);
  proto::ReplyHeader header;
  header.Read(r);
  if (!r.ok()) {
    Lost("reply shorter than its header", now_ms);
    return;
  }
  if (header.xid != proto::kNotificationXid && header.zxid > 0) {
    if (header.zxid < zxid_at_connect_) {
      Lost("server is behind: it replied at zxid " + Hex(header.zxid) + ", this client has seen " +
               Hex(zxid_at_connect_),
           now_ms);
      return;
    }
    last_zxid_ = std::max(last_zxid_, header.zxid);
  }
  switch (header.xid) {
    case proto::kNotificationXid:
      HandleNotification(r);
      if (!r.ok()) Lost("malformed watch event", now_ms);
      return;
    case proto::kPingXid:
    case proto::kSetWatchesXid:
      return;
    case proto::kAuthXid: {
      std::function<void(ErrorCode)> done;
      if (!auth_replies_.empty()) {
        done = std::move(auth_replies_.front());
        auth_replies_.pop_front();
      }
      auto code = static_cast<ErrorCode>(header.err);
      if (done) out_.deliveries.push_back([done, code] { done(code); });
      if (code == ErrorCode::kAuthFailed) {
        out_.close = true;
        Finish(SessionState::kAuthFailed, ErrorCode::kAuthFailed);
      }
      return;
    }
    default:
      break;
  }
  if (in_flight_.empty() || in_flight_.front().xid != header.xid) {
    if (phase_ == Phase::kClosing && in_flight_.empty()) {
      // The closeSession reply.
      out_.close = true;
      Finish(SessionState::kClosed, ErrorCode::kConnectionLoss);
      return;
    }
    Lost("reply xid " + std::to_string(header.xid) + " does not match the oldest request (" +
             (in_flight_.empty() ? std::string("none") : std::to_string(in_flight_.front().xid)) +
             ")",
         now_ms);
    return;
  }
  Call call = std::move(in_flight_.front().call);
  in_flight_.pop_front();
  auto code = static_cast<ErrorCode>(header.err);
  Delivery delivery = call.complete(code, &r);
  if (!r.ok()) {
    Fail(call, ErrorCode::kMarshallingError);
    Lost(std::string("malformed ") + proto::OpCodeName(call.op) + " reply", now_ms);
    return;
  }
  if (call.watch) {
    WatchRegistration& reg = *call.watch;
    if (code == ErrorCode::kOk) {
      watches_.Add(reg.on_ok, reg.path, std::move(reg.watcher));
    } else if (code == ErrorCode::kNoNode && reg.exist_on_no_node) {
      watches_.Add(WatchKind::kExist, reg.path, std::move(reg.watcher));
    }
  }
  if (call.removes_watches && code == ErrorCode::kOk) {
    for (auto& [w, ev] :
         watches_.Remove(call.removes_watches->first, call.removes_watches->second)) {
      out_.deliveries.push_back([w = std::move(w), ev = std::move(ev)] { w(ev); });
    }
  }
  out_.deliveries.push_back(std::move(delivery));
}

void SessionCore::HandleHandshake(const std::string& frame, int64_t now_ms) {
  JuteReader r(frame);
  proto::ConnectResponse resp;
  resp.Read(r);
  if (!r.ok()) {
    Lost("malformed ConnectResponse", now_ms);
    return;
  }
  if (resp.timeout_ms <= 0) {
    out_.close = true;
    Finish(SessionState::kExpired, ErrorCode::kSessionExpired);
    return;
  }
  bool resumed = public_state_ != SessionState::kConnecting;
  session_id_ = resp.session_id;
  password_ = resp.passwd;
  negotiated_timeout_ms_ = resp.timeout_ms;
  RecomputeTimeouts();
  phase_ = Phase::kConnected;
  phase_deadline_ms_ = INT64_MAX;
  attempts_ = 0;
  suspended_reported_ = false;
  Report(resumed ? SessionState::kReconnected : SessionState::kConnected);
  // Watches first, then credentials, then what waited: the server handles
  // them in this order, so a waiting request already runs with both.
  SendSetWatches();
  for (Auth& auth : auths_) SendAuth(auth);
  while (!waiting_.empty()) {
    SendCall(std::move(waiting_.front().call));
    waiting_.pop_front();
  }
  last_send_ms_ = now_ms;
}

void SessionCore::HandleNotification(JuteReader& r) {
  proto::WatcherEvent ev;
  ev.Read(r);
  if (!r.ok()) return;
  auto type = static_cast<EventType>(ev.type);
  std::string path = config_.chroot.ToClient(ev.path);
  for (Watcher& w : watches_.Fire(type, path)) {
    out_.deliveries.push_back([w = std::move(w), type, path] {
      w(WatchEvent{type, KeeperState::kSyncConnected, path});
    });
  }
}

}  // namespace cairn::client
