// tests/sim/invariants.h: the safety properties the simulator checks after
// every step (ARCHITECTURE.md "Deterministic simulation"):
//  - one txn per zxid, across every log of every server, ever;
//  - the committed sequence never changes: every server applies exactly
//    the one global sequence of (zxid, txn), each from where its state
//    machine starts (a snapshot is a position in that sequence);
//  - at most one leader is established per epoch;
//  - servers at the same zxid have the same state digest.
// Each hook returns an empty string, or what was violated.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "zab/core/types.h"

namespace cairn::sim {

class Invariants {
 public:
  std::string OnLogged(zab::Sid sid, zab::Zxid zxid, const std::string& txn);
  std::string OnApplied(zab::Sid sid, zab::Zxid zxid, const std::string& txn, uint64_t digest);
  // sid's state machine now starts at zxid (restart or installed snapshot).
  std::string OnStateMachineAt(zab::Sid sid, zab::Zxid zxid, uint64_t digest);
  std::string OnEstablished(zab::Sid sid, zab::Epoch epoch);

  // The committed sequence so far.
  const std::vector<std::pair<zab::Zxid, std::string>>& committed() const { return committed_; }
  // Where sid's state machine is in it (entries applied).
  size_t position(zab::Sid sid) const;
  // Whether the txn was ever committed (applied by someone).
  bool IsCommitted(const std::string& txn) const { return committed_txns_.count(txn) > 0; }

 private:
  std::string CheckDigest(zab::Sid sid, zab::Zxid zxid, uint64_t digest);

  std::map<zab::Zxid, std::string> txn_at_;
  std::vector<std::pair<zab::Zxid, std::string>> committed_;
  std::map<zab::Zxid, size_t> index_of_;  // zxid -> position after it
  std::map<std::string, zab::Zxid> committed_txns_;
  std::map<zab::Sid, size_t> position_;
  std::map<zab::Zxid, std::pair<zab::Sid, uint64_t>> digest_at_;
  std::map<zab::Epoch, zab::Sid> leader_of_;
};

}  // namespace cairn::sim
