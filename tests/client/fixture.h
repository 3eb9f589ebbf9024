// Shared helpers for client-lib's tests against a real server: which server (Cairn, or
// Apache ZooKeeper when CAIRN_TEST_SERVER=zookeeper), blocking sessions on it, a per-test
// root znode, a thread-safe queue of watch and session events, and a loopback TCP proxy
// that tests cut to make a client lose its connection without touching the server.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client-lib/blocking_client.h"
#include "support/server_process.h"

namespace cairn::client::testing {

using Millis = std::chrono::milliseconds;
inline constexpr Millis kDeadline{10000};
inline constexpr Millis kQuiet{300};

// The server of this test process, started on first use (kind from CAIRN_TEST_SERVER).
cairn::testing::ServerProcess& Server();

// A connected blocking session on Server() (plus chroot), or a failed REQUIRE.
std::unique_ptr<BlockingClient> Connect(const std::string& chroot = "", ClientOptions options = {});
// A fresh persistent znode for one test, "/t-<random>".
std::string TestRoot(BlockingClient& c);

// Records watch events and session states, waits for them.
class Events {
 public:
  Watcher watcher();
  SessionListener listener();
  // The next event (in arrival order), waiting up to `wait`.
  std::optional<WatchEvent> Next(Millis wait = kDeadline);
  // Waits for a session state; states before it are dropped.
  bool WaitState(SessionState s, Millis wait = kDeadline);
  size_t pending() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::deque<WatchEvent> events_;
  std::deque<SessionState> states_;
};

// Forwards 127.0.0.1:port() to an upstream port, one thread per direction.
class TcpProxy {
 public:
  explicit TcpProxy(int upstream_port);
  ~TcpProxy();
  int port() const { return port_; }
  std::string hosts() const { return "127.0.0.1:" + std::to_string(port_); }
  // Closes every forwarded connection; with refuse=true, new ones are closed at once too.
  void Cut(bool refuse);
  void Accept() { refusing_ = false; }

 private:
  void AcceptLoop();
  int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> refusing_{false};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

// A session through `proxy` (so a test can cut it), with this timeout.
std::unique_ptr<BlockingClient> ConnectVia(const TcpProxy& proxy, int32_t session_timeout_ms,
                                           SessionListener listener = nullptr);
// Polls `done` every 10 ms until it holds or `wait` has passed; its last value.
bool WaitUntil(const std::function<bool()>& done, Millis wait = kDeadline);

}  // namespace cairn::client::testing
