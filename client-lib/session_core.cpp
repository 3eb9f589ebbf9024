#include "client-lib/session_core.h"

#include <algorithm>
#include <utility>

#include "base/assert.h"
#include "proto/codes.h"
#include "proto/records.h"

namespace cairn::client {

using proto::JuteReader;
using proto::JuteWriter;
using proto::OpCode;

namespace {

constexpr int32_t kMinConnectTimeoutMs = 500;

}  // namespace

SessionCore::SessionCore(SessionConfig config)
    : config_(std::move(config)),
      rng_(config_.seed),
      session_id_(config_.session_id),
      password_(config_.password),
      decoder_(config_.max_reply_bytes) {
  CAIRN_ASSERT(!config_.hosts.empty());
  // Fisher-Yates, so that clients spread over the ensemble.
  for (size_t i = config_.hosts.size(); i > 1; --i) {
    std::swap(config_.hosts[i - 1], config_.hosts[rng_.Below(i)]);
  }
  if (password_.empty()) password_.assign(16, '\0');
  negotiated_timeout_ms_ = config_.session_timeout_ms;
  RecomputeTimeouts();
}

void SessionCore::RecomputeTimeouts() {
  int32_t t = std::max(negotiated_timeout_ms_, 1);
  ping_interval_ms_ = std::max(t / 3, 1);
  read_timeout_ms_ = std::max(t * 2 / 3, 1);
  connect_timeout_ms_ =
      std::max(t / static_cast<int32_t>(config_.hosts.size()), kMinConnectTimeoutMs);
}

void SessionCore::Start(int64_t now_ms) {
  if (phase_ != Phase::kIdle) return;
  ConnectNext(now_ms);
}

void SessionCore::ConnectNext(int64_t now_ms) {
  ++conn_;
  phase_ = Phase::kConnecting;
  phase_deadline_ms_ = now_ms + connect_timeout_ms_;
  decoder_ = proto::FrameDecoder(config_.max_reply_bytes);
  out_.connect_to = config_.hosts[host_index_];
  host_index_ = (host_index_ + 1) % config_.hosts.size();
}

void SessionCore::OnConnectFailed(uint64_t conn, const std::string& why, int64_t now_ms) {
  if (conn != conn_ || phase_ != Phase::kConnecting) return;
  Lost(why, now_ms);
}

void SessionCore::OnConnected(uint64_t conn, int64_t now_ms) {
  if (conn != conn_ || phase_ != Phase::kConnecting) return;
  phase_ = Phase::kHandshake;
  phase_deadline_ms_ = now_ms + connect_timeout_ms_;
  last_recv_ms_ = now_ms;
  proto::ConnectRequest req;
  req.protocol_version = 0;
  req.last_zxid_seen = last_zxid_;
  req.timeout_ms = config_.session_timeout_ms;
  req.session_id = session_id_;
  req.passwd = password_;
  req.read_only = false;
  size_t at = proto::FrameWriter::Begin(&out_.send);
  JuteWriter w(&out_.send);
  req.Write(w);
  proto::FrameWriter::End(&out_.send, at);
  zxid_at_connect_ = last_zxid_;
  last_send_ms_ = now_ms;
}

void SessionCore::OnReceived(uint64_t conn, std::string_view bytes, int64_t now_ms) {
  if (conn != conn_ ||
      (phase_ != Phase::kHandshake && phase_ != Phase::kConnected && phase_ != Phase::kClosing)) {
    return;
  }
  last_recv_ms_ = now_ms;
  decoder_.Feed(bytes);
  while (conn == conn_ && phase_ != Phase::kFinal) {
    std::optional<std::string> frame = decoder_.Next();
    if (!frame) {
      if (decoder_.failed()) Lost("bad reply frame: " + decoder_.error(), now_ms);
      return;
    }
    HandleFrame(*frame, now_ms);
  }
}

void SessionCore::OnConnectionLost(uint64_t conn, const std::string& why, int64_t now_ms) {
  if (conn != conn_) return;
  Lost(why, now_ms);
}

void SessionCore::Lost(const std::string& why, int64_t now_ms) {
  if (phase_ == Phase::kFinal || phase_ == Phase::kIdle || phase_ == Phase::kBackoff) return;
  out_.lost_reason = why;  // the driver logs it; the core has no logger
  out_.close = true;
  if (phase_ == Phase::kClosing) {
    Finish(SessionState::kClosed, ErrorCode::kConnectionLoss);
    return;
  }
  bool had_session = phase_ == Phase::kConnected;
  while (!in_flight_.empty()) {
    Call call = std::move(in_flight_.front().call);
    in_flight_.pop_front();
    Fail(call, ErrorCode::kConnectionLoss);
  }
  while (!auth_replies_.empty()) {
    auto done = std::move(auth_replies_.front());
    auth_replies_.pop_front();
    if (done) out_.deliveries.push_back([done] { done(ErrorCode::kConnectionLoss); });
  }
  if (had_session) {
    attempts_ = 0;
    if (!suspended_reported_) Report(SessionState::kSuspended);
    suspended_reported_ = true;
  }
  // Bounded exponential backoff with full jitter, so that clients of a
  // failed server do not all arrive at the next one together.
  int shift = std::min(attempts_, 16);
  int64_t cap = std::min<int64_t>(static_cast<int64_t>(config_.backoff_initial_ms) << shift,
                                  config_.backoff_max_ms);
  ++attempts_;
  phase_ = Phase::kBackoff;
  phase_deadline_ms_ = now_ms + static_cast<int64_t>(rng_.Below(static_cast<uint64_t>(cap) + 1));
}

void SessionCore::OnTimer(int64_t now_ms) {
  // Requests that waited too long for a connection.
  while (!waiting_.empty() && waiting_.front().deadline_ms <= now_ms) {
    Call call = std::move(waiting_.front().call);
    waiting_.pop_front();
    Fail(call, ErrorCode::kConnectionLoss);
  }
  switch (phase_) {
    case Phase::kBackoff:
      if (now_ms >= phase_deadline_ms_) ConnectNext(now_ms);
      break;
    case Phase::kConnecting:
    case Phase::kHandshake:
      if (now_ms >= phase_deadline_ms_) Lost("connect timeout", now_ms);
      break;
    case Phase::kConnected:
      if (now_ms - last_recv_ms_ >= read_timeout_ms_) {
        Lost("no reply from the server within the read timeout", now_ms);
      } else if (now_ms - last_send_ms_ >= ping_interval_ms_) {
        SendFrame(proto::kPingXid, OpCode::kPing, {});
        last_send_ms_ = now_ms;
      }
      break;
    case Phase::kClosing:
      if (now_ms >= phase_deadline_ms_) {
        out_.close = true;
        Finish(SessionState::kClosed, ErrorCode::kConnectionLoss);
      }
      break;
    case Phase::kIdle:
    case Phase::kFinal:
      break;
  }
}

int64_t SessionCore::NextDeadlineMs() const {
  int64_t next = waiting_.empty() ? INT64_MAX : waiting_.front().deadline_ms;
  switch (phase_) {
    case Phase::kBackoff:
    case Phase::kConnecting:
    case Phase::kHandshake:
    case Phase::kClosing:
      next = std::min(next, phase_deadline_ms_);
      break;
    case Phase::kConnected:
      next = std::min({next, last_recv_ms_ + read_timeout_ms_, last_send_ms_ + ping_interval_ms_});
      break;
    case Phase::kIdle:
    case Phase::kFinal:
      break;
  }
  return next;
}

void SessionCore::Submit(Call call, int64_t now_ms) {
  if (phase_ == Phase::kFinal || phase_ == Phase::kClosing) {
    Fail(call, public_state_ == SessionState::kExpired      ? ErrorCode::kSessionExpired
               : public_state_ == SessionState::kAuthFailed ? ErrorCode::kAuthFailed
                                                            : ErrorCode::kConnectionLoss);
    return;
  }
  if (outstanding() >= config_.max_outstanding) {
    Fail(call, ErrorCode::kThrottled);
    return;
  }
  if (phase_ == Phase::kConnected) {
    SendCall(std::move(call));
    last_send_ms_ = now_ms;
  } else {
    // As long as a connection may take to come back before the session is at
    // risk (the read timeout, 2/3 of the session timeout).
    waiting_.push_back(Waiting{std::move(call), now_ms + read_timeout_ms_});
  }
}

void SessionCore::AddAuth(std::string scheme, std::string auth, std::function<void(ErrorCode)> done,
                          int64_t now_ms) {
  if (phase_ == Phase::kFinal || phase_ == Phase::kClosing) {
    if (done) out_.deliveries.push_back([done] { done(ErrorCode::kConnectionLoss); });
    return;
  }
  // Kept for every reconnect; `done` waits for the first answer.
  auths_.push_back(Auth{std::move(scheme), std::move(auth), std::move(done)});
  if (phase_ == Phase::kConnected) {
    SendAuth(auths_.back());
    last_send_ms_ = now_ms;
  }
}

void SessionCore::Close(std::function<void()> done, int64_t now_ms) {
  if (phase_ == Phase::kFinal) {
    if (done) out_.deliveries.push_back(std::move(done));
    return;
  }
  if (done) close_done_.push_back(std::move(done));
  if (phase_ == Phase::kClosing) return;  // already under way: `done` waits with the first
  if (phase_ == Phase::kConnected) {
    SendFrame(next_xid_++, OpCode::kCloseSession, {});
    phase_ = Phase::kClosing;
    phase_deadline_ms_ = now_ms + std::min(read_timeout_ms_, 2000);
    // Closed as far as the application is concerned: nothing new is sent,
    // so the state says so now (not only once the server has answered).
    Report(SessionState::kClosed);
    return;
  }
  if (phase_ == Phase::kConnecting || phase_ == Phase::kHandshake) out_.close = true;
  Finish(SessionState::kClosed, ErrorCode::kConnectionLoss);
}

std::vector<std::pair<Watcher, WatchEvent>> SessionCore::RemoveLocalWatches(
    proto::WatcherType type, const std::string& path) {
  return watches_.Remove(type, path);
}

void SessionCore::Finish(SessionState final_state, ErrorCode code) {
  if (phase_ == Phase::kFinal) return;
  phase_ = Phase::kFinal;
  ErrorCode pending_code = final_state == SessionState::kClosed ? ErrorCode::kConnectionLoss : code;
  while (!in_flight_.empty()) {
    Call call = std::move(in_flight_.front().call);
    in_flight_.pop_front();
    Fail(call, pending_code);
  }
  while (!waiting_.empty()) {
    Call call = std::move(waiting_.front().call);
    waiting_.pop_front();
    Fail(call, pending_code);
  }
  while (!auth_replies_.empty()) {
    auto done = std::move(auth_replies_.front());
    auth_replies_.pop_front();
    if (done) out_.deliveries.push_back([done, pending_code] { done(pending_code); });
  }
  for (auto& auth : auths_) {
    if (auth.done)
      out_.deliveries.push_back(
          [done = std::move(auth.done), pending_code] { done(pending_code); });
  }
  if (final_state != SessionState::kClosed) {
    KeeperState ks =
        final_state == SessionState::kExpired ? KeeperState::kExpired : KeeperState::kAuthFailed;
    for (auto& w : watches_.TakeAll()) {
      out_.deliveries.push_back([w = std::move(w), ks] {
        w(WatchEvent{EventType::kNone, ks, ""});
      });
    }
  } else {
    watches_.TakeAll();
  }
  if (public_state_ != final_state) Report(final_state);  // kClosed may be told already
  for (auto& done : close_done_) out_.deliveries.push_back(std::move(done));
  close_done_.clear();
}

void SessionCore::AddListener(uint64_t id, SessionListener listener) {
  out_.deliveries.push_back([listener, state = public_state_] { listener(state); });
  listeners_.emplace(id, std::move(listener));
}

void SessionCore::RemoveListener(uint64_t id) { listeners_.erase(id); }

void SessionCore::Report(SessionState state) {
  public_state_ = state;
  if (config_.listener) {
    out_.deliveries.push_back([l = config_.listener, state] { l(state); });
  }
  for (const auto& [id, listener] : listeners_) {
    out_.deliveries.push_back([l = listener, state] { l(state); });
  }
}

void SessionCore::Fail(Call& call, ErrorCode code) {
  out_.deliveries.push_back(call.complete(code, nullptr));
}

CoreOutput SessionCore::TakeOutput() {
  CoreOutput out = std::move(out_);
  out_ = CoreOutput();
  return out;
}

}  // namespace cairn::client
