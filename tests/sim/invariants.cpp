#include "sim/invariants.h"

namespace cairn::sim {

using zab::ZxidString;

std::string Invariants::OnLogged(zab::Sid sid, zab::Zxid zxid, const std::string& txn) {
  auto [it, fresh] = txn_at_.emplace(zxid, txn);
  if (fresh || it->second == txn) return "";
  return "two txns at zxid " + ZxidString(zxid) + ": server " + std::to_string(sid) + " logged '" + txn +
         "', another had '" + it->second + "'";
}

std::string Invariants::OnApplied(zab::Sid sid, zab::Zxid zxid, const std::string& txn, uint64_t digest) {
  size_t& at = position_[sid];
  if (at < committed_.size()) {
    const auto& [z, t] = committed_[at];
    if (z != zxid || t != txn) {
      return "server " + std::to_string(sid) + " applied '" + txn + "' at " + ZxidString(zxid) + " as entry " +
             std::to_string(at + 1) + " of the committed sequence, which is '" + t + "' at " + ZxidString(z);
    }
  } else {
    if (!committed_.empty() && zxid <= committed_.back().first) {
      return "server " + std::to_string(sid) + " applied " + ZxidString(zxid) + " after " +
             ZxidString(committed_.back().first);
    }
    committed_.emplace_back(zxid, txn);
    index_of_[zxid] = committed_.size();
    committed_txns_[txn] = zxid;
  }
  ++at;
  return CheckDigest(sid, zxid, digest);
}

std::string Invariants::OnStateMachineAt(zab::Sid sid, zab::Zxid zxid, uint64_t digest) {
  if (zxid == 0) {
    position_[sid] = 0;
    return "";
  }
  auto it = index_of_.find(zxid);
  if (it == index_of_.end()) {
    return "server " + std::to_string(sid) + " has a state machine at " + ZxidString(zxid) +
           ", which is not in the committed sequence";
  }
  position_[sid] = it->second;
  return CheckDigest(sid, zxid, digest);
}

std::string Invariants::OnEstablished(zab::Sid sid, zab::Epoch epoch) {
  auto [it, fresh] = leader_of_.emplace(epoch, sid);
  if (fresh || it->second == sid) return "";
  return "two leaders established in epoch " + std::to_string(epoch) + ": " + std::to_string(it->second) +
         " and " + std::to_string(sid);
}

size_t Invariants::position(zab::Sid sid) const {
  auto it = position_.find(sid);
  return it == position_.end() ? 0 : it->second;
}

std::string Invariants::CheckDigest(zab::Sid sid, zab::Zxid zxid, uint64_t digest) {
  auto [it, fresh] = digest_at_.emplace(zxid, std::make_pair(sid, digest));
  if (fresh || it->second.second == digest) return "";
  return "servers " + std::to_string(it->second.first) + " and " + std::to_string(sid) + " differ at " +
         ZxidString(zxid) + " (digest " + std::to_string(it->second.second) + " vs " + std::to_string(digest) + ")";
}

}  // namespace cairn::sim
