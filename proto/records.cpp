#include "proto/records.h"

#include <tuple>

namespace cairn::proto {

void Id::Write(JuteWriter& w) const {
  w.String(scheme);
  w.String(id);
}
void Id::Read(JuteReader& r) {
  scheme = r.String();
  id = r.String();
}

bool operator<(const Acl& a, const Acl& b) {
  return std::tie(a.perms, a.id.scheme, a.id.id) < std::tie(b.perms, b.id.scheme, b.id.id);
}

void Acl::Write(JuteWriter& w) const {
  w.Int(perms);
  id.Write(w);
}
void Acl::Read(JuteReader& r) {
  perms = r.Int();
  id.Read(r);
}

void Stat::Write(JuteWriter& w) const {
  FixedRecord<68> r;  // in every write reply and most read replies: one append
  r.Long(czxid);
  r.Long(mzxid);
  r.Long(ctime);
  r.Long(mtime);
  r.Int(version);
  r.Int(cversion);
  r.Int(aversion);
  r.Long(ephemeral_owner);
  r.Int(data_length);
  r.Int(num_children);
  r.Long(pzxid);
  w.Raw(r);
}
void Stat::Read(JuteReader& r) {
  czxid = r.Long();
  mzxid = r.Long();
  ctime = r.Long();
  mtime = r.Long();
  version = r.Int();
  cversion = r.Int();
  aversion = r.Int();
  ephemeral_owner = r.Long();
  data_length = r.Int();
  num_children = r.Int();
  pzxid = r.Long();
}

void ClientInfo::Write(JuteWriter& w) const {
  w.String(auth_scheme);
  w.String(user);
}
void ClientInfo::Read(JuteReader& r) {
  auth_scheme = r.String();
  user = r.String();
}

void ConnectRequest::Write(JuteWriter& w) const {
  w.Int(protocol_version);
  w.Long(last_zxid_seen);
  w.Int(timeout_ms);
  w.Long(session_id);
  w.Buffer(passwd);
  if (read_only) w.Bool(*read_only);
}
void ConnectRequest::Read(JuteReader& r) {
  protocol_version = r.Int();
  last_zxid_seen = r.Long();
  timeout_ms = r.Int();
  session_id = r.Long();
  passwd = r.Buffer();
  read_only.reset();
  if (r.ok() && r.remaining() >= 1) read_only = r.Bool();
}

void ConnectResponse::Write(JuteWriter& w) const {
  w.Int(protocol_version);
  w.Int(timeout_ms);
  w.Long(session_id);
  w.Buffer(passwd);
  if (read_only) w.Bool(*read_only);
}
void ConnectResponse::Read(JuteReader& r) {
  protocol_version = r.Int();
  timeout_ms = r.Int();
  session_id = r.Long();
  passwd = r.Buffer();
  read_only.reset();
  if (r.ok() && r.remaining() >= 1) read_only = r.Bool();
}

void RequestHeader::Write(JuteWriter& w) const {
  w.Int(xid);
  w.Int(type);
}
void RequestHeader::Read(JuteReader& r) {
  xid = r.Int();
  type = r.Int();
}

void ReplyHeader::Write(JuteWriter& w) const {
  FixedRecord<16> r;
  r.Int(xid);
  r.Long(zxid);
  r.Int(err);
  w.Raw(r);
}
void ReplyHeader::Read(JuteReader& r) {
  xid = r.Int();
  zxid = r.Long();
  err = r.Int();
}

void WatcherEvent::Write(JuteWriter& w) const {
  w.Int(type);
  w.Int(state);
  w.String(path);
}
void WatcherEvent::Read(JuteReader& r) {
  type = r.Int();
  state = r.Int();
  path = r.String();
}

void PathRequest::Write(JuteWriter& w) const { w.String(path); }
void PathRequest::Read(JuteReader& r) { path = r.String(); }

void PathWatchRequest::Write(JuteWriter& w) const {
  w.String(path);
  w.Bool(watch);
}
void PathWatchRequest::Read(JuteReader& r) {
  path = r.String();
  watch = r.Bool();
}

void WriteAcls(JuteWriter& w, const AclList& v) {
  w.Count(static_cast<int32_t>(v.size()));
  for (const auto& a : v) a.Write(w);
}
AclList ReadAcls(JuteReader& r) {
  AclList out;
  int32_t n = r.Count(12);  // perms + two empty strings
  out.resize(static_cast<size_t>(n));
  for (auto& a : out) a.Read(r);
  if (!r.ok()) out.clear();
  return out;
}

void WriteStrings(JuteWriter& w, const std::vector<std::string>& v) {
  w.Count(static_cast<int32_t>(v.size()));
  for (const auto& s : v) w.String(s);
}
std::vector<std::string> ReadStrings(JuteReader& r) {
  std::vector<std::string> out;
  int32_t n = r.Count(4);
  out.reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n && r.ok(); ++i) out.push_back(r.String());
  if (!r.ok()) out.clear();
  return out;
}

void CreateRequest::Write(JuteWriter& w, bool has_ttl) const {
  w.String(path);
  if (data_null) {
    w.NullBuffer();
  } else {
    w.Buffer(data);
  }
  WriteAcls(w, acl);
  w.Int(flags);
  if (has_ttl) w.Long(ttl);
}
void CreateRequest::Read(JuteReader& r, bool has_ttl) {
  path = r.String();
  data = r.Buffer(&data_null);
  acl = ReadAcls(r);
  flags = r.Int();
  ttl = has_ttl ? r.Long() : -1;
}

void PathVersionRequest::Write(JuteWriter& w) const {
  w.String(path);
  w.Int(version);
}
void PathVersionRequest::Read(JuteReader& r) {
  path = r.String();
  version = r.Int();
}

void SetDataRequest::Write(JuteWriter& w) const {
  w.String(path);
  if (data_null) {
    w.NullBuffer();
  } else {
    w.Buffer(data);
  }
  w.Int(version);
}
void SetDataRequest::Read(JuteReader& r) {
  path = r.String();
  data = r.Buffer(&data_null);
  version = r.Int();
}

void SetAclRequest::Write(JuteWriter& w) const {
  w.String(path);
  WriteAcls(w, acl);
  w.Int(version);
}
void SetAclRequest::Read(JuteReader& r) {
  path = r.String();
  acl = ReadAcls(r);
  version = r.Int();
}

void PathIntRequest::Write(JuteWriter& w) const {
  w.String(path);
  w.Int(value);
}
void PathIntRequest::Read(JuteReader& r) {
  path = r.String();
  value = r.Int();
}

void AuthPacket::Write(JuteWriter& w) const {
  w.Int(type);
  w.String(scheme);
  w.Buffer(auth);
}
void AuthPacket::Read(JuteReader& r) {
  type = r.Int();
  scheme = r.String();
  auth = r.Buffer();
}

void SetWatchesRequest::Write(JuteWriter& w, bool v2) const {
  w.Long(relative_zxid);
  WriteStrings(w, data_watches);
  WriteStrings(w, exist_watches);
  WriteStrings(w, child_watches);
  if (v2) {
    WriteStrings(w, persistent_watches);
    WriteStrings(w, persistent_recursive_watches);
  }
}
void SetWatchesRequest::Read(JuteReader& r, bool v2) {
  relative_zxid = r.Long();
  data_watches = ReadStrings(r);
  exist_watches = ReadStrings(r);
  child_watches = ReadStrings(r);
  persistent_watches.clear();
  persistent_recursive_watches.clear();
  if (v2) {
    persistent_watches = ReadStrings(r);
    persistent_recursive_watches = ReadStrings(r);
  }
}

}  // namespace cairn::proto
