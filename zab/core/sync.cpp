// zab/core/sync.cpp: making a follower's log the leader's. After ACKEPOCH
// the leader finds the last zxid both logs share and sends one SYNC: DIFF
// (the entries after it), TRUNC (drop the follower's entries after it,
// then the entries) or SNAP (the state machine, then the entries after
// it), followed by NEWLEADER. The follower persists all of it, and then
// its currentEpoch, before it acks NEWLEADER: the gates in peer.cpp make
// that order the only one possible. With a quorum of NEWLEADER acks the
// leader is established, commits its history and sends UPTODATE; from then
// on a newly synced follower gets UPTODATE as soon as it acks.
#include <algorithm>
#include <optional>

#include "base/assert.h"
#include "base/mark.h"
#include "zab/core/peer.h"
#include "zab/core/quorum.h"

namespace cairn::zab {

using Kind = PersistRequest::Kind;

namespace {

// The highest counter `log` holds in `epoch` (0: none).
uint32_t LastCounterIn(const std::deque<Entry>& log, Epoch epoch) {
  auto it = std::lower_bound(log.begin(), log.end(), MakeZxid(epoch + 1, 0),
                             [](const Entry& e, Zxid z) { return e.zxid < z; });
  if (it == log.begin()) return 0;
  --it;
  return EpochOf(it->zxid) == epoch ? CounterOf(it->zxid) : 0;
}

}  // namespace

// --- leader

void Peer::LeaderStartSync(Sid sid, FollowerLink& f) {
  LeaderFlushProposals();  // the SYNC carries every entry so far; no PROPOSAL may repeat one
  // The last zxid both logs hold. A log's entries of one epoch are a prefix
  // of that epoch's proposals, and two logs that share a zxid agree up to
  // it; so per epoch the shared part is the shorter of the two prefixes.
  std::optional<Zxid> shared;
  if (HasZxid(f.last_zxid)) {
    shared = f.last_zxid;
  } else {
    for (const EpochEnd& end : f.epochs) {
      uint32_t mine = LastCounterIn(log_, end.epoch);
      if (mine == 0) continue;  // its entries of that epoch never reached us: they go
      Zxid z = MakeZxid(end.epoch, std::min(mine, end.last_counter));
      if (HasZxid(z)) shared = z;
      break;
    }
    // No epoch in common: what it has after its snapshot was never
    // committed, unless it applied some (then a SNAP: truncating would take
    // back what its state machine holds).
    if (!shared && f.applied <= f.base && HasZxid(f.base)) {
      CAIRN_MARK("sync.trunc_to_snapshot");
      shared = f.base;
    }
  }
  size_t behind = 0;
  if (shared) {
    auto from = std::upper_bound(log_.begin(), log_.end(), *shared,
                                 [](Zxid z, const Entry& e) { return z < e.zxid; });
    behind = static_cast<size_t>(log_.end() - from);
  }
  if (!shared || behind > config_.sync_entries_max) {
    CAIRN_MARK("sync.snap_wanted");
    f.phase = FollowerLink::Phase::kAwaitSnapshot;
    if (!snapshot_asked_) {
      snapshot_asked_ = true;
      out_.snapshot_wanted = true;
    }
    Event("follower " + std::to_string(sid) + " (last " + ZxidString(f.last_zxid) + ") needs a snapshot");
    return;
  }
  Message sync = LinkMessage(MessageType::kSync, sid, f.link);
  if (*shared == f.last_zxid) {
    sync.mode = SyncMode::kDiff;
    if (behind > 0) CAIRN_MARK("sync.diff");
  } else {
    CAIRN_MARK("sync.trunc");
    sync.mode = SyncMode::kTrunc;
    sync.zxid = *shared;
  }
  for (auto it = log_.end() - static_cast<ptrdiff_t>(behind); it != log_.end(); ++it) sync.entries.push_back(*it);
  LeaderSendSync(sid, f, std::move(sync));
}

void Peer::OnSnapshot(Zxid zxid, std::string snapshot) {
  snapshot_asked_ = false;
  if (role_ != Role::kLeading) return;
  CAIRN_ASSERT(zxid >= base_ && zxid <= applied_);
  LeaderFlushProposals();
  for (auto& [sid, f] : followers_) {
    if (f.phase != FollowerLink::Phase::kAwaitSnapshot) continue;
    CAIRN_MARK("sync.snap");
    Message sync = LinkMessage(MessageType::kSync, sid, f.link);
    sync.mode = SyncMode::kSnap;
    sync.snapshot_zxid = zxid;
    sync.snapshot = snapshot;
    for (const Entry& e : log_) {
      if (e.zxid > zxid) sync.entries.push_back(e);
    }
    LeaderSendSync(sid, f, std::move(sync));
  }
}

void Peer::LeaderSendSync(Sid sid, FollowerLink& f, Message sync) {
  sync.commit = committed_;
  f.newleader_zxid = last_zxid();
  f.phase = FollowerLink::Phase::kSynced;  // from here on it gets every PROPOSAL and COMMIT
  Event("sync " + std::to_string(sid) + ": " + SyncModeName(sync.mode) + " " +
        std::to_string(sync.entries.size()) + " entries through " + ZxidString(f.newleader_zxid));
  Send(std::move(sync));
  Message nl = LinkMessage(MessageType::kNewLeader, sid, f.link);
  nl.epoch = new_epoch_;
  nl.zxid = f.newleader_zxid;
  Send(std::move(nl));
}

void Peer::LeaderOnNewLeaderAck(Sid sid, FollowerLink& f) {
  f.phase = FollowerLink::Phase::kAcked;
  Event("follower " + std::to_string(sid) + " acked NEWLEADER at " + ZxidString(f.newleader_zxid));
  if (leader_phase_ == LeaderPhase::kBroadcast) {
    CAIRN_MARK("sync.late_follower_uptodate");
    Message up = LinkMessage(MessageType::kUpToDate, sid, f.link);
    up.commit = committed_;
    Send(std::move(up));
    return;
  }
  LeaderCheckEstablished();
}

void Peer::LeaderCheckEstablished() {
  if (leader_phase_ != LeaderPhase::kAwaitNewLeaderAcks) return;
  std::set<Sid> ayes;
  if (done_seq_ >= current_epoch_seq_) ayes.insert(config_.self);
  for (const auto& [sid, f] : followers_) {
    if (f.phase == FollowerLink::Phase::kAcked) ayes.insert(sid);
  }
  if (!IsQuorum(config_.voters, ayes)) return;
  // A quorum holds our history durably under our epoch: all of it is
  // committed, and we may serve.
  CAIRN_ASSERT(durable_zxid_ >= history_zxid_);
  leader_phase_ = LeaderPhase::kBroadcast;
  serving_ = true;
  // From now on our vote names the established epoch, which is what the
  // followers report too, so a latecomer sees one quorum for it.
  vote_ = Vote{config_.self, history_zxid_, new_epoch_};
  committed_ = std::max(committed_, history_zxid_);
  out_.state_changed = true;
  Event("established epoch " + std::to_string(new_epoch_) + "; committed through " + ZxidString(committed_));
  for (auto& [sid, f] : followers_) {
    if (f.phase != FollowerLink::Phase::kAcked) continue;
    Message up = LinkMessage(MessageType::kUpToDate, sid, f.link);
    up.commit = committed_;
    Send(std::move(up));
  }
  Deliver();
  LeaderAdvanceCommit();
}

// --- follower

void Peer::FollowerOnSync(Message& m) {
  if (follower_phase_ != FollowerPhase::kEpochAcked) return;
  switch (m.mode) {
    case SyncMode::kSnap: {
      Zxid through = m.entries.empty() ? m.snapshot_zxid : m.entries.back().zxid;
      if (through < committed_) {
        BecomeLooking("SAFETY: leader " + std::to_string(leader_) + " sent a snapshot and entries through " +
                      ZxidString(through) + ", below the committed " + ZxidString(committed_) +
                      ": it lacks committed txns; refusing");
        return;
      }
      // The state machine is replaced: it may even go back (the leader may
      // not have applied all it committed yet); the entries after the
      // snapshot are handed out again from there.
      log_.clear();
      out_.committed.clear();  // not applied yet, and the snapshot replaces them
      base_ = m.snapshot_zxid;
      applied_ = m.snapshot_zxid;
      committed_ = std::max(committed_, m.snapshot_zxid);
      LowerDurable(m.snapshot_zxid);
      PersistRequest r;
      r.kind = Kind::kInstallSnapshot;
      r.zxid = m.snapshot_zxid;
      r.snapshot = std::move(m.snapshot);
      Persist(std::move(r));
      break;
    }
    case SyncMode::kTrunc: {
      // Only what was never committed may go: a committed entry is on a
      // quorum, so every leader has it. A leader that asks for more has
      // lost committed txns (a disk that lied about an fsync): refuse, and
      // say so loudly, rather than lose them here too.
      if (m.zxid < committed_ || m.zxid < applied_) {
        CAIRN_MARK("sync.trunc_below_committed");
        BecomeLooking("SAFETY: leader " + std::to_string(leader_) + " asked to truncate after " +
                      ZxidString(m.zxid) + ", below the committed " + ZxidString(std::max(committed_, applied_)) +
                      ": it lacks committed txns; refusing");
        return;
      }
      while (!log_.empty() && log_.back().zxid > m.zxid) log_.pop_back();
      CAIRN_ASSERT(HasZxid(m.zxid));
      LowerDurable(m.zxid);
      PersistRequest r;
      r.kind = Kind::kTruncateAfter;
      r.zxid = m.zxid;
      Persist(std::move(r));
      break;
    }
    case SyncMode::kDiff:
      break;
  }
  if (!m.entries.empty()) AppendEntries(std::move(m.entries));
  follower_phase_ = FollowerPhase::kSynced;
  committed_ = std::max(committed_, std::min(m.commit, last_zxid()));
  Deliver();
}

void Peer::FollowerOnNewLeader(const Message& m) {
  if (follower_phase_ != FollowerPhase::kSynced || newleader_seen_) return;
  // The SYNC before it brought everything the leader had.
  CAIRN_ASSERT(m.zxid == last_zxid());
  newleader_epoch_ = m.epoch;
  newleader_zxid_ = m.zxid;
  newleader_seen_ = true;
  // currentEpoch is written only once every synced entry is durable (it is
  // a barrier), and the ack leaves only once currentEpoch is.
  PersistRequest r;
  r.kind = Kind::kCurrentEpoch;
  r.epoch = m.epoch;
  uint64_t seq = Persist(std::move(r));
  Message ack = LinkMessage(MessageType::kAck, leader_, link_);
  ack.zxid = m.zxid;
  SendAfter(seq, std::move(ack));
}

void Peer::FollowerOnUpToDate(const Message& m) {
  if (follower_phase_ != FollowerPhase::kSynced || !newleader_seen_) return;
  follower_phase_ = FollowerPhase::kUpToDate;
  serving_ = true;
  vote_ = Vote{leader_, newleader_zxid_, newleader_epoch_};  // as the leader's (see LeaderCheckEstablished)
  out_.state_changed = true;
  Event("up to date with leader " + std::to_string(leader_) + " in epoch " + std::to_string(newleader_epoch_));
  FollowerOnCommit(m.commit);
}

}  // namespace cairn::zab
