// proto/records.h: the records of ZooKeeper's client protocol
// (zookeeper.jute, modules org.apache.zookeeper.data and .proto). Pure.
//
// Each record holds wire fields only, in wire order, and has
//   void Write(JuteWriter&) const;   void Read(JuteReader&);
// Read leaves the reader failed (see JuteReader) when the input is short or
// malformed; callers check reader.ok(). Layouts, as in zookeeper.jute:
//
//   Id            := ustring scheme, ustring id
//   ACL           := int perms, Id id
//   Stat          := long czxid, long mzxid, long ctime, long mtime,
//                    int version, int cversion, int aversion,
//                    long ephemeralOwner, int dataLength, int numChildren,
//                    long pzxid
//   ClientInfo    := ustring authScheme, ustring user
//   ConnectRequest  := int protocolVersion, long lastZxidSeen, int timeOut,
//                      long sessionId, buffer passwd, [boolean readOnly]
//   ConnectResponse := int protocolVersion, int timeOut, long sessionId,
//                      buffer passwd, [boolean readOnly]
//   RequestHeader := int xid, int type
//   ReplyHeader   := int xid, long zxid, int err
//   WatcherEvent  := int type, int state, ustring path
//   (the request and response bodies below follow the same rule)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/jute.h"

namespace cairn::proto {

struct Id {
  std::string scheme;
  std::string id;
  bool operator==(const Id&) const = default;
  void Write(JuteWriter& w) const;
  void Read(JuteReader& r);
};

struct Acl {
  int32_t perms = 0;
  Id id;
  bool operator==(const Acl&) const = default;
  void Write(JuteWriter& w) const;
  void Read(JuteReader& r);
};
using AclList = std::vector<Acl>;
// A total order, for interning ACL lists.
bool operator<(const Acl& a, const Acl& b);

struct Stat {
  int64_t czxid = 0;
  int64_t mzxid = 0;
  int64_t ctime = 0;
  int64_t mtime = 0;
  int32_t version = 0;
  int32_t cversion = 0;
  int32_t aversion = 0;
  int64_t ephemeral_owner = 0;
  int32_t data_length = 0;
  int32_t num_children = 0;
  int64_t pzxid = 0;
  bool operator==(const Stat&) const = default;
  void Write(JuteWriter& w) const;
  void Read(JuteReader& r);
};
inline constexpr size_t kStatBytes = 68;

struct ClientInfo {
  std::string auth_scheme;
  std::string user;
  void Write(JuteWriter& w) const;
  void Read(JuteReader& r);
};

struct ConnectRequest {
  int32_t protocol_version = 0;
  int64_t last_zxid_seen = 0;
  int32_t timeout_ms = 0;
  int64_t session_id = 0;
  std::string passwd;
  std::optional<bool> read_only;  // absent for pre-3.5 clients
  void Write(JuteWriter& w) const;
  void Read(JuteReader& r);
};

struct ConnectResponse {
  int32_t protocol_version = 0;
  int32_t timeout_ms = 0;
  int64_t session_id = 0;
  std::string passwd;
  std::optional<bool> read_only;  // written only when the client sent it
  void Write(JuteWriter& w) const;
  void Read(JuteReader& r);
};

struct RequestHeader {
  int32_t xid = 0;
  int32_t type = 0;
  void Write(JuteWriter& w) const;
  void Read(JuteReader& r);
};

struct ReplyHeader {
  int32_t xid = 0;
  int64_t zxid = 0;
  int32_t err = 0;
  void Write(JuteWriter& w) const;
  void Read(JuteReader& r);
};

struct WatcherEvent {
  int32_t type = 0;
  int32_t state = 0;
  std::string path;
  void Write(JuteWriter& w) const;
  void Read(JuteReader& r);
};

// Requests carrying only a path (getACL, sync, getAllChildrenNumber,
// getEphemerals' prefixPath) share this shape.
struct PathRequest {
  std::string path;
  void Write(JuteWriter& w) const;
  void Read(JuteReader& r);
};

// getData, exists, getChildren, getChildren2.
struct PathWatchRequest {
  std::string path;
  bool watch = false;
  void Write(JuteWriter& w) const;
  void Read(JuteReader& r);
};

struct CreateRequest {
  std::string path;
  std::string data;
  bool data_null = false;  // a null buffer (length -1), kept apart from empty
  AclList acl;
  int32_t flags = 0;
  int64_t ttl = -1;  // on the wire only for createTTL (see has_ttl)
  void Write(JuteWriter& w, bool has_ttl) const;
  void Read(JuteReader& r, bool has_ttl);
};

// delete (version), check (version).
struct PathVersionRequest {
  std::string path;
  int32_t version = -1;
  void Write(JuteWriter& w) const;
  void Read(JuteReader& r);
};

struct SetDataRequest {
  std::string path;
  std::string data;
  bool data_null = false;
  int32_t version = -1;
  void Write(JuteWriter& w) const;
  void Read(JuteReader& r);
};

struct SetAclRequest {
  std::string path;
  AclList acl;
  int32_t version = -1;
  void Write(JuteWriter& w) const;
  void Read(JuteReader& r);
};

// checkWatches, removeWatches: path + WatcherType; addWatch: path + mode.
struct PathIntRequest {
  std::string path;
  int32_t value = 0;
  void Write(JuteWriter& w) const;
  void Read(JuteReader& r);
};

struct AuthPacket {
  int32_t type = 0;
  std::string scheme;
  std::string auth;
  void Write(JuteWriter& w) const;
  void Read(JuteReader& r);
};

// SetWatches (opcode 101) has the first four lists; SetWatches2 (105) all six.
struct SetWatchesRequest {
  int64_t relative_zxid = 0;
  std::vector<std::string> data_watches;
  std::vector<std::string> exist_watches;
  std::vector<std::string> child_watches;
  std::vector<std::string> persistent_watches;
  std::vector<std::string> persistent_recursive_watches;
  void Write(JuteWriter& w, bool v2) const;
  void Read(JuteReader& r, bool v2);
};

// Responses.
void WriteStrings(JuteWriter& w, const std::vector<std::string>& v);
std::vector<std::string> ReadStrings(JuteReader& r);
void WriteAcls(JuteWriter& w, const AclList& v);
AclList ReadAcls(JuteReader& r);

// Encodes a record into a fresh string.
template <typename R>
std::string Encode(const R& record) {
  std::string out;
  JuteWriter w(&out);
  record.Write(w);
  return out;
}

}  // namespace cairn::proto
