// client-lib/detail/client_impl.h: the Boost.Asio shell around SessionCore:
// resolves and connects to the host the core names, writes what it queues,
// feeds it what arrives and the time, and runs its deliveries. Internal.
//
// Everything here runs on one strand; the only state touched from other
// threads is the Snapshot, behind its mutex (held for copies only, never
// around a callback). Lifetime: shared_ptr, kept alive by its pending
// handlers and by Client handles.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "base/thread_annotations.h"
#include "client-lib/session_core.h"

namespace cairn::client::detail {

class ClientImpl : public std::enable_shared_from_this<ClientImpl> {
 public:
  struct Snapshot {
    SessionState state = SessionState::kConnecting;
    int64_t session_id = 0;
    std::string password;
    int32_t negotiated_timeout_ms = 0;
  };

  ClientImpl(boost::asio::any_io_executor executor, SessionConfig config);

  void Start();
  // Runs fn(core, now_ms) on the strand, then carries out the core's output.
  template <typename F>
  void Run(F fn) {
    boost::asio::post(strand_, [self = shared_from_this(), fn = std::move(fn)]() mutable {
      fn(self->core_, self->NowMs());
      self->Pump();
    });
  }
  Snapshot snapshot() const;
  // Immutable, so callers build requests on their own thread.
  const Chroot& chroot() const { return chroot_; }
  // Ids for SessionCore::AddListener, handed out on the caller's thread.
  uint64_t NextListenerId() { return ++listener_ids_; }

 private:
  // One TCP connection, by the core's connection id. Handlers hold it, so a
  // closed connection's late completions find their own buffers.
  struct Conn {
    Conn(boost::asio::any_io_executor ex, uint64_t id) : socket(ex), resolver(ex), id(id) {}
    boost::asio::ip::tcp::socket socket;
    boost::asio::ip::tcp::resolver resolver;
    uint64_t id;
    bool open = false;
    bool writing = false;
    std::string out;   // being written
    std::string next;  // queued behind it
    std::array<char, 64 * 1024> buf;
  };

  int64_t NowMs() const;
  void Pump();
  void CloseConn();
  void StartConnect(const HostPort& host, uint64_t id);
  void StartRead(std::shared_ptr<Conn> conn);
  void StartWrite(std::shared_ptr<Conn> conn);
  void ArmTimer();

  const Chroot chroot_;
  std::atomic<uint64_t> listener_ids_{0};
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::steady_timer timer_;
  int64_t armed_deadline_ms_ = INT64_MAX;
  std::chrono::steady_clock::time_point epoch_;
  SessionCore core_;
  std::shared_ptr<Conn> conn_;
  std::string host_;  // of conn_, for log lines

  // Copies for other threads; the strand writes, anyone reads.
  mutable std::mutex snapshot_mu_;
  Snapshot snapshot_ CAIRN_GUARDED_BY(snapshot_mu_);
};

}  // namespace cairn::client::detail
