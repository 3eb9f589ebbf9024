#include "server/server.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ip/address.hpp>
#include <chrono>

#include "base/assert.h"
#include "base/hex.h"
#include "proto/frame.h"
#include "server/auth.h"

namespace cairn::server {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr size_t kSweepBatchMax = 10000;  // nodes deleted per sweep, at most
}  // namespace

Server::Server(asio::io_context& io, ServerConfig config, storage::StorageEnv* env)
    : io_(io),
      config_(std::move(config)),
      db_(config_.tick_time_ms, znode::PrepOptions{config_.extended_types_enabled}),
      pipeline_(&db_, this, &stats_,
                RequestPipeline::Clocks{[this] { return NowMs(); }, [this] { return MonoMs(); }}),
      env_(env),
      acceptor_(io),
      tick_timer_(io) {
  const std::string& log_base = config_.data_log_dir.empty() ? config_.data_dir : config_.data_log_dir;
  snapshot_dir_ = config_.data_dir + "/snapshots";
  log_dir_ = log_base + "/txnlog";
  db_.sessions().InitIdGenerator(1, NowMs());  // standalone ZooKeeper uses server id 1
  started_ms_ = MonoMs();
  next_sweep_ms_ = started_ms_ + config_.container_check_interval_ms;
}

Server::~Server() {
  snapshotter_.reset();
  log_.reset();  // finishes the storage thread's queue, then joins it
  if (data_dir_lock_ != nullptr) env_->UnlockFile(data_dir_lock_);
}

int64_t Server::NowMs() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

int64_t Server::MonoMs() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

Result<void> Server::Start() {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(config_.client_port_address, ec);
  if (ec) return InvalidArgument(config_.source + ": clientPortAddress " + config_.client_port_address + ": " + ec.message());
  tcp::endpoint ep(addr, static_cast<uint16_t>(config_.client_port));
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return IoError("cannot listen on " + config_.client_port_address + ":" +
                   std::to_string(config_.client_port) + ": " + ec.message());
  }
  bound_port_ = acceptor_.local_endpoint().port();
  auto storage = OpenStorage();
  if (!storage) return storage;
  spdlog::info("serving clients address={}:{} tickTime={} minSessionTimeout={} maxSessionTimeout={}",
               config_.client_port_address, bound_port_, config_.tick_time_ms,
               config_.MinSessionTimeoutMs(), config_.MaxSessionTimeoutMs());
  DoAccept();
  ScheduleTick();
  return boost::outcome_v2::success();
}

void Server::Stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  tick_timer_.cancel();
  auto conns = connections_;
  for (auto& [id, c] : conns) c->Close("");
}

void Server::DoAccept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      spdlog::warn("accept failed: {}", ec.message());
    } else {
      auto conn = std::make_shared<Connection>(std::move(socket), this, next_connection_id_++,
                                               static_cast<size_t>(config_.jute_max_buffer_bytes));
      int& count = per_ip_[conn->remote_ip()];
      if (config_.max_client_cnxns > 0 && count >= config_.max_client_cnxns) {
        spdlog::warn("too many connections from {} - max is {}", conn->remote_ip(),
                     config_.max_client_cnxns);
        if (count == 0) per_ip_.erase(conn->remote_ip());
        conn.reset();  // never registered: its destructor closes the socket
      } else {
        ++count;
        conn->established_ms = NowMs();
        connections_[conn->id()] = conn;
        conn->Start();
      }
    }
    DoAccept();
  });
}

void Server::OnConnectRequest(const std::shared_ptr<Connection>& conn,
                              const proto::ConnectRequest& req) {
  int64_t last = db_.tree().last_processed_zxid();
  if (req.last_zxid_seen > last) {
    conn->Close("refusing session request: client has seen zxid " + Hex(req.last_zxid_seen) +
                ", our last zxid is " + Hex(last) + "; client must try another server");
    return;
  }
  conn->set_old_client(!req.read_only.has_value());
  int32_t timeout = std::clamp(req.timeout_ms, config_.MinSessionTimeoutMs(),
                               config_.MaxSessionTimeoutMs());
  if (req.session_id == 0) {
    int64_t id = db_.sessions().NextSessionId();
    std::string passwd(16, '\0');
    CAIRN_ASSERT(RAND_bytes(reinterpret_cast<unsigned char*>(passwd.data()), 16) == 1);
    znode::Txn txn = db_.prep().PrepCreateSession(id, timeout, passwd, db_.NextZxid(), NowMs());
    std::weak_ptr<Connection> weak = conn;
    pipeline_.SubmitTxn(std::move(txn), [this, weak, id, timeout, passwd](const Database::Applied&) {
      auto c = weak.lock();
      if (c && !c->closed()) {
        spdlog::info("session established session={} timeout={} remote={}", Hex(id), timeout,
                     c->remote_ip());
        FinishHandshake(c, id, timeout, passwd, true);
      }
    });
    return;
  }
  // Like ZooKeeper, drop the session's current connection before checking
  // the password: the session survives and its owner reconnects.
  if (auto old = by_session_.find(req.session_id); old != by_session_.end()) {
    Connection* prev = old->second;
    DetachSession(req.session_id);
    prev->Close("session " + Hex(req.session_id) + " reconnected on another connection");
  }
  const session::Session* s = db_.sessions().Find(req.session_id);
  bool valid = s != nullptr && !s->closing && s->passwd == req.passwd;
  if (!valid) {
    spdlog::info("refusing session resume session={} reason={}", Hex(req.session_id),
                 s == nullptr || s->closing ? "expired" : "wrong password");
    FinishHandshake(conn, 0, 0, std::string(16, '\0'), false);
    return;
  }
  db_.sessions().SetTimeout(req.session_id, timeout, MonoMs());
  FinishHandshake(conn, req.session_id, timeout, s->passwd, true);
}

void Server::FinishHandshake(const std::shared_ptr<Connection>& conn, int64_t session_id,
                             int32_t timeout_ms, const std::string& passwd, bool valid) {
  proto::ConnectResponse resp;
  resp.protocol_version = 0;
  resp.timeout_ms = valid ? timeout_ms : 0;
  resp.session_id = valid ? session_id : 0;
  resp.passwd = valid ? passwd : std::string(16, '\0');
  if (!conn->old_client()) resp.read_only = false;
  std::string frame;
  size_t at = proto::FrameWriter::Begin(&frame);
  proto::JuteWriter w(&frame);
  resp.Write(w);
  proto::FrameWriter::End(&frame, at);
  conn->Send(std::move(frame));
  if (!valid) {
    conn->CloseAfterFlush();
    return;
  }
  conn->set_session(session_id, timeout_ms);
  by_session_[session_id] = conn.get();
  conn->set_handshake_done();
}

void Server::OnAuth(const std::shared_ptr<Connection>& conn, int32_t xid, const std::string& body) {
  proto::AuthPacket packet;
  proto::JuteReader r(body);
  packet.Read(r);
  int64_t zxid = 0;
  if (!r.ok() || !Authenticate(packet.scheme, packet.auth, config_.super_digest, &conn->auth())) {
    ++auth_failed_count_;
    spdlog::warn("authentication failed session={} scheme={}", Hex(conn->session_id()),
                 packet.scheme);
    conn->Send(ReplyFrame(xid, zxid, proto::ErrorCode::kAuthFailed, {}));
    conn->CloseAfterFlush();
    return;
  }
  conn->Send(ReplyFrame(xid, zxid, proto::ErrorCode::kOk, {}));
}

void Server::OnConnectionClosed(Connection* conn) {
  auto ip = per_ip_.find(conn->remote_ip());
  if (ip != per_ip_.end() && --ip->second <= 0) per_ip_.erase(ip);
  if (auto it = by_session_.find(conn->session_id()); it != by_session_.end() && it->second == conn) {
    DetachSession(conn->session_id());
  }
  connections_.erase(conn->id());  // the caller still holds a reference
}

void Server::Send(int64_t session_id, std::string frame) {
  auto it = by_session_.find(session_id);
  if (it != by_session_.end()) it->second->Send(std::move(frame));
}

const znode::AuthIds* Server::AuthOf(int64_t session_id) const {
  auto it = by_session_.find(session_id);
  return it == by_session_.end() ? nullptr : &it->second->auth();
}

void Server::CloseAfterFlush(int64_t session_id) {
  auto it = by_session_.find(session_id);
  if (it == by_session_.end()) return;
  Connection* c = it->second;
  DetachSession(session_id);
  c->CloseAfterFlush();
}

void Server::DetachSession(int64_t session_id) {
  // Watches live on the connection, as in ZooKeeper: a client that resumes
  // its session elsewhere re-registers them with setWatches.
  by_session_.erase(session_id);
  pipeline_.DropSession(session_id);
  db_.watches().RemoveSession(session_id);
}

void Server::ScheduleTick() {
  // Expiry is checked several times per tick so that a session expires
  // within a fraction of a tick of its bucket.
  int64_t period = std::clamp<int64_t>(config_.tick_time_ms / 4, 10, 500);
  tick_timer_.expires_after(std::chrono::milliseconds(period));
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    OnTick();
    ScheduleTick();
  });
}

void Server::OnTick() {
  int64_t now = MonoMs();
  for (int64_t id : db_.sessions().Expire(now)) {
    spdlog::info("expiring session session={} reason=\"timeout exceeded\"", Hex(id));
    znode::Txn txn = db_.prep().PrepCloseSession(id, db_.NextZxid(), NowMs());
    pipeline_.SubmitTxn(std::move(txn), [this, id](const Database::Applied&) {
      pipeline_.DropSession(id);
      CloseAfterFlush(id);
    });
  }
  if (now >= next_sweep_ms_) {
    next_sweep_ms_ = now + config_.container_check_interval_ms;
    SweepContainers();
  }
}

void Server::SweepContainers() {
  int64_t now = NowMs();
  std::vector<std::string> doomed;
  const auto& tree = db_.tree();
  for (const auto& path : tree.Containers()) {
    const znode::Node* n = tree.Find(path);
    if (n != nullptr && n->child_count() == 0 && n->cversion > 0) doomed.push_back(path);
    if (doomed.size() >= kSweepBatchMax) break;
  }
  if (config_.extended_types_enabled) {
    for (const auto& path : tree.TtlNodes()) {
      const znode::Node* n = tree.Find(path);
      if (n != nullptr && n->child_count() == 0 &&
          now - n->mtime > znode::TtlOfOwner(n->ephemeral_owner)) {
        doomed.push_back(path);
      }
      if (doomed.size() >= kSweepBatchMax) break;
    }
  }
  for (const auto& path : doomed) {
    znode::Txn txn = db_.prep().PrepDeleteContainer(path, db_.NextZxid(), now);
    pipeline_.SubmitTxn(std::move(txn), nullptr);
  }
}

}  // namespace cairn::server
