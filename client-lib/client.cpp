#include "client-lib/client.h"

#include <random>

#include "client-lib/connect_string.h"
#include "client-lib/detail/calls.h"
#include "client-lib/detail/client_impl.h"

namespace cairn::client {

using detail::ClientImpl;

namespace {

// Fails `done` on the strand (never inline), so that every callback runs
// there, after the call that caused it has returned.
template <typename T>
void FailLater(ClientImpl& impl, Callback<T> done, ErrorCode code) {
  impl.Run([done = std::move(done), code](SessionCore&, int64_t) mutable {
    done(Outcome<T>{code, T{}});
  });
}

// True (and `done` failed with `code`) unless code is kOk.
template <typename T>
bool Refuse(ClientImpl& impl, Callback<T>& done, ErrorCode code) {
  if (code == ErrorCode::kOk) return false;
  FailLater(impl, std::move(done), code);
  return true;
}

void SubmitCall(ClientImpl& impl, Call call) {
  impl.Run([call = std::move(call)](SessionCore& core, int64_t now) mutable {
    core.Submit(std::move(call), now);
  });
}

}  // namespace

Result<Client> Client::Connect(boost::asio::any_io_executor executor, ClientOptions options) {
  auto parsed = ParseConnectString(options.connect_string);
  if (!parsed) return parsed.error();
  SessionConfig config;
  config.hosts = std::move(parsed.value().hosts);
  config.chroot = std::move(parsed.value().chroot);
  config.session_timeout_ms = options.session_timeout_ms;
  config.session_id = options.session_id;
  config.password = std::move(options.password);
  config.max_reply_bytes = options.max_reply_bytes;
  config.max_outstanding = options.max_outstanding;
  config.backoff_max_ms = options.backoff_max_ms;
  config.seed = options.seed != 0
                    ? options.seed
                    : (uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
  config.listener = std::move(options.listener);
  auto impl = std::make_shared<ClientImpl>(std::move(executor), std::move(config));
  impl->Start();
  return Client(std::move(impl));
}

Client::Client(std::shared_ptr<ClientImpl> impl) : impl_(std::move(impl)) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&& other) noexcept {
  if (this != &other) {
    if (impl_) Close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

// The impl outlives the handle while its handlers run; the session does not.
Client::~Client() {
  if (impl_) Close();
}

// Each operation checks its arguments, builds its Call here (pure, on the
// caller's thread) and posts it to the strand.

void Client::Create(std::string path, std::string data, CreateOptions options,
                    Callback<Created> done) {
  if (Refuse(*impl_, done, detail::CheckCreate(path, options))) return;
  SubmitCall(*impl_,
             detail::CreateCall(impl_->chroot(), path, std::move(data), options, std::move(done)));
}

void Client::Delete(std::string path, int32_t version, Callback<Empty> done) {
  if (Refuse(*impl_, done, detail::CheckPath(path))) return;
  SubmitCall(*impl_, detail::DeleteCall(impl_->chroot(), path, version, std::move(done)));
}

void Client::Exists(std::string path, Watcher watcher, Callback<Stat> done) {
  if (Refuse(*impl_, done, detail::CheckPath(path))) return;
  SubmitCall(*impl_,
             detail::ExistsCall(impl_->chroot(), path, std::move(watcher), std::move(done)));
}

void Client::GetData(std::string path, Watcher watcher, Callback<NodeData> done) {
  if (Refuse(*impl_, done, detail::CheckPath(path))) return;
  SubmitCall(*impl_,
             detail::GetDataCall(impl_->chroot(), path, std::move(watcher), std::move(done)));
}

void Client::SetData(std::string path, std::string data, int32_t version, Callback<Stat> done) {
  if (Refuse(*impl_, done, detail::CheckPath(path))) return;
  SubmitCall(*impl_,
             detail::SetDataCall(impl_->chroot(), path, std::move(data), version, std::move(done)));
}

void Client::GetChildren(std::string path, Watcher watcher, Callback<Children> done) {
  if (Refuse(*impl_, done, detail::CheckPath(path))) return;
  SubmitCall(*impl_,
             detail::GetChildrenCall(impl_->chroot(), path, std::move(watcher), std::move(done)));
}

void Client::GetAcl(std::string path, Callback<AclAndStat> done) {
  if (Refuse(*impl_, done, detail::CheckPath(path))) return;
  SubmitCall(*impl_, detail::GetAclCall(impl_->chroot(), path, std::move(done)));
}

void Client::SetAcl(std::string path, AclList acl, int32_t version, Callback<Stat> done) {
  if (Refuse(*impl_, done, detail::CheckPath(path))) return;
  if (acl.empty()) return FailLater(*impl_, std::move(done), ErrorCode::kInvalidAcl);
  SubmitCall(*impl_,
             detail::SetAclCall(impl_->chroot(), path, std::move(acl), version, std::move(done)));
}

void Client::Sync(std::string path, Callback<std::string> done) {
  if (Refuse(*impl_, done, detail::CheckPath(path))) return;
  SubmitCall(*impl_, detail::SyncCall(impl_->chroot(), path, std::move(done)));
}

void Client::Multi(const Transaction& txn, Callback<std::vector<OpResult>> done) {
  if (Refuse(*impl_, done, detail::CheckTransaction(txn.ops()))) return;
  SubmitCall(*impl_, detail::MultiCall(impl_->chroot(), txn.ops(), false, std::move(done)));
}

void Client::MultiRead(const ReadBatch& reads, Callback<std::vector<OpResult>> done) {
  if (Refuse(*impl_, done, detail::CheckTransaction(reads.ops()))) return;
  SubmitCall(*impl_, detail::MultiCall(impl_->chroot(), reads.ops(), true, std::move(done)));
}

void Client::AddAuth(std::string scheme, std::string auth, Callback<Empty> done) {
  impl_->Run([scheme = std::move(scheme), auth = std::move(auth), done = std::move(done)](
                 SessionCore& core, int64_t now) mutable {
    std::function<void(ErrorCode)> on_reply;
    if (done) on_reply = [done](ErrorCode code) { done(Outcome<Empty>{code, {}}); };
    core.AddAuth(std::move(scheme), std::move(auth), std::move(on_reply), now);
  });
}

void Client::GetEphemerals(std::string prefix, Callback<std::vector<std::string>> done) {
  if (Refuse(*impl_, done, detail::CheckPath(prefix))) return;
  SubmitCall(*impl_, detail::GetEphemeralsCall(impl_->chroot(), prefix, std::move(done)));
}

void Client::GetAllChildrenNumber(std::string path, Callback<int32_t> done) {
  if (Refuse(*impl_, done, detail::CheckPath(path))) return;
  SubmitCall(*impl_, detail::GetAllChildrenNumberCall(impl_->chroot(), path, std::move(done)));
}

void Client::AddWatch(std::string path, proto::AddWatchMode mode, Watcher watcher,
                      Callback<Empty> done) {
  if (Refuse(*impl_, done, detail::CheckPath(path))) return;
  if (!watcher) return FailLater(*impl_, std::move(done), ErrorCode::kBadArguments);
  SubmitCall(*impl_, detail::AddWatchCall(impl_->chroot(), path, mode, std::move(watcher),
                                          std::move(done)));
}

void Client::RemoveWatches(std::string path, proto::WatcherType type, bool local,
                           Callback<Empty> done) {
  if (Refuse(*impl_, done, detail::CheckPath(path))) return;
  impl_->Run([chroot = impl_->chroot(), path = std::move(path), type, local,
              done = std::move(done)](SessionCore& core, int64_t now) mutable {
    // As ZooKeeper's client: without a local watch of that type there is
    // nothing to remove, and the server is not asked.
    if (!core.watches().Has(type, path)) {
      done(Outcome<Empty>{ErrorCode::kNoWatcher, {}});
      return;
    }
    if (local) {
      for (auto& [w, ev] : core.RemoveLocalWatches(type, path)) w(ev);
      done(Outcome<Empty>{});
      return;
    }
    core.Submit(detail::RemoveWatchesCall(chroot, path, type, std::move(done)), now);
  });
}

void Client::WhoAmI(Callback<std::vector<ClientIdentity>> done) {
  SubmitCall(*impl_, detail::WhoAmICall(std::move(done)));
}

void Client::Close(std::function<void()> done) {
  impl_->Run([done = std::move(done)](SessionCore& core, int64_t now) mutable {
    core.Close(std::move(done), now);
  });
}

uint64_t Client::AddSessionListener(SessionListener listener) {
  uint64_t id = impl_->NextListenerId();
  impl_->Run([id, listener = std::move(listener)](SessionCore& core, int64_t) mutable {
    core.AddListener(id, std::move(listener));
  });
  return id;
}

void Client::RemoveSessionListener(uint64_t id) {
  impl_->Run([id](SessionCore& core, int64_t) { core.RemoveListener(id); });
}

SessionState Client::state() const { return impl_->snapshot().state; }
int64_t Client::session_id() const { return impl_->snapshot().session_id; }
std::string Client::password() const { return impl_->snapshot().password; }
int32_t Client::negotiated_timeout_ms() const { return impl_->snapshot().negotiated_timeout_ms; }

}  // namespace cairn::client
