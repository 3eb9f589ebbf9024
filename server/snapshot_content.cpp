#include "server/snapshot_content.h"

#include "session/session_snapshot.h"
#include "znode/tree_snapshot.h"

namespace cairn::server {

Result<void> WriteSnapshotContent(const Database& db, storage::SnapshotWriter* writer) {
  Result<void> status = boost::outcome_v2::success();
  znode::EncodeTreeSnapshot(db.tree(), kSnapshotChunkBytes, [&](std::string_view chunk) {
    status = writer->Add(chunk);
    return static_cast<bool>(status);
  });
  if (!status) return status;
  return writer->Add(session::EncodeSessionSnapshot(db.sessions()));
}

Result<void> LoadSnapshotContent(storage::SnapshotReader* reader, int64_t now_mono_ms, Database* db) {
  db->Reset();
  znode::TreeSnapshotLoader tree(&db->tree());
  bool sessions_seen = false;
  std::string chunk;
  for (;;) {  // bounded by the file: every Next consumes bytes or ends
    auto next = reader->Next(&chunk);
    if (!next) return next.error();
    if (!next.value()) break;
    if (znode::IsTreeSnapshotChunk(chunk)) {
      auto added = tree.Add(chunk);
      if (!added) return added;
    } else if (session::IsSessionSnapshotChunk(chunk)) {
      auto loaded = session::LoadSessionSnapshot(chunk, now_mono_ms, &db->sessions());
      if (!loaded) return loaded;
      sessions_seen = true;
    } else {
      return Corruption("snapshot has a chunk of unknown kind " + std::to_string(chunk[0]));
    }
  }
  if (!sessions_seen) return Corruption("snapshot has no session table");
  auto finished = tree.Finish(reader->zxid());
  if (!finished) return finished;
  db->set_last_zxid(reader->zxid());
  return boost::outcome_v2::success();
}

}  // namespace cairn::server
