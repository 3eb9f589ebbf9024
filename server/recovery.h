// server/recovery.h: startup recovery: the newest snapshot that verifies,
// then the txn log after it, applied through the one ApplyTxn. Core thread,
// before the server serves anyone.
//
// It refuses to start (returns Corruption) rather than serve a state with a
// hole in it: when the log has dropped records that no usable snapshot
// covers (a snapshot is missing or corrupt), when the records after the
// snapshot do not follow each other zxid by zxid, or when a record before
// the tail fails its checksum or does not decode.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "server/database.h"
#include "zab/storage/storage_env.h"
#include "zab/storage/txn_log.h"

namespace cairn::server {

struct RecoveryReport {
  int64_t snapshot_zxid = 0;  // 0: started from an empty tree
  std::string snapshot_path;
  // Newer snapshots that did not verify, with the reason (each is logged).
  std::vector<std::string> rejected_snapshots;
  int64_t replayed_txns = 0;
  int64_t last_zxid = 0;
  std::optional<int64_t> torn_tail_zxid;  // from TxnLog::Open
  int64_t snapshot_load_ms = 0;
  int64_t replay_ms = 0;
};

// True if next may directly follow prev in the log: the next counter of the
// same epoch, or the first txn of a later epoch.
bool FollowsInLog(int64_t prev_zxid, int64_t next_zxid);

// REQUIRES: db is freshly constructed. now_mono_ms: restored sessions
// expire a full timeout after it. clock_ms measures the phases.
Result<RecoveryReport> Recover(storage::StorageEnv* env, const std::string& snapshot_dir,
                               const storage::TxnLog& log, int64_t now_mono_ms, Database* db,
                               const std::function<int64_t()>& clock_ms);

}  // namespace cairn::server
