#include "server/connection.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "base/hex.h"
#include "proto/records.h"
#include "server/server.h"

namespace cairn::server {

namespace asio = boost::asio;

Connection::Connection(asio::ip::tcp::socket socket, Server* server, uint64_t id, size_t max_frame)
    : socket_(std::move(socket)),
      close_timer_(socket_.get_executor()),
      server_(server),
      id_(id),
      decoder_(max_frame) {
  boost::system::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  if (!ec) {
    remote_ip_ = ep.address().to_string();
    remote_port_ = ep.port();
  }
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  auth_.push_back(proto::Id{"ip", remote_ip_});
}

void Connection::Start() { DoRead(); }

const char* LastOpCode(proto::OpCode op) {
  using proto::OpCode;
  switch (op) {
    case OpCode::kPing: return "PING";
    case OpCode::kCreate:
    case OpCode::kCreate2:
    case OpCode::kCreateTtl:
    case OpCode::kCreateContainer: return "CREA";
    case OpCode::kDelete: return "DELE";
    case OpCode::kSetData: return "SETD";
    case OpCode::kSetAcl: return "SETA";
    case OpCode::kGetAcl: return "GETA";
    case OpCode::kGetData: return "GETD";
    case OpCode::kGetChildren:
    case OpCode::kGetChildren2: return "GETC";
    case OpCode::kExists: return "EXIS";
    case OpCode::kMulti: return "MULT";
    case OpCode::kMultiRead: return "MLTR";
    case OpCode::kSync: return "SYNC";
    case OpCode::kSetWatches: return "SETW";
    case OpCode::kSetWatches2: return "STW2";
    case OpCode::kAddWatch: return "ADDW";
    case OpCode::kCheckWatches: return "CHKW";
    case OpCode::kRemoveWatches: return "REMW";
    case OpCode::kWhoAmI: return "HOMI";
    case OpCode::kGetEphemerals: return "GETE";
    case OpCode::kGetAllChildrenNumber: return "GETACN";
    case OpCode::kCheck: return "CHEC";
    case OpCode::kCloseSession: return "CLOS";
    case OpCode::kAuth: return "AUTH";
    default: return "UNKN";
  }
}

void Connection::DoRead() {
  if (closed_ || reading_ || close_after_flush_) return;
  if (out_bytes_ > kOutputSoftLimitBytes) return;  // resumed by OnWrite
  if (handshake_done_ &&
      server_->pipeline().QueuedFor(session_id_) >= RequestPipeline::kMaxQueuedPerSession) {
    throttled_ = true;  // resumed by Send once replies drain the queue
    return;
  }
  reading_ = true;
  socket_.async_read_some(asio::buffer(read_buf_),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      size_t n) { self->OnRead(ec, n); });
}

void Connection::OnRead(const boost::system::error_code& ec, size_t n) {
  reading_ = false;
  if (closed_) return;
  if (ec) {
    Close(ec == asio::error::eof ? "" : "read failed: " + ec.message());
    return;
  }
  decoder_.Feed(std::string_view(read_buf_, n));
  if (!saw_first_bytes_ && MaybeFourLetterWord()) return;
  ProcessFrames();
}

bool Connection::AwaitingSession() const { return handshake_started_ && !handshake_done_; }

void Connection::ProcessFrames() {
  // While the session is being set up, later frames stay buffered and reads
  // pause, as ZooKeeper does (Java clients send auth and setWatches right
  // behind their ConnectRequest).
  // After a failed auth (close_after_flush_) nothing more runs, as ZooKeeper
  // stops reading then.
  while (!closed_ && !close_after_flush_ && !AwaitingSession()) {  // bounded by the bytes buffered
    auto frame = decoder_.Next();
    if (!frame) break;
    saw_first_bytes_ = true;
    ++counters.packets_received;
    if (!HandleFrame(std::move(*frame))) return;
  }
  if (closed_ || close_after_flush_) return;
  if (decoder_.failed()) {
    Close("malformed frame: " + decoder_.error());
    return;
  }
  if (AwaitingSession()) return;  // resumed by set_handshake_done
  DoRead();
}

void Connection::set_handshake_done() {
  handshake_done_ = true;
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->ProcessFrames(); });
}

bool Connection::MaybeFourLetterWord() {
  std::string_view buffered = decoder_.buffered();
  if (buffered.size() < 4) return false;
  saw_first_bytes_ = true;
  std::string word(buffered.substr(0, 4));
  if (!server_->IsFourLetterWord(word)) return false;
  ++counters.packets_received;
  Send(server_->RunFourLetterWord(word, this));
  CloseAfterFlush();
  return true;
}

bool Connection::HandleFrame(std::string frame) {
  proto::JuteReader r(frame);
  if (!handshake_started_) {
    handshake_started_ = true;
    proto::ConnectRequest req;
    req.Read(r);
    if (!r.ok()) {
      Close("malformed connect request (" + std::to_string(frame.size()) + " bytes)");
      return false;
    }
    server_->OnConnectRequest(shared_from_this(), req);
    return !closed_;
  }
  proto::RequestHeader hdr;
  hdr.Read(r);
  if (!r.ok()) {
    Close("malformed request header");
    return false;
  }
  // The body is the rest of the frame: drop the header in place rather than
  // copy the body into a string of its own.
  frame.erase(0, frame.size() - r.remaining());
  std::string body = std::move(frame);
  auto op = static_cast<proto::OpCode>(hdr.type);
  counters.last_op = LastOpCode(op);
  counters.last_cxid = hdr.xid;
  int64_t now = server_->MonoMs();
  counters.last_request_ms = now;
  if (op == proto::OpCode::kAuth) {
    server_->OnAuth(shared_from_this(), hdr.xid, body);
    return !closed_;
  }
  server_->pipeline().Submit(session_id_, hdr.xid, op, std::move(body), auth_, now);
  return !closed_;
}

void Connection::Send(std::string frame) {
  if (closed_) return;
  out_bytes_ += frame.size();
  ++counters.packets_sent;
  if (handshake_done_ && frame.size() >= 20) {
    proto::JuteReader r(std::string_view(frame).substr(4, 16));
    proto::ReplyHeader hdr;
    hdr.Read(r);
    if (hdr.xid != proto::kNotificationXid) {
      int64_t now = server_->MonoMs();
      int64_t lat = std::max<int64_t>(0, now - counters.last_request_ms);
      counters.last_zxid = hdr.zxid;
      counters.last_response_ms = now;  // as ZooKeeper's lresp: Time.currentElapsedTime()
      counters.last_latency_ms = lat;
      if (counters.latency_count == 0 || lat < counters.latency_min_ms) counters.latency_min_ms = lat;
      if (lat > counters.latency_max_ms) counters.latency_max_ms = lat;
      counters.latency_total_ms += lat;
      ++counters.latency_count;
    }
  }
  out_queue_.push_back(std::move(frame));
  if (out_bytes_ > kOutputHardLimitBytes) {
    Close("output queue above " + std::to_string(kOutputHardLimitBytes) + " bytes: client not reading");
    return;
  }
  if (throttled_ &&
      server_->pipeline().QueuedFor(session_id_) < RequestPipeline::kMaxQueuedPerSession / 2) {
    throttled_ = false;
    DoRead();
  }
  ScheduleWrite();
}

// Replies are produced in bursts (a group commit completes many txns at
// once): writing at the end of the burst sends each connection's share in
// one system call instead of one for the first frame and one for the rest.
void Connection::ScheduleWrite() {
  if (write_scheduled_ || writing_ || closed_) return;
  write_scheduled_ = true;
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->write_scheduled_ = false;
    self->DoWrite();
  });
}

void Connection::DoWrite() {
  if (writing_ || closed_ || out_queue_.empty()) return;
  writing_ = true;
  std::vector<asio::const_buffer> bufs;
  size_t n = std::min<size_t>(out_queue_.size(), 64);
  bufs.reserve(n);
  for (size_t i = 0; i < n; ++i) bufs.push_back(asio::buffer(out_queue_[i]));
  asio::async_write(socket_, bufs,
                    [self = shared_from_this(), n](const boost::system::error_code& ec, size_t) {
                      self->OnWrite(ec, n);
                    });
}

void Connection::OnWrite(const boost::system::error_code& ec, size_t n) {
  writing_ = false;
  if (closed_) return;
  if (ec) {
    Close("write failed: " + ec.message());
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    out_bytes_ -= out_queue_.front().size();
    out_queue_.pop_front();
  }
  if (out_queue_.empty() && close_after_flush_) {
    Close("");
    return;
  }
  DoWrite();
  DoRead();
}

void Connection::CloseAfterFlush() {
  if (closed_ || close_after_flush_) return;
  close_after_flush_ = true;
  if (!writing_ && out_queue_.empty()) {
    Close("");
    return;
  }
  // A client that stops reading must not keep the socket (and its queued
  // output) forever.
  close_timer_.expires_after(std::chrono::milliseconds(kCloseLingerMs));
  close_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->Close("did not read its last replies within " + std::to_string(kCloseLingerMs) + " ms");
  });
}

void Connection::Close(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  if (!reason.empty()) {
    spdlog::warn("closing connection remote={}:{} session={} reason=\"{}\"", remote_ip_,
                 remote_port_, Hex(session_id_), reason);
  }
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  close_timer_.cancel();
  // The server forgets the connection on a later turn of the event loop, so
  // that Close may be called from anywhere (inside the pipeline's Flush, a
  // Send over the output limit) without changing state under the caller.
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->server_->OnConnectionClosed(self.get());
  });
}

}  // namespace cairn::server
