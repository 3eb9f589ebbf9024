// zab/core/output.h: what a Peer asks of its driver after an input. The
// driver takes it with Peer::TakeOutput and, in this order: hands the
// persist requests to storage (in order), sends the messages, applies the
// committed entries to the state machine, answers the finished syncs, and
// answers snapshot_wanted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zab/core/message.h"
#include "zab/core/types.h"

namespace cairn::zab {

// Something to make durable. Storage executes requests in seq order and
// reports each with Peer::OnPersisted(seq) once it is on disk, in the same
// order. A crash may lose requests that were not reported, never one that
// was. The core holds back the epoch writes until every earlier request is
// reported, so they never overtake log writes even on storage that keeps
// epochs apart from the log.
struct PersistRequest {
  enum class Kind : uint8_t {
    kAppend,           // entries, after the log's last
    kTruncateAfter,    // drop entries above zxid
    kInstallSnapshot,  // the state machine becomes snapshot (at zxid); the log is emptied
    kAcceptedEpoch,    // epoch
    kCurrentEpoch,     // epoch
  };
  uint64_t seq = 0;
  Kind kind = Kind::kAppend;
  std::vector<Entry> entries;
  Zxid zxid = 0;
  Epoch epoch = 0;
  std::string snapshot;
};
const char* PersistKindName(PersistRequest::Kind kind);

// A Peer::Sync that finished: ok, once the driver has applied this
// output's committed entries its state machine is at zxid or later, which
// holds everything committed before the call: read it then. Not ok, the
// peer stopped serving first (the caller may try elsewhere).
struct SyncDone {
  uint64_t id = 0;
  bool ok = false;
  Zxid zxid = 0;
};

struct Output {
  std::vector<Message> messages;
  std::vector<PersistRequest> persist;
  // Entries to apply, in zxid order, each once per Peer, only entries that
  // are committed and durable here. An InstallSnapshot request replaces the
  // state machine with the snapshot; the entries handed out after it
  // continue from the snapshot's zxid.
  std::vector<Entry> committed;
  // Syncs finished, to answer after applying `committed`.
  std::vector<SyncDone> syncs;
  // The leader needs the state machine to sync a follower: call
  // Peer::OnSnapshot with it (at the last applied zxid).
  bool snapshot_wanted = false;
  // Role, epoch or serving changed (read them from the Peer).
  bool state_changed = false;
  // One line per notable event, for the log and the simulator's trace.
  std::vector<std::string> events;

  bool empty() const {
    return messages.empty() && persist.empty() && committed.empty() && syncs.empty() && !snapshot_wanted &&
           !state_changed && events.empty();
  }
};

}  // namespace cairn::zab
