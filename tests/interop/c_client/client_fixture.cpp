// Implements the interop test helpers on the C client's synchronous API, with condition
// variables for callbacks and a lazily started ServerProcess when no external server is given.
#include "interop/c_client/client_fixture.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/server_process.h"

namespace cairn::interop {
namespace {

using Clock = std::chrono::steady_clock;

// Large enough for any znode (the server's default jute.maxbuffer is just under 1 MiB).
constexpr int kMaxDataBytes = 1 << 20;

// Waits for one completion callback of the C client's asynchronous API.
template <typename Result>
class Completion {
 public:
  void Set(Result result) {
    std::lock_guard<std::mutex> lock(mutex_);
    result_ = std::move(result);
    done_.notify_all();
  }
  std::optional<Result> Wait(Millis timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait_for(lock, timeout, [this] { return result_.has_value(); });
    return result_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  std::optional<Result> result_;
};

}  // namespace

std::string TestHosts() {
  if (std::optional<std::string> external = cairn::testing::ExternalTestHosts()) return *external;
  static std::mutex mutex;
  static std::unique_ptr<cairn::testing::ServerProcess> server;
  static std::string failure;
  std::lock_guard<std::mutex> lock(mutex);
  if (server) return server->Hosts();
  if (!failure.empty()) throw std::runtime_error(failure);
  const char* binary = std::getenv("CAIRN_SERVER_BIN");
  if (binary == nullptr || *binary == '\0') {
    failure =
        "No server to test: set CAIRN_TEST_HOSTS=127.0.0.1:PORT to use a running server, or "
        "CAIRN_SERVER_BIN=/path/to/cairn-server to start one for this test binary.";
    throw std::runtime_error(failure);
  }
  try {
    server = std::make_unique<cairn::testing::ServerProcess>();
  } catch (const std::exception& error) {
    failure = error.what();
    throw;
  }
  return server->Hosts();
}

std::string EventTypeName(int type) {
  if (type == ZOO_CREATED_EVENT) return "ZOO_CREATED_EVENT";
  if (type == ZOO_DELETED_EVENT) return "ZOO_DELETED_EVENT";
  if (type == ZOO_CHANGED_EVENT) return "ZOO_CHANGED_EVENT";
  if (type == ZOO_CHILD_EVENT) return "ZOO_CHILD_EVENT";
  if (type == ZOO_SESSION_EVENT) return "ZOO_SESSION_EVENT";
  if (type == ZOO_NOTWATCHING_EVENT) return "ZOO_NOTWATCHING_EVENT";
  return "event " + std::to_string(type);
}

std::string StateName(int state) {
  if (state == ZOO_EXPIRED_SESSION_STATE) return "ZOO_EXPIRED_SESSION_STATE";
  if (state == ZOO_AUTH_FAILED_STATE) return "ZOO_AUTH_FAILED_STATE";
  if (state == ZOO_CONNECTING_STATE) return "ZOO_CONNECTING_STATE";
  if (state == ZOO_ASSOCIATING_STATE) return "ZOO_ASSOCIATING_STATE";
  if (state == ZOO_CONNECTED_STATE) return "ZOO_CONNECTED_STATE";
  if (state == ZOO_READONLY_STATE) return "ZOO_READONLY_STATE";
  if (state == ZOO_NOTCONNECTED_STATE) return "ZOO_NOTCONNECTED_STATE";
  return "state " + std::to_string(state);
}

std::ostream& operator<<(std::ostream& out, const Event& event) {
  return out << "{" << EventTypeName(event.type) << ", " << StateName(event.state) << ", \""
             << event.path << "\"}";
}

void EventLog::Watcher(zhandle_t*, int type, int state, const char* path, void* context) {
  if (context == nullptr) return;
  static_cast<EventLog*>(context)->Add(Event{type, state, path == nullptr ? "" : path});
}

void EventLog::Add(Event event) {
  std::lock_guard<std::mutex> lock(mutex_);
  events_.push_back(std::move(event));
  added_.notify_all();
}

std::optional<Event> EventLog::Take(const std::function<bool(const Event&)>& predicate,
                                    Millis timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  std::optional<Event> found;
  added_.wait_for(lock, timeout, [&] {
    auto it = std::find_if(events_.begin(), events_.end(), predicate);
    if (it == events_.end()) return false;
    found = *it;
    events_.erase(it);
    return true;
  });
  return found;
}

std::optional<Event> EventLog::TakeWatch(Millis timeout) {
  return Take([](const Event& event) { return event.type != ZOO_SESSION_EVENT; }, timeout);
}

std::optional<Event> EventLog::TakeSession(int state, Millis timeout) {
  return Take(
      [state](const Event& event) {
        return event.type == ZOO_SESSION_EVENT && event.state == state;
      },
      timeout);
}

std::vector<Event> EventLog::Pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {events_.begin(), events_.end()};
}

Client::Client(const std::string& hosts, int session_timeout_ms, const clientid_t* resume)
    : events_(std::make_unique<EventLog>()) {
  zh_ = zookeeper_init(hosts.c_str(), &EventLog::Watcher, session_timeout_ms, resume, events_.get(),
                       0);
}

Client::~Client() { Close(); }

EventLog* Client::NewEventLog() {
  watch_logs_.push_back(std::make_unique<EventLog>());
  return watch_logs_.back().get();
}

bool Client::WaitForState(int state, Millis timeout) {
  return events_->TakeSession(state, timeout).has_value();
}

int64_t Client::SessionId() const { return zoo_client_id(zh_)->client_id; }

clientid_t Client::ClientId() const { return *zoo_client_id(zh_); }

void Client::Close() {
  if (zh_ == nullptr) return;
  zookeeper_close(zh_);
  zh_ = nullptr;
}

std::unique_ptr<Client> Connect(int session_timeout_ms, const std::string& chroot) {
  auto client = std::make_unique<Client>(TestHosts() + chroot, session_timeout_ms);
  REQUIRE(client->zh() != nullptr);
  INFO("connecting to " << TestHosts() << chroot);
  REQUIRE(client->WaitForState(ZOO_CONNECTED_STATE));
  return client;
}

std::unique_ptr<Client> ConnectAsSuper() {
  std::unique_ptr<Client> client = Connect();
  REQUIRE(AddAuth(client->zh(), "digest", "super:test") == ZOK);
  return client;
}

int AddAuth(zhandle_t* zh, const std::string& scheme, const std::string& credentials,
            Millis timeout) {
  // Shared so that a completion arriving after a timeout still has somewhere to go.
  auto* completion = new std::shared_ptr<Completion<int>>(std::make_shared<Completion<int>>());
  std::shared_ptr<Completion<int>> waiter = *completion;
  int rc = zoo_add_auth(
      zh, scheme.c_str(), credentials.data(), static_cast<int>(credentials.size()),
      [](int rc, const void* data) {
        auto* holder = const_cast<std::shared_ptr<Completion<int>>*>(
            static_cast<const std::shared_ptr<Completion<int>>*>(data));
        (*holder)->Set(rc);
        delete holder;
      },
      completion);
  if (rc != ZOK) {
    delete completion;
    return rc;
  }
  return waiter->Wait(timeout).value_or(ZOPERATIONTIMEOUT);
}

SyncResult Sync(zhandle_t* zh, const std::string& path, Millis timeout) {
  using SyncCompletion = Completion<SyncResult>;
  auto* completion = new std::shared_ptr<SyncCompletion>(std::make_shared<SyncCompletion>());
  std::shared_ptr<SyncCompletion> waiter = *completion;
  int rc = zoo_async(
      zh, path.c_str(),
      [](int rc, const char* value, const void* data) {
        auto* holder = const_cast<std::shared_ptr<SyncCompletion>*>(
            static_cast<const std::shared_ptr<SyncCompletion>*>(data));
        (*holder)->Set(SyncResult{rc, value == nullptr ? "" : value});
        delete holder;
      },
      completion);
  if (rc != ZOK) {
    delete completion;
    return SyncResult{rc, ""};
  }
  return waiter->Wait(timeout).value_or(SyncResult{});
}

GetResult Get(zhandle_t* zh, const std::string& path) {
  std::vector<char> buffer(kMaxDataBytes);
  GetResult result;
  result.length = kMaxDataBytes;
  result.rc = zoo_get(zh, path.c_str(), 0, buffer.data(), &result.length, &result.stat);
  if (result.rc == ZOK && result.length > 0) result.data.assign(buffer.data(), result.length);
  return result;
}

int Create(zhandle_t* zh, const std::string& path, const std::string& data, int mode,
           std::string* created) {
  std::vector<char> buffer(path.size() + 64);
  int rc = zoo_create(zh, path.c_str(), data.data(), static_cast<int>(data.size()),
                      &ZOO_OPEN_ACL_UNSAFE, mode, buffer.data(), static_cast<int>(buffer.size()));
  if (created != nullptr) *created = rc == ZOK ? std::string(buffer.data()) : "";
  return rc;
}

std::vector<std::string> Children(zhandle_t* zh, const std::string& path, int* rc) {
  String_vector children{0, nullptr};
  int result = zoo_get_children(zh, path.c_str(), 0, &children);
  if (rc != nullptr) *rc = result;
  std::vector<std::string> names;
  if (result == ZOK) {
    for (int i = 0; i < children.count; ++i) names.emplace_back(children.data[i]);
    deallocate_String_vector(&children);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<Stat> StatOf(zhandle_t* zh, const std::string& path) {
  Stat stat{};
  int rc = zoo_exists(zh, path.c_str(), 0, &stat);
  if (rc == ZNONODE) return std::nullopt;
  INFO("zoo_exists(" << path << ") = " << zerror(rc));
  REQUIRE(rc == ZOK);
  return stat;
}

int DeleteRecursively(zhandle_t* zh, const std::string& path) {
  int rc = ZOK;
  for (const std::string& child : Children(zh, path, &rc)) {
    int child_rc = DeleteRecursively(zh, path == "/" ? "/" + child : path + "/" + child);
    if (child_rc != ZOK) return child_rc;
  }
  if (rc != ZOK && rc != ZNONODE) return rc;
  rc = zoo_delete(zh, path.c_str(), -1);
  return rc == ZNONODE ? ZOK : rc;
}

std::vector<std::string> AclStrings(const ACL_vector& acl) {
  std::vector<std::string> entries;
  for (int i = 0; i < acl.count; ++i) {
    entries.push_back(std::to_string(acl.data[i].perms) + ":" + acl.data[i].id.scheme + ":" +
                      acl.data[i].id.id);
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

bool Eventually(const std::function<bool()>& condition, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(Millis(5));
  }
  return true;
}

TestRoot::TestRoot() {
  static std::atomic<int> counter{0};
  path_ = "/cairn-c-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
  admin_ = ConnectAsSuper();
  int rc = zoo_create(admin_->zh(), path_.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
  INFO("creating the test root " << path_ << ": " << zerror(rc));
  REQUIRE(rc == ZOK);
}

TestRoot::~TestRoot() {
  if (admin_ == nullptr) return;
  int rc = DeleteRecursively(admin_->zh(), path_);
  if (rc != ZOK) {
    std::ostringstream message;
    message << "warning: could not remove " << path_ << ": " << zerror(rc) << "\n";
    std::fputs(message.str().c_str(), stderr);
  }
}

std::string TestRoot::Path(const std::string& child) const { return path_ + "/" + child; }

}  // namespace cairn::interop
