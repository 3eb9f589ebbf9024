// client-lib/session_core.h: one ZooKeeper session as a sans-IO state
// machine: xids, the queue of requests in flight, reply matching, watches,
// pings, failover with backoff, session resumption and watch re-registration.
// Pure (no sockets, no clock, no threads): the driver feeds it bytes,
// connection results and the time, and carries out what it asks. Not
// thread-safe; the Asio driver (client.h) calls it from one strand only.
//
// Driver contract. After every input, call TakeOutput() and carry it out in
// this order: close the connection if asked, write `send`, start connecting
// to `connect_to` if set, then run `deliveries` in order (they hold the
// application's callbacks, so the core is never on the stack when one runs).
// Call OnTimer once NextDeadlineMs() has passed. Every connection carries the
// id the core gave it; inputs naming an older connection are ignored, so a
// late read from a closed socket cannot confuse a newer one.
//
// Failure semantics (as ZooKeeper's Java client):
//  - A lost connection fails every request in flight with kConnectionLoss and
//    reports kSuspended; the core then tries the next host after a bounded,
//    jittered backoff and resumes the session with its id and password.
//  - Requests made while there is no connection wait, bounded in number, up
//    to the read timeout (2/3 of the session timeout); then they fail with
//    kConnectionLoss.
//  - A server that says the session expired ends it: everything fails with
//    kSessionExpired, every watcher gets a kExpired event, no reconnect.
//  - A server whose replies carry a zxid below what this client has already
//    seen is behind; the core drops that connection and moves on.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/rng.h"
#include "client-lib/connect_string.h"
#include "client-lib/types.h"
#include "client-lib/watch_table.h"
#include "proto/frame.h"
#include "proto/jute.h"

namespace cairn::client {

using Delivery = std::function<void()>;

struct SessionConfig {
  std::vector<HostPort> hosts;  // tried in an order shuffled by `seed`
  Chroot chroot;
  int32_t session_timeout_ms = 10000;
  // Nonzero: resume this session (id and password from an earlier client).
  int64_t session_id = 0;
  std::string password;
  // Replies above this size close the connection (ZooKeeper's jute.maxbuffer
  // on the client side).
  size_t max_reply_bytes = 4 << 20;
  // Requests in flight plus waiting for a connection; more fail kThrottled.
  size_t max_outstanding = 100000;
  int32_t backoff_initial_ms = 50;
  int32_t backoff_max_ms = 2000;
  uint64_t seed = 0;
  SessionListener listener;  // may be empty
};

// What a watch-setting read registers once its reply is in.
struct WatchRegistration {
  std::string path;  // client path
  Watcher watcher;
  WatchKind on_ok = WatchKind::kData;
  bool exist_on_no_node = false;  // exists(): a missing node gets an exist watch
};

// One request. `complete` decodes the reply body (nullptr when the library
// fails the request itself) and returns the closure that hands the result to
// the application; it must leave the reader failed if the body is malformed.
struct Call {
  proto::OpCode op = proto::OpCode::kError;
  std::string body;  // the request record that follows the RequestHeader
  std::function<Delivery(ErrorCode, proto::JuteReader*)> complete;
  std::optional<WatchRegistration> watch;
  // removeWatches: on success, the local watchers of this type go too.
  std::optional<std::pair<proto::WatcherType, std::string>> removes_watches;
};

struct CoreOutput {
  bool close = false;                  // close the current connection
  std::string send;                    // bytes to write on the current one
  std::optional<HostPort> connect_to;  // open a new connection (id: connection_id())
  std::vector<Delivery> deliveries;
  // Why the core dropped a connection, for the driver's log (empty if it did not).
  std::string lost_reason;
};

class SessionCore {
 public:
  explicit SessionCore(SessionConfig config);

  // Inputs from the driver; `conn` is the connection id the core handed out.
  void Start(int64_t now_ms);
  void OnConnected(uint64_t conn, int64_t now_ms);
  void OnConnectFailed(uint64_t conn, const std::string& why, int64_t now_ms);
  void OnReceived(uint64_t conn, std::string_view bytes, int64_t now_ms);
  void OnConnectionLost(uint64_t conn, const std::string& why, int64_t now_ms);
  void OnTimer(int64_t now_ms);

  // Inputs from the application.
  void Submit(Call call, int64_t now_ms);
  // addAuth: remembered and sent again on every reconnect.
  void AddAuth(std::string scheme, std::string auth, std::function<void(ErrorCode)> done,
               int64_t now_ms);
  // Closes the session (closeSession), then the connection. `done` runs once
  // the session is closed or could not be told.
  void Close(std::function<void()> done, int64_t now_ms);
  // Watches held locally (removeWatches with local=true).
  std::vector<std::pair<Watcher, WatchEvent>> RemoveLocalWatches(proto::WatcherType type,
                                                                 const std::string& path);
  // More session listeners besides config.listener (recipes use them). A new
  // listener is told the current state at once, then every change.
  void AddListener(uint64_t id, SessionListener listener);
  void RemoveListener(uint64_t id);

  CoreOutput TakeOutput();
  // When OnTimer should next run; INT64_MAX if nothing is timed.
  int64_t NextDeadlineMs() const;

  SessionState state() const { return public_state_; }
  uint64_t connection_id() const { return conn_; }
  int64_t session_id() const { return session_id_; }
  const std::string& password() const { return password_; }
  int32_t negotiated_timeout_ms() const { return negotiated_timeout_ms_; }
  int64_t last_zxid_seen() const { return last_zxid_; }
  size_t outstanding() const { return in_flight_.size() + waiting_.size(); }
  const Chroot& chroot() const { return config_.chroot; }
  const WatchTable& watches() const { return watches_; }

 private:
  enum class Phase { kIdle, kBackoff, kConnecting, kHandshake, kConnected, kClosing, kFinal };
  struct InFlight {
    int32_t xid;
    Call call;
  };
  struct Waiting {
    Call call;
    int64_t deadline_ms;
  };
  struct Auth {
    std::string scheme;
    std::string auth;
    std::function<void(ErrorCode)> done;  // empty once it has been sent
  };

  void ConnectNext(int64_t now_ms);
  void Lost(const std::string& why, int64_t now_ms);
  void Finish(SessionState final_state, ErrorCode code);
  void Report(SessionState state);
  void HandleFrame(const std::string& frame, int64_t now_ms);
  void HandleHandshake(const std::string& frame, int64_t now_ms);
  void HandleNotification(proto::JuteReader& r);
  void HandleReply(const proto::ReplyHeader& header, proto::JuteReader& r);
  void SendFrame(int32_t xid, proto::OpCode op, std::string_view body);
  void SendCall(Call call);
  void SendAuth(Auth& auth);
  void SendSetWatches();
  void Fail(Call& call, ErrorCode code);
  void RecomputeTimeouts();

  SessionConfig config_;
  Rng rng_;
  Phase phase_ = Phase::kIdle;
  SessionState public_state_ = SessionState::kConnecting;
  bool suspended_reported_ = false;
  uint64_t conn_ = 0;
  size_t host_index_ = 0;
  int attempts_ = 0;  // failed connection attempts since the last session
  int64_t phase_deadline_ms_ = INT64_MAX;
  int64_t last_send_ms_ = 0;
  int64_t last_recv_ms_ = 0;
  int32_t ping_interval_ms_ = 0;
  int32_t read_timeout_ms_ = 0;
  int32_t connect_timeout_ms_ = 0;

  int64_t session_id_ = 0;
  std::string password_;
  int32_t negotiated_timeout_ms_ = 0;
  int64_t last_zxid_ = 0;
  int64_t zxid_at_connect_ = 0;
  int32_t next_xid_ = 1;

  proto::FrameDecoder decoder_;
  CoreOutput out_;
  std::deque<InFlight> in_flight_;
  std::deque<Waiting> waiting_;
  std::vector<Auth> auths_;
  std::deque<std::function<void(ErrorCode)>> auth_replies_;  // one per AUTH sent
  std::vector<std::function<void()>> close_done_;            // every Close() caller
  WatchTable watches_;
  std::map<uint64_t, SessionListener> listeners_;
};

}  // namespace cairn::client
