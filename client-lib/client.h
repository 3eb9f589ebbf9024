// client-lib/client.h: Cairn's asynchronous ZooKeeper client: a thin
// Boost.Asio driver around SessionCore (session_core.h), speaking ZooKeeper's
// client protocol to Cairn or Apache ZooKeeper alike.
//
// Threading. Every method may be called from any thread, including from
// inside a callback. Each call is posted to the client's strand (on the
// executor given to Connect) and sent in call order. Every callback (an
// operation's completion, a watcher, the session listener) runs on that
// strand, one at a time, in the order the server's replies and events
// arrived: ZooKeeper's ordering guarantee, so a watch event is seen before
// the reply that reads the new data. No library lock is held while a callback
// runs. A callback that blocks stalls this client, not others.
//
// Completion style. Each operation takes a callback receiving an Outcome<T>
// (types.h): ZooKeeper's error code and, on kOk, the value. Every callback is
// called exactly once, also when the session is lost or the client closed
// (kConnectionLoss, kSessionExpired), so nothing ever hangs.
//
// Watches are one-shot callbacks passed to exists/getData/getChildren; an
// empty Watcher sets no watch. They survive reconnects (re-registered with
// SetWatches from the last zxid seen, so no change in between is missed) and
// fire once with a kExpired session event if the session expires.
//
// Lifetime. The Client is a move-only handle: the session lives until Close()
// or until the handle is destroyed (which closes it too). Callbacks may still
// run after that; the io_context must outlive them.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "client-lib/transaction.h"
#include "client-lib/types.h"

namespace cairn::client {

namespace detail {
class ClientImpl;
}

struct ClientOptions {
  std::string connect_string;  // "host:port,host:port/optional/chroot"
  int32_t session_timeout_ms = 10000;
  // Resume an existing session (id and password of another client).
  int64_t session_id = 0;
  std::string password;
  size_t max_reply_bytes = 4 << 20;
  size_t max_outstanding = 100000;
  int32_t backoff_max_ms = 2000;
  uint64_t seed = 0;  // host order and jitter; 0 picks one at random
  SessionListener listener;
};

class Client {
 public:
  // Parses the connect string and starts connecting; does not wait. Fails only
  // on a bad connect string.
  static Result<Client> Connect(boost::asio::any_io_executor executor, ClientOptions options);

  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  ~Client();  // closes the session

  void Create(std::string path, std::string data, CreateOptions options, Callback<Created> done);
  void Delete(std::string path, int32_t version, Callback<Empty> done);
  // kNoNode when absent; a watcher then waits for the node's creation.
  void Exists(std::string path, Watcher watcher, Callback<Stat> done);
  void GetData(std::string path, Watcher watcher, Callback<NodeData> done);
  void SetData(std::string path, std::string data, int32_t version, Callback<Stat> done);
  void GetChildren(std::string path, Watcher watcher, Callback<Children> done);
  void GetAcl(std::string path, Callback<AclAndStat> done);
  void SetAcl(std::string path, AclList acl, int32_t version, Callback<Stat> done);
  // Completes once the server has seen every write committed before it.
  void Sync(std::string path, Callback<std::string> done);
  // value holds each op's result, on failure too: then every result has type
  // kError, the failing op its code, the ops before it kOk (rolled back) and
  // those after it kRuntimeInconsistency, as ZooKeeper reports them.
  void Multi(const Transaction& txn, Callback<std::vector<OpResult>> done);
  void MultiRead(const ReadBatch& reads, Callback<std::vector<OpResult>> done);
  // Remembered and sent again on every reconnect. A refused credential ends
  // the session with kAuthFailed.
  void AddAuth(std::string scheme, std::string auth, Callback<Empty> done);
  void GetEphemerals(std::string prefix, Callback<std::vector<std::string>> done);
  void GetAllChildrenNumber(std::string path, Callback<int32_t> done);
  // A watch that stays until removed; kPersistentRecursive also sees every
  // descendant (except childrenChanged events).
  void AddWatch(std::string path, proto::AddWatchMode mode, Watcher watcher, Callback<Empty> done);
  // Removes this client's watches of `type` on path at the server and here;
  // each removed watcher gets a "watch removed" event. kNoWatcher if none.
  // local=true removes them here only (works while disconnected). The types
  // kPersistent and kPersistentRecursive need a ZooKeeper 3.9 server (3.8
  // answers kMarshallingError); kAny removes persistent watches everywhere.
  void RemoveWatches(std::string path, proto::WatcherType type, bool local, Callback<Empty> done);
  void WhoAmI(Callback<std::vector<ClientIdentity>> done);
  // Ends the session (its ephemerals go at once); `done` runs after.
  void Close(std::function<void()> done = nullptr);

  // Another session listener (on top of ClientOptions::listener), for
  // recipes and libraries sharing this client. It is called at once with the
  // current state, then on every change, on the strand. Returns an id for
  // RemoveSessionListener. Removal is posted like every call, so a
  // notification already queued may still run after it: what the listener
  // captures must stay valid (hold it by shared_ptr).
  uint64_t AddSessionListener(SessionListener listener);
  void RemoveSessionListener(uint64_t id);

  // Snapshots, safe from any thread.
  SessionState state() const;
  int64_t session_id() const;
  std::string password() const;
  int32_t negotiated_timeout_ms() const;

 private:
  explicit Client(std::shared_ptr<detail::ClientImpl> impl);
  std::shared_ptr<detail::ClientImpl> impl_;
};

}  // namespace cairn::client
