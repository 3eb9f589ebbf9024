#include "client-lib/types.h"

namespace cairn::client {

AclList OpenAclUnsafe() { return {Acl{proto::perms::kAll, {"world", "anyone"}}}; }
AclList ReadAclUnsafe() { return {Acl{proto::perms::kRead, {"world", "anyone"}}}; }
AclList CreatorAllAcl() { return {Acl{proto::perms::kAll, {"auth", ""}}}; }

const char* SessionStateName(SessionState state) {
  switch (state) {
    case SessionState::kConnecting:
      return "connecting";
    case SessionState::kConnected:
      return "connected";
    case SessionState::kSuspended:
      return "suspended";
    case SessionState::kReconnected:
      return "reconnected";
    case SessionState::kExpired:
      return "expired";
    case SessionState::kAuthFailed:
      return "auth_failed";
    case SessionState::kClosed:
      return "closed";
  }
  return "unknown";
}

}  // namespace cairn::client
