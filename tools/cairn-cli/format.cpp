#include "tools/cairn-cli/format.h"

#include <ctime>

#include "proto/records.h"

namespace cairn::cli {

using client::ErrorCode;

namespace {

// Java's Date.toString(): "Wed Dec 02 06:18:00 UTC 2026", in local time.
std::string JavaDate(int64_t millis) {
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[64];
  std::strftime(text, sizeof text, "%a %b %d %H:%M:%S %Z %Y", &local);
  return text;
}

std::string Hex(int64_t v) {
  char text[32];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(v));
  return text;
}

// Length of the valid UTF-8 sequence at s[i] (0 if invalid), 2-4 bytes.
size_t Utf8Sequence(const std::string& s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  }
  return n;
}

bool IsText(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = Utf8Sequence(s, i);
      if (n == 0) return false;
      i += n;
      continue;
    }
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
    ++i;
  }
  return true;
}

}  // namespace

std::string FormatStat(const client::Stat& st) {
  std::string out;
  out += "cZxid = " + Hex(st.czxid) + "\n";
  out += "ctime = " + JavaDate(st.ctime) + "\n";
  out += "mZxid = " + Hex(st.mzxid) + "\n";
  out += "mtime = " + JavaDate(st.mtime) + "\n";
  out += "pZxid = " + Hex(st.pzxid) + "\n";
  out += "cversion = " + std::to_string(st.cversion) + "\n";
  out += "dataVersion = " + std::to_string(st.version) + "\n";
  out += "aclVersion = " + std::to_string(st.aversion) + "\n";
  out += "ephemeralOwner = " + Hex(st.ephemeral_owner) + "\n";
  out += "dataLength = " + std::to_string(st.data_length) + "\n";
  out += "numChildren = " + std::to_string(st.num_children) + "\n";
  return out;
}

namespace {
struct PermLetter {
  char letter;
  int32_t bit;
};
// zkCli's order.
constexpr PermLetter kPerms[] = {{'c', proto::perms::kCreate},
                                 {'d', proto::perms::kDelete},
                                 {'r', proto::perms::kRead},
                                 {'w', proto::perms::kWrite},
                                 {'a', proto::perms::kAdmin}};
}  // namespace

std::string PermString(int32_t perms) {
  std::string out;
  for (const auto& p : kPerms) {
    if (perms & p.bit) out += p.letter;
  }
  return out;
}

int32_t ParsePerms(const std::string& text, std::string* warnings) {
  int32_t perms = 0;
  for (char c : text) {
    bool known = false;
    for (const auto& p : kPerms) {
      if (c == p.letter) {
        perms |= p.bit;
        known = true;
      }
    }
    if (!known) *warnings += std::string("Unknown perm type: ") + c + "\n";
  }
  return perms;
}

std::string FormatAcl(const client::AclList& acl) {
  std::string out;
  for (const auto& a : acl) {
    out += "'" + a.id.scheme + ",'" + a.id.id + "\n: " + PermString(a.perms) + "\n";
  }
  return out;
}

client::AclList ParseAcl(const std::string& text, std::string* warnings) {
  // Java's split(","): empty entries at the end vanish, others are malformed.
  std::vector<std::string> entries;
  for (size_t start = 0;;) {
    size_t comma = text.find(',', start);
    entries.push_back(text.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  while (!entries.empty() && entries.back().empty()) entries.pop_back();
  client::AclList acl;
  for (const auto& entry : entries) {
    size_t first = entry.find(':'), last = entry.rfind(':');
    if (first == std::string::npos || first == last) {
      *warnings += entry + " does not have the form scheme:id:perm\n";
      continue;
    }
    client::Acl a;
    a.id.scheme = entry.substr(0, first);
    a.id.id = entry.substr(first + 1, last - first - 1);
    a.perms = ParsePerms(entry.substr(last + 1), warnings);
    acl.push_back(std::move(a));
  }
  return acl;
}

std::string FormatEvent(const client::WatchEvent& e) {
  const char* state = "Unknown";
  switch (e.state) {
    case client::KeeperState::kDisconnected:
      state = "Disconnected";
      break;
    case client::KeeperState::kSyncConnected:
      state = "SyncConnected";
      break;
    case client::KeeperState::kAuthFailed:
      state = "AuthFailed";
      break;
    case client::KeeperState::kConnectedReadOnly:
      state = "ConnectedReadOnly";
      break;
    case client::KeeperState::kSaslAuthenticated:
      state = "SaslAuthenticated";
      break;
    case client::KeeperState::kExpired:
      state = "Expired";
      break;
    case client::KeeperState::kClosed:
      state = "Closed";
      break;
  }
  const char* type = "Unknown";
  switch (e.type) {
    case client::EventType::kNone:
      type = "None";
      break;
    case client::EventType::kNodeCreated:
      type = "NodeCreated";
      break;
    case client::EventType::kNodeDeleted:
      type = "NodeDeleted";
      break;
    case client::EventType::kNodeDataChanged:
      type = "NodeDataChanged";
      break;
    case client::EventType::kNodeChildrenChanged:
      type = "NodeChildrenChanged";
      break;
    case client::EventType::kDataWatchRemoved:
      type = "DataWatchRemoved";
      break;
    case client::EventType::kChildWatchRemoved:
      type = "ChildWatchRemoved";
      break;
    case client::EventType::kPersistentWatchRemoved:
      type = "PersistentWatchRemoved";
      break;
  }
  return std::string("WatchedEvent state:") + state + " type:" + type +
         " path:" + (e.path.empty() ? "null" : e.path);
}

std::string SafeData(const std::string& data) {
  if (IsText(data)) return data;
  std::string out;
  for (unsigned char c : data) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out;
}

namespace {
// KeeperException.getCodeMessage: Java's text for each code.
std::string CodeMessage(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kSystemError:
      return "SystemError";
    case ErrorCode::kRuntimeInconsistency:
      return "RuntimeInconsistency";
    case ErrorCode::kDataInconsistency:
      return "DataInconsistency";
    case ErrorCode::kConnectionLoss:
      return "ConnectionLoss";
    case ErrorCode::kMarshallingError:
      return "MarshallingError";
    case ErrorCode::kNewConfigNoQuorum:
      return "NewConfigNoQuorum";
    case ErrorCode::kReconfigInProgress:
      return "ReconfigInProgress";
    case ErrorCode::kUnimplemented:
      return "Unimplemented";
    case ErrorCode::kOperationTimeout:
      return "OperationTimeout";
    case ErrorCode::kBadArguments:
      return "BadArguments";
    case ErrorCode::kApiError:
      return "APIError";
    case ErrorCode::kNoNode:
      return "NoNode";
    case ErrorCode::kNoAuth:
      return "NoAuth";
    case ErrorCode::kBadVersion:
      return "BadVersion";
    case ErrorCode::kNoChildrenForEphemerals:
      return "NoChildrenForEphemerals";
    case ErrorCode::kNodeExists:
      return "NodeExists";
    case ErrorCode::kInvalidAcl:
      return "InvalidACL";
    case ErrorCode::kAuthFailed:
      return "AuthFailed";
    case ErrorCode::kNotEmpty:
      return "Directory not empty";
    case ErrorCode::kSessionExpired:
      return "Session expired";
    case ErrorCode::kInvalidCallback:
      return "Invalid callback";
    case ErrorCode::kSessionMoved:
      return "Session moved";
    case ErrorCode::kNotReadOnly:
      return "Not a read-only call";
    case ErrorCode::kEphemeralOnLocalSession:
      return "Ephemeral node on local session";
    case ErrorCode::kNoWatcher:
      return "No such watcher";
    case ErrorCode::kReconfigDisabled:
      return "Reconfig is disabled";
    case ErrorCode::kSessionClosedRequireSaslAuth:
      return "Session closed because client failed to authenticate";
    case ErrorCode::kQuotaExceeded:
      return "Quota has exceeded";
    case ErrorCode::kThrottled:
      return "Op throttled due to high load";
    default:
      return "Unknown error " + std::to_string(static_cast<int>(code));
  }
}
}  // namespace

std::string ErrorMessage(ErrorCode code, const std::string& path) {
  // zkCli's CliWrapperException words, else the KeeperException's message.
  switch (code) {
    case ErrorCode::kNoNode:
      return "Node does not exist: " + path;
    case ErrorCode::kNoChildrenForEphemerals:
      return "Ephemerals cannot have children: " + path;
    case ErrorCode::kNodeExists:
      return "Node already exists: " + path;
    case ErrorCode::kNotEmpty:
      return "Node not empty: " + path;
    case ErrorCode::kNotReadOnly:
      return "Not a read-only call: " + path;
    case ErrorCode::kInvalidAcl:
      return "Acl is not valid : " + path;
    case ErrorCode::kNoAuth:
      return "Insufficient permission : " + path;
    case ErrorCode::kBadArguments:
      return "Arguments are not valid : " + path;
    case ErrorCode::kBadVersion:
      return "version No is not valid : " + path;
    case ErrorCode::kQuotaExceeded:
      return "Quota has exceeded : " + path;
    default:
      return "KeeperErrorCode = " + CodeMessage(code) + (path.empty() ? "" : " for " + path);
  }
}

}  // namespace cairn::cli
