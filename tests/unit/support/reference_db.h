// tests/unit/support/reference_db.h: a reference Database driven the way the
// server drives it (prep, then apply, with explicit zxids and times), which
// keeps each txn's encoding for a log; a deterministic workload of every kind
// of write; and a deep comparison of two Databases. Storage, recovery and
// snapshot tests share these so each compares against the same truth.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "server/database.h"
#include "unit/znode/harness.h"
#include "zab/storage/storage_env.h"
#include "zab/storage/txn_log.h"

namespace cairn::testing {

inline constexpr int64_t kRefTick = 2000;

inline constexpr int32_t kPersistentFlag = static_cast<int32_t>(proto::CreateMode::kPersistent);
inline constexpr int32_t kEphemeralFlag = static_cast<int32_t>(proto::CreateMode::kEphemeral);
inline constexpr int32_t kPersistentSeqFlag =
    static_cast<int32_t>(proto::CreateMode::kPersistentSequential);

// Prep options with TTL and container nodes enabled.
znode::PrepOptions ExtendedPrep();

// The reference: preps and applies txns on its own Database and keeps their
// encodings for the log.
class ReferenceDb {
 public:
  ReferenceDb() : db(kRefTick, ExtendedPrep()) {}

  // The next txns are numbered from the start of epoch.
  void NewEpoch(uint32_t epoch);

  znode::ApplyResult Commit(const znode::Txn& txn);
  znode::ApplyResult Write(proto::OpCode op, const std::string& body, int64_t session = kSession);
  // Write, required to succeed.
  void Must(proto::OpCode op, const std::string& body, int64_t session = kSession);
  void Create(const std::string& path, int32_t flags = kPersistentFlag, const std::string& data = "",
              int64_t session = kSession, proto::AclList acl = OpenAcl());
  void CreateSession(int64_t id, int32_t timeout_ms);
  void CloseSession(int64_t id);

  // Appends what was not logged yet, as one batch.
  void Flush(storage::TxnLog& log);
  // Writes a snapshot of the current state into dir; returns its zxid.
  int64_t Snapshot(storage::StorageEnv* env, const std::string& dir);
  int64_t Time() { return now_ms += 10; }

  server::Database db;
  std::vector<storage::LogRecord> unlogged;
  std::vector<storage::LogRecord> all;
  znode::AuthIds auth;
  int32_t cxid = 0;
  int64_t now_ms = 1700000000000LL;
};

// One round of every kind of write (sessions, sequential and ephemeral
// nodes, setData, delete, setACL, containers, multi, TTL, failing requests);
// deterministic, so two references that run the same rounds hold the same
// state.
void Workload(ReferenceDb& w, int round);

// The names of the stored fields in which a and b differ, comma-separated
// ("" if none).
std::string DiffNode(const znode::DataTree& ta, const znode::Node& a, const znode::DataTree& tb,
                     const znode::Node& b);

// Requires that got holds want's tree, sessions (ids, timeouts, passwords)
// and zxid counter; reports the first differing nodes.
void RequireSameState(const server::Database& want, const server::Database& got);

}  // namespace cairn::testing
