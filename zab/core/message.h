// zab/core/message.h: what peers send each other. Pure value types; the
// peer transport (zab/net) frames them, the simulator delivers them.
//
// Votes travel alone. Everything between a leader and one follower belongs
// to a link: the follower opens it with a FOLLOWERINFO carrying a fresh
// link id, and each side numbers its messages on the link 1, 2, 3...
// A receiver takes them in number order: an older one is a duplicate and is
// ignored, a newer one waits until the gap before it fills; a gap that stays
// open for syncLimit ticks means a message was lost, and the link is
// dropped (the follower starts over). So the core is safe on a network that
// drops, duplicates and reorders, and on TCP it costs two integers per
// message.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zab/core/types.h"

namespace cairn::zab {

enum class MessageType : uint8_t {
  kVote,          // election notification
  kFollowerInfo,  // follower -> leader: opens a link; epoch = acceptedEpoch
  kLeaderInfo,    // leader -> follower: epoch = the new epoch
  kAckEpoch,      // follower -> leader: epoch = currentEpoch, zxid = last zxid, epochs
  kSync,          // leader -> follower: mode, entries, commit
  kNewLeader,     // leader -> follower: epoch, zxid = the leader's last zxid
  kUpToDate,      // leader -> follower: serve; commit = committed through
  kProposal,      // leader -> follower: entries (a batch)
  kAck,           // follower -> leader: zxid = durable through
  kCommit,        // leader -> follower: commit = committed through
  kPing,          // either way on a link: I am alive; leader's carries commit
                  // and probe, the follower's echoes the probe it last saw
  kSyncRead,      // follower -> leader: request = the follower's sync id
  kSyncPoint,     // leader -> follower: request, zxid = the point to read at
};
const char* MessageTypeName(MessageType type);

enum class SyncMode : uint8_t {
  kDiff,   // append entries after the follower's last zxid
  kTrunc,  // drop the follower's entries after `zxid`, then append
  kSnap,   // replace everything with the snapshot, then append
};
const char* SyncModeName(SyncMode mode);

// The highest counter a log holds in one epoch (ACKEPOCH sends these for
// the newest epochs of the follower's log).
struct EpochEnd {
  Epoch epoch = 0;
  uint32_t last_counter = 0;
  bool operator==(const EpochEnd&) const = default;
};

struct Message {
  MessageType type = MessageType::kVote;
  Sid from = 0;
  Sid to = 0;

  // Link messages (all but kVote). `leadership` names the leader's term of
  // office (a leader that goes back to LOOKING and wins again starts a new
  // one): the leader sets it, the follower echoes it (0 on FOLLOWERINFO),
  // so a link never spans two of them.
  uint64_t link = 0;
  uint64_t seq = 0;
  uint64_t leadership = 0;

  // kVote.
  Role state = Role::kLooking;  // the sender's role
  uint64_t round = 0;           // the sender's election round
  Vote vote;

  Epoch epoch = 0;  // see MessageType
  Zxid zxid = 0;    // see MessageType; kSync kTrunc: truncate after this
  Zxid commit = 0;  // kSync, kUpToDate, kCommit, kPing: committed through;
                    // kAckEpoch: what the follower has applied

  // kAckEpoch: whether the LEADERINFO's epoch was new to the follower (it
  // accepted it just now). An ack of an epoch it had accepted already, from
  // another leader, must not count towards this leader's quorum: two
  // leaders could otherwise both establish the same epoch (ZooKeeper
  // answers -1 for the same reason).
  bool fresh = false;
  // kAckEpoch: the follower's log. base is its snapshot's zxid (committed,
  // below every entry); epochs newest first, at most kMaxEpochEnds.
  Zxid base = 0;
  std::vector<EpochEnd> epochs;

  // kPing: the leader's latest quorum probe (see Peer::Sync); a follower
  // echoes it. kSyncRead, kSyncPoint: the follower's id for the sync.
  uint64_t probe = 0;
  uint64_t request = 0;

  // kSync.
  SyncMode mode = SyncMode::kDiff;
  Zxid snapshot_zxid = 0;  // kSnap
  std::string snapshot;    // kSnap: the state machine, opaque

  std::vector<Entry> entries;  // kSync, kProposal: ascending zxids

  static constexpr size_t kMaxEpochEnds = 32;
};

// One line for traces: "1->2 PROPOSAL link=7 seq=3 0x100000001..0x100000004".
std::string Describe(const Message& message);

}  // namespace cairn::zab
