#include "proto/codes.h"

namespace cairn::proto {

const char* OpCodeName(OpCode op) {
  switch (op) {
    case OpCode::kNotification: return "notification";
    case OpCode::kCreate: return "create";
    case OpCode::kDelete: return "delete";
    case OpCode::kExists: return "exists";
    case OpCode::kGetData: return "getData";
    case OpCode::kSetData: return "setData";
    case OpCode::kGetAcl: return "getACL";
    case OpCode::kSetAcl: return "setACL";
    case OpCode::kGetChildren: return "getChildren";
    case OpCode::kSync: return "sync";
    case OpCode::kPing: return "ping";
    case OpCode::kGetChildren2: return "getChildren2";
    case OpCode::kCheck: return "check";
    case OpCode::kMulti: return "multi";
    case OpCode::kCreate2: return "create2";
    case OpCode::kReconfig: return "reconfig";
    case OpCode::kCheckWatches: return "checkWatches";
    case OpCode::kRemoveWatches: return "removeWatches";
    case OpCode::kCreateContainer: return "createContainer";
    case OpCode::kDeleteContainer: return "deleteContainer";
    case OpCode::kCreateTtl: return "createTTL";
    case OpCode::kMultiRead: return "multiRead";
    case OpCode::kAuth: return "auth";
    case OpCode::kSetWatches: return "setWatches";
    case OpCode::kSasl: return "sasl";
    case OpCode::kGetEphemerals: return "getEphemerals";
    case OpCode::kGetAllChildrenNumber: return "getAllChildrenNumber";
    case OpCode::kSetWatches2: return "setWatches2";
    case OpCode::kAddWatch: return "addWatch";
    case OpCode::kWhoAmI: return "whoAmI";
    case OpCode::kCreateSession: return "createSession";
    case OpCode::kCloseSession: return "closeSession";
    case OpCode::kError: return "error";
  }
  return "unknown";
}

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "Ok";
    case ErrorCode::kSystemError: return "SystemError";
    case ErrorCode::kRuntimeInconsistency: return "RuntimeInconsistency";
    case ErrorCode::kDataInconsistency: return "DataInconsistency";
    case ErrorCode::kConnectionLoss: return "ConnectionLoss";
    case ErrorCode::kMarshallingError: return "MarshallingError";
    case ErrorCode::kUnimplemented: return "Unimplemented";
    case ErrorCode::kOperationTimeout: return "OperationTimeout";
    case ErrorCode::kBadArguments: return "BadArguments";
    case ErrorCode::kUnknownSession: return "UnknownSession";
    case ErrorCode::kNewConfigNoQuorum: return "NewConfigNoQuorum";
    case ErrorCode::kReconfigInProgress: return "ReconfigInProgress";
    case ErrorCode::kApiError: return "APIError";
    case ErrorCode::kNoNode: return "NoNode";
    case ErrorCode::kNoAuth: return "NoAuth";
    case ErrorCode::kBadVersion: return "BadVersion";
    case ErrorCode::kNoChildrenForEphemerals: return "NoChildrenForEphemerals";
    case ErrorCode::kNodeExists: return "NodeExists";
    case ErrorCode::kNotEmpty: return "NotEmpty";
    case ErrorCode::kSessionExpired: return "SessionExpired";
    case ErrorCode::kInvalidCallback: return "InvalidCallback";
    case ErrorCode::kInvalidAcl: return "InvalidACL";
    case ErrorCode::kAuthFailed: return "AuthFailed";
    case ErrorCode::kSessionMoved: return "SessionMoved";
    case ErrorCode::kNotReadOnly: return "NotReadOnly";
    case ErrorCode::kEphemeralOnLocalSession: return "EphemeralOnLocalSession";
    case ErrorCode::kNoWatcher: return "NoWatcher";
    case ErrorCode::kRequestTimeout: return "RequestTimeout";
    case ErrorCode::kReconfigDisabled: return "ReconfigDisabled";
    case ErrorCode::kSessionClosedRequireSaslAuth: return "SessionClosedRequireSaslAuth";
    case ErrorCode::kQuotaExceeded: return "QuotaExceeded";
    case ErrorCode::kThrottled: return "Throttled";
  }
  return "Unknown";
}

}  // namespace cairn::proto
