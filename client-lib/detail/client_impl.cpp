#include "client-lib/detail/client_impl.h"

#include <spdlog/spdlog.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "base/hex.h"

namespace cairn::client::detail {

namespace asio = boost::asio;
using asio::ip::tcp;

ClientImpl::ClientImpl(asio::any_io_executor executor, SessionConfig config)
    : chroot_(config.chroot),
      strand_(asio::make_strand(executor)),
      timer_(strand_),
      epoch_(std::chrono::steady_clock::now()),
      core_(std::move(config)) {}

int64_t ClientImpl::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               epoch_)
      .count();
}

void ClientImpl::Start() {
  Run([](SessionCore& core, int64_t now) { core.Start(now); });
}

ClientImpl::Snapshot ClientImpl::snapshot() const {
  std::lock_guard lock(snapshot_mu_);
  return snapshot_;
}

void ClientImpl::Pump() {
  CoreOutput out = core_.TakeOutput();
  if (!out.lost_reason.empty()) {
    spdlog::info("client: connection lost host={} session={} reason=\"{}\"", host_,
                 Hex(core_.session_id()), out.lost_reason);
  }
  if (out.close) CloseConn();
  if (!out.send.empty() && conn_ && conn_->open) {
    conn_->next.append(out.send);
    StartWrite(conn_);
  }
  if (out.connect_to) StartConnect(*out.connect_to, core_.connection_id());
  {
    std::lock_guard lock(snapshot_mu_);
    snapshot_.state = core_.state();
    snapshot_.session_id = core_.session_id();
    if (snapshot_.password != core_.password()) snapshot_.password = core_.password();
    snapshot_.negotiated_timeout_ms = core_.negotiated_timeout_ms();
  }
  ArmTimer();
  // Last, so that the core is in a settled state if a callback calls back in
  // (which posts: it runs after this pump).
  for (auto& delivery : out.deliveries) delivery();
}

void ClientImpl::CloseConn() {
  if (!conn_) return;
  boost::system::error_code ignored;
  conn_->resolver.cancel();
  conn_->socket.close(ignored);
  conn_->open = false;
  conn_.reset();
}

void ClientImpl::StartConnect(const HostPort& host, uint64_t id) {
  CloseConn();
  conn_ = std::make_shared<Conn>(strand_, id);
  host_ = host.ToString();
  auto conn = conn_;
  conn->resolver.async_resolve(
      host.host, std::to_string(host.port),
      asio::bind_executor(strand_, [self = shared_from_this(), conn](
                                       const boost::system::error_code& ec,
                                       tcp::resolver::results_type endpoints) {
        if (ec) {
          self->core_.OnConnectFailed(conn->id, "resolve: " + ec.message(), self->NowMs());
          self->Pump();
          return;
        }
        asio::async_connect(
            conn->socket, endpoints,
            asio::bind_executor(self->strand_, [self, conn](const boost::system::error_code& ec,
                                                            const tcp::endpoint&) {
              if (ec) {
                self->core_.OnConnectFailed(conn->id, "connect: " + ec.message(), self->NowMs());
              } else {
                boost::system::error_code ignored;
                conn->socket.set_option(tcp::no_delay(true), ignored);
                conn->open = true;
                self->core_.OnConnected(conn->id, self->NowMs());
              }
              self->Pump();
              if (!ec && conn->open) self->StartRead(conn);
            }));
      }));
}

void ClientImpl::StartRead(std::shared_ptr<Conn> conn) {
  conn->socket.async_read_some(
      asio::buffer(conn->buf),
      asio::bind_executor(strand_, [self = shared_from_this(), conn](
                                       const boost::system::error_code& ec, size_t n) {
        if (ec) {
          self->core_.OnConnectionLost(conn->id, "read: " + ec.message(), self->NowMs());
        } else {
          self->core_.OnReceived(conn->id, std::string_view(conn->buf.data(), n), self->NowMs());
        }
        self->Pump();
        if (!ec && conn->open) self->StartRead(conn);
      }));
}

void ClientImpl::StartWrite(std::shared_ptr<Conn> conn) {
  if (conn->writing || conn->next.empty()) return;
  conn->writing = true;
  conn->out.swap(conn->next);
  conn->next.clear();
  asio::async_write(
      conn->socket, asio::buffer(conn->out),
      asio::bind_executor(
          strand_, [self = shared_from_this(), conn](const boost::system::error_code& ec, size_t) {
            conn->writing = false;
            conn->out.clear();
            if (ec) {
              self->core_.OnConnectionLost(conn->id, "write: " + ec.message(), self->NowMs());
              self->Pump();
              return;
            }
            if (conn->open) self->StartWrite(conn);
          }));
}

void ClientImpl::ArmTimer() {
  int64_t deadline = core_.NextDeadlineMs();
  if (IsFinal(core_.state())) {
    // Nothing is timed any more: an armed wait would only keep the
    // io_context (and a BlockingClient's destructor) busy until it fires.
    if (armed_deadline_ms_ != INT64_MAX) timer_.cancel();
    armed_deadline_ms_ = INT64_MAX;
    return;
  }
  // Re-arming costs a syscall; a timer set earlier than needed just fires and
  // re-arms, so only an earlier deadline replaces the armed one.
  if (deadline >= armed_deadline_ms_) return;
  armed_deadline_ms_ = deadline;
  if (deadline == INT64_MAX) return;
  timer_.expires_at(epoch_ + std::chrono::milliseconds(deadline));
  timer_.async_wait(asio::bind_executor(
      strand_, [self = shared_from_this(), deadline](const boost::system::error_code& ec) {
        if (ec || self->armed_deadline_ms_ != deadline) return;  // replaced by an earlier one
        self->armed_deadline_ms_ = INT64_MAX;
        self->core_.OnTimer(self->NowMs());
        self->Pump();
      }));
}

}  // namespace cairn::client::detail
