#include "client/fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <random>
#include <stdexcept>

namespace cairn::client::testing {

cairn::testing::ServerProcess& Server() {
  static std::unique_ptr<cairn::testing::ServerProcess> server;
  if (!server) {
    cairn::testing::ServerOptions options;
    options.kind = cairn::testing::TestServerKind();
    server = std::make_unique<cairn::testing::ServerProcess>(options);
  }
  return *server;
}

std::unique_ptr<BlockingClient> Connect(const std::string& chroot, ClientOptions options) {
  options.connect_string = Server().Hosts() + chroot;
  auto c = BlockingClient::Connect(std::move(options), kDeadline);
  INFO("connecting to " << Server().Hosts() << chroot << " ("
                        << cairn::testing::ServerKindName(cairn::testing::TestServerKind()) << ")");
  if (!c) FAIL(c.error().ToString());
  return std::move(c.value());
}

std::string TestRoot(BlockingClient& c) {
  std::random_device rd;
  std::string path = "/t-" + std::to_string(rd()) + std::to_string(rd());
  auto r = c.Create(path, "root");
  REQUIRE(r.code == ErrorCode::kOk);
  return path;
}

Watcher Events::watcher() {
  return [this](const WatchEvent& e) {
    {
      std::lock_guard lock(mu_);
      events_.push_back(e);
    }
    changed_.notify_all();
  };
}

SessionListener Events::listener() {
  return [this](SessionState s) {
    {
      std::lock_guard lock(mu_);
      states_.push_back(s);
    }
    changed_.notify_all();
  };
}

std::optional<WatchEvent> Events::Next(Millis wait) {
  std::unique_lock lock(mu_);
  if (!changed_.wait_for(lock, wait, [&] { return !events_.empty(); })) return std::nullopt;
  WatchEvent e = events_.front();
  events_.pop_front();
  return e;
}

bool Events::WaitState(SessionState s, Millis wait) {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, wait, [&] {
    while (!states_.empty() && states_.front() != s) states_.pop_front();
    if (states_.empty()) return false;
    states_.pop_front();
    return true;
  });
}

size_t Events::pending() const {
  std::lock_guard lock(mu_);
  return events_.size();
}

TcpProxy::TcpProxy(int upstream_port) : upstream_port_(upstream_port) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 ||
      listen(listen_fd_, 16) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    throw std::runtime_error("TcpProxy: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

TcpProxy::~TcpProxy() {
  stopping_ = true;
  Cut(true);
  shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  close(listen_fd_);
  for (auto& t : threads_) t.join();
  for (int fd : fds_) close(fd);
}

void TcpProxy::Cut(bool refuse) {
  refusing_ = refuse;
  std::lock_guard lock(mu_);
  for (int fd : fds_) shutdown(fd, SHUT_RDWR);
}

void TcpProxy::AcceptLoop() {
  // Bounded by the proxy's life: the destructor shuts the listening socket down.
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    if (refusing_) {
      close(client);
      continue;
    }
    int up = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(upstream_port_));
    if (connect(up, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
      close(client);
      close(up);
      continue;
    }
    std::lock_guard lock(mu_);
    fds_.push_back(client);
    fds_.push_back(up);
    auto pump = [](int from, int to) {
      char buf[16384];
      while (true) {
        ssize_t n = read(from, buf, sizeof(buf));
        if (n <= 0) break;
        if (write(to, buf, static_cast<size_t>(n)) != n) break;
      }
      shutdown(to, SHUT_RDWR);
      shutdown(from, SHUT_RDWR);
    };
    threads_.emplace_back(pump, client, up);
    threads_.emplace_back(pump, up, client);
  }
}

std::unique_ptr<BlockingClient> ConnectVia(const TcpProxy& proxy, int32_t session_timeout_ms,
                                           SessionListener listener) {
  ClientOptions options;
  options.connect_string = proxy.hosts();
  options.session_timeout_ms = session_timeout_ms;
  options.listener = std::move(listener);
  auto c = BlockingClient::Connect(std::move(options), kDeadline);
  if (!c) FAIL(c.error().ToString());
  return std::move(c.value());
}

bool WaitUntil(const std::function<bool()>& done, Millis wait) {
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return done();
    std::this_thread::sleep_for(Millis(10));
  }
}

}  // namespace cairn::client::testing
