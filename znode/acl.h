// znode/acl.h: ACL checks and the authentication schemes' matching rules
// (world, digest, ip, super), as ZooKeeper's checkACL and fixupACL apply
// them. Pure: digests are computed by server/ when a client authenticates.
#pragma once

#include <string_view>
#include <vector>

#include "proto/codes.h"
#include "proto/records.h"

namespace cairn::znode {

// What one connection has proven: ("ip", "127.0.0.1") from its address,
// ("digest", "user:hash") per addauth, ("super", "") for the super digest.
using AuthIds = std::vector<proto::Id>;

// True if auth may do perm (one of proto::perms) on a node with this ACL.
// An empty ACL allows everything; a "super" id allows everything.
bool CheckAcl(const proto::AclList& acl, int32_t perm, const AuthIds& auth);

// Validates an ACL from a create or setACL and expands "auth" entries into
// the caller's authenticated ids. Duplicates are dropped. Returns
// kInvalidAcl for an empty list, an unknown scheme, a malformed id, or an
// "auth" entry when the caller has no authenticated id.
proto::ErrorCode FixupAcl(const proto::AclList& in, const AuthIds& auth, proto::AclList* out);

// Scheme rules, exposed for tests.
bool IsValidDigestId(std::string_view id);    // "user:base64hash"
bool IsValidIpId(std::string_view id);        // "1.2.3.4", "10.0.0.0/8", IPv6 forms
bool IpMatches(std::string_view client_ip, std::string_view acl_id);

}  // namespace cairn::znode
