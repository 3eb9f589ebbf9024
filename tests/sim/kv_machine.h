// tests/sim/kv_machine.h: the replicated state machine the simulator runs
// on top of zab::Peer: a map of small string keys to values, driven by
// txns that name the client write they carry. Reads do not go through the
// log: a client syncs with a serving peer (Peer::Sync) and reads that
// replica's map, as a ZooKeeper client reads after sync(); their results
// are part of the history the linearizability checker judges.
//
// It keeps a running digest of everything applied, so two replicas at the
// same zxid must have the same digest (the simulator checks it).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "zab/core/types.h"

namespace cairn::sim {

// A client write as a txn.
struct KvOp {
  int client = 0;
  int64_t op_id = 0;  // unique per run
  std::string key;
  std::string value;
};
std::string EncodeOp(const KvOp& op);
// REQUIRES: txn came from EncodeOp (aborts otherwise: the log holds only those).
KvOp DecodeOp(const std::string& txn);

class KvMachine {
 public:
  // Applies the txn at zxid. REQUIRES: zxid above zxid().
  void Apply(zab::Zxid zxid, const std::string& txn);
  // The key's value, "" when absent (the checker's register model).
  std::string Read(const std::string& key) const;

  std::string Snapshot() const;
  // REQUIRES: snapshot came from Snapshot() (or is empty: the initial state).
  static KvMachine FromSnapshot(const std::string& snapshot);

  zab::Zxid zxid() const { return zxid_; }
  uint64_t digest() const { return digest_; }
  const std::map<std::string, std::string>& data() const { return data_; }

 private:
  zab::Zxid zxid_ = 0;
  uint64_t digest_ = 0;
  std::map<std::string, std::string> data_;
};

}  // namespace cairn::sim
