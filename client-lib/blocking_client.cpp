#include "client-lib/blocking_client.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "base/thread_annotations.h"

namespace cairn::client {

// The io_context, its thread, and the session state the listener reports
// (the mutex guards `state` only and is never held around a callback).
struct BlockingClient::Loop {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  std::thread thread;
  std::mutex mu;
  std::condition_variable changed;
  SessionState state CAIRN_GUARDED_BY(mu) = SessionState::kConnecting;
};

BlockingClient::BlockingClient() : loop_(std::make_unique<Loop>()) {}

Result<std::unique_ptr<BlockingClient>> BlockingClient::Connect(ClientOptions options,
                                                                std::chrono::milliseconds wait) {
  std::unique_ptr<BlockingClient> self(new BlockingClient());
  Loop* loop = self->loop_.get();
  SessionListener user = std::move(options.listener);
  options.listener = [loop, user](SessionState s) {
    {
      std::lock_guard lock(loop->mu);
      loop->state = s;
    }
    loop->changed.notify_all();
    if (user) user(s);
  };
  auto client = Client::Connect(loop->io.get_executor(), std::move(options));
  if (!client) return client.error();
  self->client_ = std::make_unique<Client>(std::move(client.value()));
  loop->thread = std::thread([loop] { loop->io.run(); });
  SessionState s = self->WaitConnected(wait);
  if (s != SessionState::kConnected && s != SessionState::kReconnected) {
    return Error(ErrorKind::kIo, std::string("no ZooKeeper session within ") +
                                     std::to_string(wait.count()) + " ms (state " +
                                     SessionStateName(s) + ")");
  }
  return self;
}

BlockingClient::~BlockingClient() {
  if (client_) Close();
  loop_->work.reset();
  // Bounded: after Close nothing keeps the loop busy but draining handlers.
  // The handle outlives them, so a callback may still use async() (a recipe's
  // background delete does): it fails at once, the session being closed.
  loop_->thread.join();
  client_.reset();
}

SessionState BlockingClient::WaitConnected(std::chrono::milliseconds wait) {
  std::unique_lock lock(loop_->mu);
  loop_->changed.wait_for(lock, wait, [&] {
    return loop_->state == SessionState::kConnected || loop_->state == SessionState::kReconnected ||
           IsFinal(loop_->state);
  });
  return loop_->state;
}

template <typename T, typename Start>
Outcome<T> BlockingClient::Await(Start start) {
  if (std::this_thread::get_id() == loop_->thread.get_id()) {
    return Outcome<T>{ErrorCode::kApiError, T{}};  // would wait for itself
  }
  auto promise = std::make_shared<std::promise<Outcome<T>>>();
  auto future = promise->get_future();
  start([promise](Outcome<T> out) { promise->set_value(std::move(out)); });
  return future.get();  // every callback runs exactly once (client.h)
}

Outcome<Created> BlockingClient::Create(const std::string& path, std::string data,
                                        CreateOptions options) {
  return Await<Created>([&](Callback<Created> cb) {
    client_->Create(path, std::move(data), std::move(options), std::move(cb));
  });
}

Outcome<Empty> BlockingClient::Delete(const std::string& path, int32_t version) {
  return Await<Empty>([&](Callback<Empty> cb) { client_->Delete(path, version, std::move(cb)); });
}

Outcome<Stat> BlockingClient::Exists(const std::string& path, Watcher watcher) {
  return Await<Stat>(
      [&](Callback<Stat> cb) { client_->Exists(path, std::move(watcher), std::move(cb)); });
}

Outcome<NodeData> BlockingClient::GetData(const std::string& path, Watcher watcher) {
  return Await<NodeData>(
      [&](Callback<NodeData> cb) { client_->GetData(path, std::move(watcher), std::move(cb)); });
}

Outcome<Stat> BlockingClient::SetData(const std::string& path, std::string data, int32_t version) {
  return Await<Stat>(
      [&](Callback<Stat> cb) { client_->SetData(path, std::move(data), version, std::move(cb)); });
}

Outcome<Children> BlockingClient::GetChildren(const std::string& path, Watcher watcher) {
  return Await<Children>([&](Callback<Children> cb) {
    client_->GetChildren(path, std::move(watcher), std::move(cb));
  });
}

Outcome<AclAndStat> BlockingClient::GetAcl(const std::string& path) {
  return Await<AclAndStat>([&](Callback<AclAndStat> cb) { client_->GetAcl(path, std::move(cb)); });
}

Outcome<Stat> BlockingClient::SetAcl(const std::string& path, AclList acl, int32_t version) {
  return Await<Stat>(
      [&](Callback<Stat> cb) { client_->SetAcl(path, std::move(acl), version, std::move(cb)); });
}

Outcome<std::string> BlockingClient::Sync(const std::string& path) {
  return Await<std::string>([&](Callback<std::string> cb) { client_->Sync(path, std::move(cb)); });
}

Outcome<std::vector<OpResult>> BlockingClient::Multi(const Transaction& txn) {
  return Await<std::vector<OpResult>>(
      [&](Callback<std::vector<OpResult>> cb) { client_->Multi(txn, std::move(cb)); });
}

Outcome<std::vector<OpResult>> BlockingClient::MultiRead(const ReadBatch& reads) {
  return Await<std::vector<OpResult>>(
      [&](Callback<std::vector<OpResult>> cb) { client_->MultiRead(reads, std::move(cb)); });
}

Outcome<Empty> BlockingClient::AddAuth(const std::string& scheme, const std::string& auth) {
  return Await<Empty>([&](Callback<Empty> cb) { client_->AddAuth(scheme, auth, std::move(cb)); });
}

Outcome<std::vector<std::string>> BlockingClient::GetEphemerals(const std::string& prefix) {
  return Await<std::vector<std::string>>([&](Callback<std::vector<std::string>> cb) {
    client_->GetEphemerals(prefix, std::move(cb));
  });
}

Outcome<int32_t> BlockingClient::GetAllChildrenNumber(const std::string& path) {
  return Await<int32_t>(
      [&](Callback<int32_t> cb) { client_->GetAllChildrenNumber(path, std::move(cb)); });
}

Outcome<Empty> BlockingClient::AddWatch(const std::string& path, proto::AddWatchMode mode,
                                        Watcher watcher) {
  return Await<Empty>([&](Callback<Empty> cb) {
    client_->AddWatch(path, mode, std::move(watcher), std::move(cb));
  });
}

Outcome<Empty> BlockingClient::RemoveWatches(const std::string& path, proto::WatcherType type,
                                             bool local) {
  return Await<Empty>(
      [&](Callback<Empty> cb) { client_->RemoveWatches(path, type, local, std::move(cb)); });
}

Outcome<std::vector<ClientIdentity>> BlockingClient::WhoAmI() {
  return Await<std::vector<ClientIdentity>>(
      [&](Callback<std::vector<ClientIdentity>> cb) { client_->WhoAmI(std::move(cb)); });
}

void BlockingClient::Close() {
  if (std::this_thread::get_id() == loop_->thread.get_id()) {
    client_->Close();
    return;
  }
  std::promise<void> closed;
  auto future = closed.get_future();
  client_->Close([&closed] { closed.set_value(); });
  future.wait();
}

}  // namespace cairn::client
