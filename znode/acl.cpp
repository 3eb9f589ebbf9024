#include "znode/acl.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>

namespace cairn::znode {
namespace {

// Parses an IPv4 or IPv6 literal; returns the byte count (4 or 16), 0 if
// it is neither.
size_t ParseIp(std::string_view text, std::array<unsigned char, 16>* bytes) {
  std::string s(text);
  if (inet_pton(AF_INET, s.c_str(), bytes->data()) == 1) return 4;
  if (inet_pton(AF_INET6, s.c_str(), bytes->data()) == 1) return 16;
  return 0;
}

bool ParseBits(std::string_view text, int max_bits, int* bits) {
  if (text.empty() || text.size() > 3) return false;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v > max_bits) return false;
  *bits = v;
  return true;
}

bool Matches(const proto::Id& auth, const proto::Id& acl) {
  if (auth.scheme != acl.scheme) return false;
  if (acl.scheme == "ip") return IpMatches(auth.id, acl.id);
  return auth.id == acl.id;  // digest and any exact-match scheme
}

}  // namespace

bool IsValidDigestId(std::string_view id) {
  // ZooKeeper wants id.split(":") to give exactly two parts; Java's split
  // drops trailing empty parts, so "user:hash:" is valid and "user:" not.
  while (!id.empty() && id.back() == ':') id.remove_suffix(1);
  size_t colon = id.find(':');
  return colon != std::string_view::npos && id.find(':', colon + 1) == std::string_view::npos;
}

bool IsValidIpId(std::string_view id) {
  size_t slash = id.find('/');
  std::array<unsigned char, 16> bytes{};
  size_t n = ParseIp(id.substr(0, slash), &bytes);
  if (n == 0) return false;
  if (slash == std::string_view::npos) return true;
  int bits = 0;
  return ParseBits(id.substr(slash + 1), static_cast<int>(n * 8), &bits);
}

bool IpMatches(std::string_view client_ip, std::string_view acl_id) {
  size_t slash = acl_id.find('/');
  std::array<unsigned char, 16> want{}, have{};
  size_t n = ParseIp(acl_id.substr(0, slash), &want);
  if (n == 0 || ParseIp(client_ip, &have) != n) return false;
  int bits = static_cast<int>(n * 8);
  if (slash != std::string_view::npos && !ParseBits(acl_id.substr(slash + 1), bits, &bits)) {
    return false;
  }
  for (int i = 0; i < bits; ++i) {
    int mask = 0x80 >> (i % 8);
    if ((want[i / 8] & mask) != (have[i / 8] & mask)) return false;
  }
  return true;
}

bool CheckAcl(const proto::AclList& acl, int32_t perm, const AuthIds& auth) {
  if (acl.empty()) return true;
  for (const auto& id : auth) {
    if (id.scheme == "super") return true;
  }
  for (const auto& a : acl) {
    if ((a.perms & perm) == 0) continue;
    if (a.id.scheme == "world" && a.id.id == "anyone") return true;
    for (const auto& id : auth) {
      if (Matches(id, a.id)) return true;
    }
  }
  return false;
}

proto::ErrorCode FixupAcl(const proto::AclList& in, const AuthIds& auth, proto::AclList* out) {
  // Duplicates go (a single entry, the usual case, has none to drop).
  proto::AclList deduplicated;
  if (in.size() > 1) {
    for (const auto& a : in) {
      if (std::find(deduplicated.begin(), deduplicated.end(), a) == deduplicated.end()) deduplicated.push_back(a);
    }
  }
  const proto::AclList& unique = in.size() > 1 ? deduplicated : in;
  if (unique.empty()) return proto::ErrorCode::kInvalidAcl;
  out->clear();
  out->reserve(unique.size());
  for (const auto& a : unique) {
    const auto& scheme = a.id.scheme;
    if (scheme == "world" && a.id.id == "anyone") {
      out->push_back(a);
    } else if (scheme == "auth") {
      bool any = false;
      for (const auto& id : auth) {
        if (id.scheme == "digest") {  // the only authenticated scheme here
          out->push_back(proto::Acl{a.perms, id});
          any = true;
        }
      }
      if (!any) return proto::ErrorCode::kInvalidAcl;
    } else if (scheme == "digest") {
      if (!IsValidDigestId(a.id.id)) return proto::ErrorCode::kInvalidAcl;
      out->push_back(a);
    } else if (scheme == "ip") {
      if (!IsValidIpId(a.id.id)) return proto::ErrorCode::kInvalidAcl;
      out->push_back(a);
    } else {
      return proto::ErrorCode::kInvalidAcl;
    }
  }
  return proto::ErrorCode::kOk;
}

}  // namespace cairn::znode
