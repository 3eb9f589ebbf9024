// server/connection.h: one client TCP connection. Core thread only.
//
// A thin IO shell: a socket, a sans-IO FrameDecoder that refuses frames
// above jute.maxbuffer before buffering them, and a bounded output queue.
// Reads pause while the queue holds more than kOutputSoftLimitBytes and the
// connection is closed if it ever exceeds kOutputHardLimitBytes (a client
// that never reads). Whatever is wrong with the bytes a client sends, only
// this connection is closed, with one log line. Lifetime: shared_ptr, kept
// alive by its pending handlers; the Server's registry holds weak refs.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "proto/codes.h"
#include "proto/frame.h"
#include "znode/acl.h"

namespace cairn::server {

class Server;

// ZooKeeper's short name of an opcode, as cons prints it ("GETD", ...).
const char* LastOpCode(proto::OpCode op);

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  static constexpr size_t kOutputSoftLimitBytes = 4 << 20;
  static constexpr size_t kOutputHardLimitBytes = 64 << 20;
  static constexpr int kCloseLingerMs = 2000;

  Connection(boost::asio::ip::tcp::socket socket, Server* server, uint64_t id, size_t max_frame);

  void Start();
  void Send(std::string frame);
  // Closes once the output queue has drained.
  void CloseAfterFlush();
  // Closes now; the server forgets the connection on the next loop turn.
  // reason goes to the log when non-empty.
  void Close(const std::string& reason);

  uint64_t id() const { return id_; }
  int64_t session_id() const { return session_id_; }
  void set_session(int64_t id, int32_t timeout_ms) {
    session_id_ = id;
    timeout_ms_ = timeout_ms;
  }
  int32_t timeout_ms() const { return timeout_ms_; }
  const std::string& remote_ip() const { return remote_ip_; }
  int remote_port() const { return remote_port_; }
  znode::AuthIds& auth() { return auth_; }
  const znode::AuthIds& auth() const { return auth_; }
  bool handshake_done() const { return handshake_done_; }
  // The session is set up: frames buffered behind the ConnectRequest run.
  void set_handshake_done();
  void set_old_client(bool old) { old_client_ = old; }
  bool old_client() const { return old_client_; }
  bool closed() const { return closed_; }

  // Counters for stat and cons, as ZooKeeper's ServerCnxn keeps them.
  struct Counters {
    int64_t packets_received = 0;
    int64_t packets_sent = 0;
    std::string last_op = "NA";
    int32_t last_cxid = -1;
    int64_t last_zxid = -1;
    int64_t last_request_ms = 0;   // monotonic clock
    int64_t last_response_ms = 0;  // monotonic clock
    int64_t last_latency_ms = 0;
    int64_t latency_min_ms = 0;
    int64_t latency_max_ms = 0;
    int64_t latency_total_ms = 0;
    int64_t latency_count = 0;
  };
  Counters counters;
  int64_t established_ms = 0;

 private:
  void DoRead();
  void OnRead(const boost::system::error_code& ec, size_t n);
  void ScheduleWrite();
  void DoWrite();
  void OnWrite(const boost::system::error_code& ec, size_t n);
  bool HandleFrame(std::string frame);
  void ProcessFrames();
  bool AwaitingSession() const;
  bool MaybeFourLetterWord();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer close_timer_;
  Server* server_;
  uint64_t id_;
  proto::FrameDecoder decoder_;
  std::string remote_ip_;
  int remote_port_ = 0;
  char read_buf_[16384];
  bool reading_ = false;
  bool throttled_ = false;  // too many unanswered requests: reads paused
  std::deque<std::string> out_queue_;
  size_t out_bytes_ = 0;
  bool writing_ = false;
  bool write_scheduled_ = false;  // a DoWrite is posted
  bool close_after_flush_ = false;
  bool closed_ = false;
  bool handshake_started_ = false;
  bool handshake_done_ = false;
  bool old_client_ = false;
  bool saw_first_bytes_ = false;
  int64_t session_id_ = 0;
  int32_t timeout_ms_ = 0;
  znode::AuthIds auth_;
};

}  // namespace cairn::server
