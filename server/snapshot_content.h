// server/snapshot_content.h: what a snapshot holds (the tree and the
// session table at one zxid) in the chunks of a zab/storage snapshot file.
// Runs on whichever thread or process owns the Database it is given: the
// snapshot child writes, recovery on the core thread reads.
//
// Chunks (each module owns its chunk's format): the tree's ACL chunk and
// node chunks (znode/tree_snapshot.h), then one session chunk
// (session/session_snapshot.h). The file header carries the zxid.
#pragma once

#include <cstdint>

#include "base/error.h"
#include "server/database.h"
#include "zab/storage/snapshot_file.h"

namespace cairn::server {

// The size a node chunk grows to before it is written.
inline constexpr size_t kSnapshotChunkBytes = 1 << 20;

// Writes db's state into writer (the caller commits it).
Result<void> WriteSnapshotContent(const Database& db, storage::SnapshotWriter* writer);

// Replaces db's state with reader's; restored sessions expire at
// now_mono_ms + their timeout. On failure db is left half-loaded: Reset it.
Result<void> LoadSnapshotContent(storage::SnapshotReader* reader, int64_t now_mono_ms, Database* db);

}  // namespace cairn::server
