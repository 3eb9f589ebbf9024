// client-lib/types.h: the values the client library hands to applications.
// Plain values, safe to copy between threads.
//
// Every operation completes with an Outcome<T>: ZooKeeper's error code and,
// when it is kOk, the value (for multi, also on failure: the per-op results).
// Errors the library itself raises use ZooKeeper's codes too:
//   kConnectionLoss    the request was lost with its connection (it may or may
//                      not have been applied) or could not be sent in time
//   kSessionExpired    the session is gone; this client will not reconnect
//   kBadArguments      a path or argument the server would refuse anyway
//   kMarshallingError  the server's reply did not decode (the connection is
//                      closed and the next server tried)
//   kThrottled         the client's bound on outstanding requests was reached
//   kOperationTimeout  the client was closed before the request was sent
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "proto/codes.h"
#include "proto/records.h"

namespace cairn::client {

using proto::Acl;
using proto::AclList;
using proto::CreateMode;
using proto::ErrorCode;
using proto::EventType;
using proto::KeeperState;
using proto::Stat;

// The ACLs of ZooDefs.Ids.
AclList OpenAclUnsafe();  // world:anyone, all permissions
AclList ReadAclUnsafe();  // world:anyone, read
AclList CreatorAllAcl();  // auth:, all permissions (needs an addAuth first)

template <typename T>
struct Outcome {
  ErrorCode code = ErrorCode::kOk;
  T value{};
  bool ok() const { return code == ErrorCode::kOk; }
  explicit operator bool() const { return ok(); }
};
struct Empty {};

struct Created {
  std::string path;  // the name the node got (sequential suffix included)
  Stat stat;
};
struct NodeData {
  std::string data;
  Stat stat;
};
struct Children {
  std::vector<std::string> names;  // in the server's order (unsorted)
  Stat stat;
};
struct AclAndStat {
  AclList acl;
  Stat stat;
};
struct ClientIdentity {
  std::string scheme;
  std::string id;
};

// One op's result inside multi or multiRead.
struct OpResult {
  proto::OpCode type = proto::OpCode::kError;  // kError for the op that failed
  ErrorCode code = ErrorCode::kOk;
  std::string path;                   // create
  Stat stat;                          // create, setData, getData
  std::string data;                   // getData
  std::vector<std::string> children;  // getChildren
};

// A watch firing, or (type kNone) a session state change.
struct WatchEvent {
  EventType type = EventType::kNone;
  KeeperState state = KeeperState::kSyncConnected;
  std::string path;  // relative to the chroot; empty for session events
};
using Watcher = std::function<void(const WatchEvent&)>;

// The session's state as the application sees it. Transitions:
//   kConnecting -> kConnected -> kSuspended -> kReconnected -> kSuspended ...
//   any -> kExpired | kAuthFailed | kClosed (final)
enum class SessionState {
  kConnecting,   // no session yet
  kConnected,    // the first connection: a new session
  kSuspended,    // the connection was lost; the session may still live
  kReconnected,  // the same session on a new connection; watches restored
  kExpired,      // the server expired the session; ephemerals are gone
  kAuthFailed,   // the server refused the credentials given to addAuth
  kClosed,       // the application closed the session
};
const char* SessionStateName(SessionState state);
inline bool IsFinal(SessionState s) {
  return s == SessionState::kExpired || s == SessionState::kAuthFailed ||
         s == SessionState::kClosed;
}
using SessionListener = std::function<void(SessionState)>;

template <typename T>
using Callback = std::function<void(Outcome<T>)>;

}  // namespace cairn::client
