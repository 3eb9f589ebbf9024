#include "server/auth.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace cairn::server {

std::string DigestOf(std::string_view user_password) {
  unsigned char sha[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(user_password.data()), user_password.size(), sha);
  unsigned char b64[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
  int n = EVP_EncodeBlock(b64, sha, SHA_DIGEST_LENGTH);
  std::string_view user = user_password.substr(0, user_password.find(':'));
  return std::string(user) + ":" + std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n));
}

bool Authenticate(std::string_view scheme, std::string_view auth, const std::string& super_digest,
                  znode::AuthIds* ids) {
  // ip: the connection already carries its address; nothing to add.
  if (scheme == "ip") return true;
  if (scheme != "digest") return false;
  // Like ZooKeeper's addAuthInfo, an id the connection already has is not
  // added again.
  auto add = [ids](proto::Id id) {
    for (const auto& existing : *ids) {
      if (existing == id) return;
    }
    ids->push_back(std::move(id));
  };
  std::string id = DigestOf(auth);
  if (!super_digest.empty() && id == super_digest) add(proto::Id{"super", ""});
  add(proto::Id{"digest", id});
  return true;
}

}  // namespace cairn::server
