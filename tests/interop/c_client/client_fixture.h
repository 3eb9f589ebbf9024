// Shared helpers for the C client interop tests: locating the server under test, RAII sessions
// whose watcher callbacks land in thread-safe event logs, and a per-test root znode.
#pragma once

// The synchronous API (zoo_create, zoo_get, ...) is only declared for the threaded library.
#ifndef THREADED
#define THREADED
#endif
#include <zookeeper/zookeeper.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace cairn::interop {

using Millis = std::chrono::milliseconds;

// Upper bound for every wait on the server (connects, events, completions).
inline constexpr Millis kDeadline{5000};
// How long a test listens before concluding that an event did not come.
inline constexpr Millis kQuietPeriod{200};
// Session timeout that tests ask for unless they test timeout negotiation.
inline constexpr int kSessionTimeoutMs = 10000;

// Host string of the server under test: $CAIRN_TEST_HOSTS, or else a ServerProcess running
// $CAIRN_SERVER_BIN that is started on first use and shared by the whole test binary. Throws
// std::runtime_error with instructions when neither variable is set.
std::string TestHosts();

// One watcher callback as the C client delivered it.
struct Event {
  int type = 0;
  int state = 0;
  std::string path;
};
std::string EventTypeName(int type);
std::string StateName(int state);
std::ostream& operator<<(std::ostream& out, const Event& event);

// Thread-safe record of watcher callbacks. Pass EventLog::Watcher as the watcher and the log as
// its context.
class EventLog {
 public:
  static void Watcher(zhandle_t* zh, int type, int state, const char* path, void* context);

  void Add(Event event);
  // Removes and returns the first event that matches `predicate`, waiting up to `timeout` for it.
  std::optional<Event> Take(const std::function<bool(const Event&)>& predicate,
                            Millis timeout = kDeadline);
  // Removes and returns the first event that is not a ZOO_SESSION_EVENT.
  std::optional<Event> TakeWatch(Millis timeout = kDeadline);
  // Removes and returns the first ZOO_SESSION_EVENT with the given state.
  std::optional<Event> TakeSession(int state, Millis timeout = kDeadline);
  // All events not yet taken, oldest first.
  std::vector<Event> Pending() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable added_;
  std::deque<Event> events_;
};

// One ZooKeeper session of the C client, closed on destruction. Its global watcher records
// into events(); NewEventLog() hands out logs for per-call watchers that live as long as the
// handle, so late callbacks never touch a destroyed log.
class Client {
 public:
  // Starts connecting; does not wait. `resume` asks to resume that session.
  explicit Client(const std::string& hosts, int session_timeout_ms = kSessionTimeoutMs,
                  const clientid_t* resume = nullptr);
  ~Client();

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  zhandle_t* zh() const { return zh_; }
  EventLog& events() { return *events_; }
  EventLog* NewEventLog();
  // Waits for a session event with `state` (e.g. ZOO_CONNECTED_STATE).
  bool WaitForState(int state, Millis timeout = kDeadline);
  int64_t SessionId() const;
  clientid_t ClientId() const;
  // zookeeper_close; later calls are no-ops.
  void Close();

 private:
  std::unique_ptr<EventLog> events_;
  std::vector<std::unique_ptr<EventLog>> watch_logs_;
  zhandle_t* zh_ = nullptr;
};

// A connected client of the server under test; fails the current test if it does not reach
// ZOO_CONNECTED_STATE within kDeadline.
std::unique_ptr<Client> Connect(int session_timeout_ms = kSessionTimeoutMs,
                                const std::string& chroot = "");
// Like Connect(), then authenticated as the super user (digest super:test).
std::unique_ptr<Client> ConnectAsSuper();

// zoo_add_auth, waiting for its completion: returns the completion's rc, or ZOPERATIONTIMEOUT.
int AddAuth(zhandle_t* zh, const std::string& scheme, const std::string& credentials,
            Millis timeout = kDeadline);

// zoo_async, waiting for its completion.
struct SyncResult {
  int rc = ZOPERATIONTIMEOUT;
  std::string path;
};
SyncResult Sync(zhandle_t* zh, const std::string& path, Millis timeout = kDeadline);

// zoo_get into a buffer large enough for any znode. `length` is -1 for null data.
struct GetResult {
  int rc = ZOK;
  std::string data;
  int length = 0;
  Stat stat{};
};
GetResult Get(zhandle_t* zh, const std::string& path);

// zoo_create with an open ACL; `created` receives the created path when not null.
int Create(zhandle_t* zh, const std::string& path, const std::string& data = "", int mode = 0,
           std::string* created = nullptr);

// zoo_get_children, sorted; rc through `rc` when not null.
std::vector<std::string> Children(zhandle_t* zh, const std::string& path, int* rc = nullptr);

// zoo_exists without a watch; the Stat, or nullopt when the node does not exist (other errors
// fail the test).
std::optional<Stat> StatOf(zhandle_t* zh, const std::string& path);

// Deletes `path` and everything below it; missing nodes are fine. Returns the first other error.
int DeleteRecursively(zhandle_t* zh, const std::string& path);

// The ACL entries of a node as "perms:scheme:id" strings, sorted.
std::vector<std::string> AclStrings(const ACL_vector& acl);

// Waits until `condition` holds, polling every few milliseconds; false at the deadline.
bool Eventually(const std::function<bool()>& condition, Millis timeout = kDeadline);

// A znode unique to one test case (under "/"), created in the constructor and removed
// recursively, with super-user rights, in the destructor. Declare it before the test's clients
// so they are closed first.
class TestRoot {
 public:
  TestRoot();
  ~TestRoot();

  TestRoot(const TestRoot&) = delete;
  TestRoot& operator=(const TestRoot&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + child.
  std::string Path(const std::string& child) const;
  // A connected super-user session for arranging state that tests do not assert on.
  Client& admin() { return *admin_; }

 private:
  std::unique_ptr<Client> admin_;
  std::string path_;
};

}  // namespace cairn::interop
