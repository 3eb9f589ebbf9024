#include "zab/core/message.h"

#include "zab/core/output.h"

namespace cairn::zab {

const char* MessageTypeName(MessageType type) {
  switch (type) {
    case MessageType::kVote: return "VOTE";
    case MessageType::kFollowerInfo: return "FOLLOWERINFO";
    case MessageType::kLeaderInfo: return "LEADERINFO";
    case MessageType::kAckEpoch: return "ACKEPOCH";
    case MessageType::kSync: return "SYNC";
    case MessageType::kNewLeader: return "NEWLEADER";
    case MessageType::kUpToDate: return "UPTODATE";
    case MessageType::kProposal: return "PROPOSAL";
    case MessageType::kAck: return "ACK";
    case MessageType::kCommit: return "COMMIT";
    case MessageType::kPing: return "PING";
    case MessageType::kSyncRead: return "SYNCREAD";
    case MessageType::kSyncPoint: return "SYNCPOINT";
  }
  return "?";
}

const char* SyncModeName(SyncMode mode) {
  switch (mode) {
    case SyncMode::kDiff: return "DIFF";
    case SyncMode::kTrunc: return "TRUNC";
    case SyncMode::kSnap: return "SNAP";
  }
  return "?";
}

const char* PersistKindName(PersistRequest::Kind kind) {
  switch (kind) {
    case PersistRequest::Kind::kAppend: return "append";
    case PersistRequest::Kind::kTruncateAfter: return "truncate";
    case PersistRequest::Kind::kInstallSnapshot: return "install-snapshot";
    case PersistRequest::Kind::kAcceptedEpoch: return "acceptedEpoch";
    case PersistRequest::Kind::kCurrentEpoch: return "currentEpoch";
  }
  return "?";
}

namespace {

std::string Range(const std::vector<Entry>& entries) {
  if (entries.empty()) return "none";
  if (entries.size() == 1) return ZxidString(entries.front().zxid);
  return ZxidString(entries.front().zxid) + ".." + ZxidString(entries.back().zxid);
}

}  // namespace

std::string Describe(const Message& m) {
  std::string s = std::to_string(m.from) + "->" + std::to_string(m.to) + " " + MessageTypeName(m.type);
  if (m.type == MessageType::kVote) {
    return s + " " + RoleName(m.state) + " round=" + std::to_string(m.round) + " vote=(" +
           std::to_string(m.vote.leader) + " epoch=" + std::to_string(m.vote.epoch) + " zxid=" +
           ZxidString(m.vote.zxid) + ")";
  }
  s += " seq=" + std::to_string(m.seq);
  switch (m.type) {
    case MessageType::kFollowerInfo:
    case MessageType::kLeaderInfo:
      return s + " epoch=" + std::to_string(m.epoch);
    case MessageType::kAckEpoch:
      return s + " epoch=" + std::to_string(m.epoch) + " last=" + ZxidString(m.zxid);
    case MessageType::kSync: {
      s += std::string(" ") + SyncModeName(m.mode);
      if (m.mode == SyncMode::kTrunc) s += " after=" + ZxidString(m.zxid);
      if (m.mode == SyncMode::kSnap) s += " snapshot=" + ZxidString(m.snapshot_zxid);
      return s + " entries=" + Range(m.entries) + " commit=" + ZxidString(m.commit);
    }
    case MessageType::kNewLeader:
      return s + " epoch=" + std::to_string(m.epoch) + " zxid=" + ZxidString(m.zxid);
    case MessageType::kProposal:
      return s + " " + Range(m.entries);
    case MessageType::kAck:
      return s + " " + ZxidString(m.zxid);
    case MessageType::kUpToDate:
    case MessageType::kCommit:
      return s + " " + ZxidString(m.commit);
    case MessageType::kPing:
      return m.probe == 0 ? s : s + " probe=" + std::to_string(m.probe);
    case MessageType::kSyncRead:
      return s + " request=" + std::to_string(m.request);
    case MessageType::kSyncPoint:
      return s + " request=" + std::to_string(m.request) + " at=" + ZxidString(m.zxid);
    case MessageType::kVote:
      return s;
  }
  return s;
}

}  // namespace cairn::zab
