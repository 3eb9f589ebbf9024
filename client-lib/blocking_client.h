// client-lib/blocking_client.h: the blocking facade over Client: each call
// waits for its reply and returns the Outcome. It owns an io_context and the
// one thread that runs it, on which watchers and the session listener run.
//
// Thread-safety: any number of threads may call it at once. Never call a
// blocking method from a watcher or listener (that thread would wait for
// itself): it returns kApiError instead of deadlocking. Use async() there.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "client-lib/client.h"

namespace cairn::client {

class BlockingClient {
 public:
  // Connects and waits up to `wait` for the session. Fails with a message on
  // a bad connect string, or when no session came up in time (then it gives
  // up and closes).
  static Result<std::unique_ptr<BlockingClient>> Connect(
      ClientOptions options, std::chrono::milliseconds wait = std::chrono::seconds(15));
  ~BlockingClient();  // closes the session, stops the thread

  BlockingClient(const BlockingClient&) = delete;
  BlockingClient& operator=(const BlockingClient&) = delete;

  Outcome<Created> Create(const std::string& path, std::string data = {},
                          CreateOptions options = {});
  Outcome<Empty> Delete(const std::string& path, int32_t version = -1);
  Outcome<Stat> Exists(const std::string& path, Watcher watcher = nullptr);
  Outcome<NodeData> GetData(const std::string& path, Watcher watcher = nullptr);
  Outcome<Stat> SetData(const std::string& path, std::string data, int32_t version = -1);
  Outcome<Children> GetChildren(const std::string& path, Watcher watcher = nullptr);
  Outcome<AclAndStat> GetAcl(const std::string& path);
  Outcome<Stat> SetAcl(const std::string& path, AclList acl, int32_t version = -1);
  Outcome<std::string> Sync(const std::string& path);
  Outcome<std::vector<OpResult>> Multi(const Transaction& txn);
  Outcome<std::vector<OpResult>> MultiRead(const ReadBatch& reads);
  Outcome<Empty> AddAuth(const std::string& scheme, const std::string& auth);
  Outcome<std::vector<std::string>> GetEphemerals(const std::string& prefix = "/");
  Outcome<int32_t> GetAllChildrenNumber(const std::string& path);
  Outcome<Empty> AddWatch(const std::string& path, proto::AddWatchMode mode, Watcher watcher);
  Outcome<Empty> RemoveWatches(const std::string& path, proto::WatcherType type,
                               bool local = false);
  Outcome<std::vector<ClientIdentity>> WhoAmI();
  // Closes the session and waits for it; later calls fail kConnectionLoss.
  void Close();

  // The asynchronous client underneath, for use from callbacks.
  Client& async() { return *client_; }
  SessionState state() const { return client_->state(); }
  int64_t session_id() const { return client_->session_id(); }
  std::string password() const { return client_->password(); }
  int32_t negotiated_timeout_ms() const { return client_->negotiated_timeout_ms(); }
  // Waits until the session is connected (kConnected or kReconnected) or
  // final, up to `wait`; returns the state then.
  SessionState WaitConnected(std::chrono::milliseconds wait);

 private:
  struct Loop;
  BlockingClient();
  template <typename T, typename Start>
  Outcome<T> Await(Start start);

  std::unique_ptr<Loop> loop_;
  std::unique_ptr<Client> client_;
};

}  // namespace cairn::client
