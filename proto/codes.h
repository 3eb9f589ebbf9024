// proto/codes.h: ZooKeeper's numeric protocol constants: opcodes, error
// codes, watch event types, session states, create modes, permissions and
// watcher types, with the values of ZooDefs, KeeperException, Watcher and
// CreateMode. Pure.
#pragma once

#include <cstdint>

namespace cairn::proto {

enum class OpCode : int32_t {
  kNotification = 0,
  kCreate = 1,
  kDelete = 2,
  kExists = 3,
  kGetData = 4,
  kSetData = 5,
  kGetAcl = 6,
  kSetAcl = 7,
  kGetChildren = 8,
  kSync = 9,
  kPing = 11,
  kGetChildren2 = 12,
  kCheck = 13,
  kMulti = 14,
  kCreate2 = 15,
  kReconfig = 16,
  kCheckWatches = 17,
  kRemoveWatches = 18,
  kCreateContainer = 19,
  kDeleteContainer = 20,
  kCreateTtl = 21,
  kMultiRead = 22,
  kAuth = 100,
  kSetWatches = 101,
  kSasl = 102,
  kGetEphemerals = 103,
  kGetAllChildrenNumber = 104,
  kSetWatches2 = 105,
  kAddWatch = 106,
  kWhoAmI = 107,
  kCreateSession = -10,
  kCloseSession = -11,
  kError = -1,
};

const char* OpCodeName(OpCode op);  // "create", "getData", ... "unknown"

enum class ErrorCode : int32_t {
  kOk = 0,
  kSystemError = -1,
  kRuntimeInconsistency = -2,
  kDataInconsistency = -3,
  kConnectionLoss = -4,
  kMarshallingError = -5,
  kUnimplemented = -6,
  kOperationTimeout = -7,
  kBadArguments = -8,
  kUnknownSession = -12,
  kNewConfigNoQuorum = -13,
  kReconfigInProgress = -14,
  kApiError = -100,
  kNoNode = -101,
  kNoAuth = -102,
  kBadVersion = -103,
  kNoChildrenForEphemerals = -108,
  kNodeExists = -110,
  kNotEmpty = -111,
  kSessionExpired = -112,
  kInvalidCallback = -113,
  kInvalidAcl = -114,
  kAuthFailed = -115,
  kSessionMoved = -118,
  kNotReadOnly = -119,
  kEphemeralOnLocalSession = -120,
  kNoWatcher = -121,
  kRequestTimeout = -122,
  kReconfigDisabled = -123,
  kSessionClosedRequireSaslAuth = -124,
  kQuotaExceeded = -125,
  kThrottled = -127,
};

const char* ErrorCodeName(ErrorCode code);  // "NoNode", ...

enum class EventType : int32_t {
  kNone = -1,
  kNodeCreated = 1,
  kNodeDeleted = 2,
  kNodeDataChanged = 3,
  kNodeChildrenChanged = 4,
  kDataWatchRemoved = 5,
  kChildWatchRemoved = 6,
  kPersistentWatchRemoved = 7,
};

enum class KeeperState : int32_t {
  kDisconnected = 0,
  kSyncConnected = 3,
  kAuthFailed = 4,
  kConnectedReadOnly = 5,
  kSaslAuthenticated = 6,
  kExpired = -112,
  kClosed = 7,
};

// CreateMode flags as sent in CreateRequest.flags.
enum class CreateMode : int32_t {
  kPersistent = 0,
  kEphemeral = 1,
  kPersistentSequential = 2,
  kEphemeralSequential = 3,
  kContainer = 4,
  kPersistentWithTtl = 5,
  kPersistentSequentialWithTtl = 6,
};

inline bool IsValidCreateFlags(int32_t flags) { return flags >= 0 && flags <= 6; }
inline bool IsSequential(CreateMode m) {
  return m == CreateMode::kPersistentSequential || m == CreateMode::kEphemeralSequential ||
         m == CreateMode::kPersistentSequentialWithTtl;
}
inline bool IsEphemeral(CreateMode m) {
  return m == CreateMode::kEphemeral || m == CreateMode::kEphemeralSequential;
}
inline bool IsTtl(CreateMode m) {
  return m == CreateMode::kPersistentWithTtl || m == CreateMode::kPersistentSequentialWithTtl;
}

namespace perms {
inline constexpr int32_t kRead = 1;
inline constexpr int32_t kWrite = 2;
inline constexpr int32_t kCreate = 4;
inline constexpr int32_t kDelete = 8;
inline constexpr int32_t kAdmin = 16;
inline constexpr int32_t kAll = 31;
}  // namespace perms

// WatcherType in checkWatches/removeWatches.
enum class WatcherType : int32_t {
  kChildren = 1,
  kData = 2,
  kAny = 3,
  kPersistent = 4,
  kPersistentRecursive = 5,
};

// AddWatchRequest.mode.
enum class AddWatchMode : int32_t { kPersistent = 0, kPersistentRecursive = 1 };

// Special xids.
inline constexpr int32_t kNotificationXid = -1;
inline constexpr int32_t kPingXid = -2;
inline constexpr int32_t kAuthXid = -4;
inline constexpr int32_t kSetWatchesXid = -8;

// ephemeralOwner encodings (EphemeralType): containers and TTL nodes.
inline constexpr int64_t kContainerEphemeralOwner = INT64_MIN;
inline constexpr int64_t kExtendedMask = static_cast<int64_t>(0xff00000000000000ULL);
inline constexpr int64_t kTtlMax = 0x000000ffffffffffLL;  // 2^40 - 1 ms

}  // namespace cairn::proto
