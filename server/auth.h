// server/auth.h: the digest authentication scheme: what addauth proves.
// Stateless functions; any thread.
#pragma once

#include <string>
#include <string_view>

#include "znode/acl.h"

namespace cairn::server {

// "user:password" -> "user:base64(sha1(user:password))".
std::string DigestOf(std::string_view user_password);

// Handles an auth packet. "digest" adds an id; "ip" is accepted and adds
// nothing (the connection carries its address already); returns false for any
// other scheme (the caller answers AuthFailed and closes, as ZooKeeper
// does). Adds ("digest", id) to ids, and ("super", "") when the digest is
// the configured super digest.
bool Authenticate(std::string_view scheme, std::string_view auth, const std::string& super_digest,
                  znode::AuthIds* ids);

}  // namespace cairn::server
