// session/session_snapshot.h: the session table as one snapshot chunk, and
// back. Pure.
//
// Chunk grammar (integers big-endian):
//   sessions := byte 'S' u32 count { i64 id, i32 timeoutMs, u32 n, n bytes passwd }*
// Expiry times are not stored: a restored session gets a fresh timeout
// from the moment of recovery, as in ZooKeeper, so that its owner has a
// whole timeout to reconnect.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"
#include "session/session_table.h"

namespace cairn::session {

std::string EncodeSessionSnapshot(const SessionTable& table);
bool IsSessionSnapshotChunk(std::string_view chunk);
// Adds every session of chunk to table, expiring at now_ms + its timeout.
Result<void> LoadSessionSnapshot(std::string_view chunk, int64_t now_ms, SessionTable* table);

}  // namespace cairn::session
