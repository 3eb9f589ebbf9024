// zab/core/discovery.cpp: agreeing on a new epoch. Followers send
// FOLLOWERINFO(acceptedEpoch); with a quorum the leader picks one above
// every acceptedEpoch it heard, persists it as its own acceptedEpoch and
// sends LEADERINFO; each follower persists it too and answers ACKEPOCH with
// its currentEpoch and log. A quorum of ACKEPOCHs establishes the epoch;
// synchronization (sync.cpp) follows.
#include <algorithm>
#include <tuple>

#include "base/assert.h"
#include "base/mark.h"
#include "zab/core/peer.h"
#include "zab/core/quorum.h"

namespace cairn::zab {

using Kind = PersistRequest::Kind;

// --- leader

void Peer::LeaderOnFollowerInfo(const Message& m) {
  if (m.seq != 1) return;  // FOLLOWERINFO opens a link
  auto it = followers_.find(m.from);
  if (it != followers_.end()) {
    uint64_t old = it->second.link;
    if (old == m.link) return;  // a repeat of the one we have
    // The same incarnation numbers its links upwards: an older one is a
    // straggler from the network, not a reconnect.
    if ((old >> 32) == (m.link >> 32) && (m.link & 0xffffffffu) < (old & 0xffffffffu)) return;
    CAIRN_MARK("discovery.follower_relinked");
  }
  FollowerLink f;
  f.link = m.link;
  f.in.seq = 1;
  f.accepted_epoch = m.epoch;
  f.heard_tick = tick_;
  FollowerLink& stored = followers_[m.from] = f;
  Event("follower " + std::to_string(m.from) + " connected (acceptedEpoch " + std::to_string(m.epoch) + ")");
  if (leader_phase_ == LeaderPhase::kDiscovery) {
    LeaderDecideEpoch();
  } else if (!LeaderSendLeaderInfo(m.from, stored)) {
    // It promised a later epoch to a leader that may yet establish it, so
    // it may not follow ours; and left alone it would knock forever. Elect
    // again: discovery then picks an epoch above its promise.
    BecomeLooking("follower " + std::to_string(m.from) + " accepted epoch " + std::to_string(m.epoch) +
                  ", above ours (" + std::to_string(new_epoch_) + ")");
  }
}

void Peer::LeaderDecideEpoch() {
  std::set<Sid> ayes{config_.self};
  Epoch highest = accepted_epoch_;
  for (const auto& [sid, f] : followers_) {
    ayes.insert(sid);
    highest = std::max(highest, f.accepted_epoch);
  }
  if (!IsQuorum(config_.voters, ayes)) return;
  new_epoch_ = highest + 1;
  CAIRN_ASSERT(new_epoch_ <= 0xffffffff);
  accepted_epoch_ = new_epoch_;
  PersistRequest r;
  r.kind = Kind::kAcceptedEpoch;
  r.epoch = new_epoch_;
  accepted_epoch_seq_ = Persist(std::move(r));
  leader_phase_ = LeaderPhase::kAwaitEpochAcks;
  Event("new epoch " + std::to_string(new_epoch_));
  std::vector<Sid> stale;
  for (auto& [sid, f] : followers_) {
    if (!LeaderSendLeaderInfo(sid, f)) stale.push_back(sid);
  }
  for (Sid sid : stale) followers_.erase(sid);
  LeaderCheckEpochAcks();
}

bool Peer::LeaderSendLeaderInfo(Sid sid, FollowerLink& f) {
  if (f.leaderinfo_sent) return true;
  if (f.accepted_epoch > new_epoch_) {
    // It accepted a later epoch from someone else: it cannot follow us.
    CAIRN_MARK("discovery.follower_epoch_ahead");
    return false;
  }
  f.leaderinfo_sent = true;
  Message m = LinkMessage(MessageType::kLeaderInfo, sid, f.link);
  m.epoch = new_epoch_;
  SendAfter(accepted_epoch_seq_, std::move(m));  // only once our own acceptedEpoch is durable
  return true;
}

void Peer::LeaderOnAckEpoch(const Message& m, FollowerLink& f) {
  if (f.phase != FollowerLink::Phase::kInfo || !f.leaderinfo_sent) return;
  Zxid mine = last_zxid();
  if (leader_phase_ != LeaderPhase::kAwaitEpochAcks && std::tie(m.epoch, m.zxid) > std::tie(new_epoch_, mine)) {
    // Its log goes past ours in our own epoch: another leader synced it in
    // this epoch (which the fresh-ack rule should make impossible). Never
    // sync it to ours.
    Event("follower " + std::to_string(m.from) + " reports epoch " + std::to_string(m.epoch) + " at " +
          ZxidString(m.zxid) + ", past this leadership: link dropped");
    followers_.erase(m.from);
    return;
  }
  f.current_epoch = m.epoch;
  f.last_zxid = m.zxid;
  f.base = m.base;
  f.applied = m.commit;
  f.epochs = m.epochs;
  f.phase = FollowerLink::Phase::kEpochAcked;
  if (m.fresh) epoch_ackers_.insert(m.from);
  if (!m.fresh) CAIRN_MARK("discovery.ackepoch_not_fresh");
  if (leader_phase_ == LeaderPhase::kAwaitEpochAcks &&
      std::tie(m.epoch, m.zxid) > std::tie(current_epoch_, mine)) {
    // The election should not have chosen us: a follower knows more.
    CAIRN_MARK("discovery.follower_ahead");
    BecomeLooking("follower " + std::to_string(m.from) + " is ahead (epoch " + std::to_string(m.epoch) +
                  ", zxid " + ZxidString(m.zxid) + ")");
    return;
  }
  if (leader_phase_ == LeaderPhase::kAwaitEpochAcks) {
    LeaderCheckEpochAcks();
  } else {
    LeaderStartSync(m.from, f);
  }
}

void Peer::LeaderCheckEpochAcks() {
  if (leader_phase_ != LeaderPhase::kAwaitEpochAcks) return;
  // Only acks of an epoch new to the follower count (see Message::fresh);
  // such a promise stands even if its link has dropped since.
  std::set<Sid> ayes = epoch_ackers_;
  if (done_seq_ >= accepted_epoch_seq_) ayes.insert(config_.self);
  if (!IsQuorum(config_.voters, ayes)) return;
  // The epoch is ours. Our log is the new epoch's starting history; the
  // currentEpoch write waits (a barrier) until all of it is durable.
  leader_phase_ = LeaderPhase::kAwaitNewLeaderAcks;
  history_zxid_ = last_zxid();
  PersistRequest r;
  r.kind = Kind::kCurrentEpoch;
  r.epoch = new_epoch_;
  current_epoch_seq_ = Persist(std::move(r));
  Event("epoch " + std::to_string(new_epoch_) + " acknowledged by a quorum; history through " +
        ZxidString(history_zxid_));
  for (auto& [sid, f] : followers_) {
    if (f.phase == FollowerLink::Phase::kEpochAcked) LeaderStartSync(sid, f);
  }
  LeaderCheckEstablished();
}

void Peer::LeaderOnPersisted() {
  switch (leader_phase_) {
    case LeaderPhase::kDiscovery: return;
    case LeaderPhase::kAwaitEpochAcks: LeaderCheckEpochAcks(); return;
    case LeaderPhase::kAwaitNewLeaderAcks: LeaderCheckEstablished(); return;
    case LeaderPhase::kBroadcast: LeaderAdvanceCommit(); return;
  }
}

// --- follower

void Peer::FollowerSendInfo() {
  // Always number 1 on its link: a repeat is the same message.
  Message m = LinkMessage(MessageType::kFollowerInfo, leader_, link_);
  m.seq = 1;
  m.epoch = accepted_epoch_;
  m.zxid = last_zxid();
  link_out_seq_ = std::max<uint64_t>(link_out_seq_, 1);
  out_.messages.push_back(std::move(m));
}

void Peer::FollowerOnLeaderInfo(const Message& m) {
  if (follower_phase_ != FollowerPhase::kConnecting) return;
  if (m.epoch < accepted_epoch_) {
    // Defensive: a leader picks its epoch above the FOLLOWERINFO's, and a
    // link spans one term of one leader, so this should not happen.
    BecomeLooking("LEADERINFO epoch " + std::to_string(m.epoch) + " is below acceptedEpoch " +
                  std::to_string(accepted_epoch_));
    return;
  }
  bool fresh = m.epoch > accepted_epoch_;
  if (fresh) {
    accepted_epoch_ = m.epoch;
    PersistRequest r;
    r.kind = Kind::kAcceptedEpoch;
    r.epoch = m.epoch;
    Persist(std::move(r));
  }
  follower_phase_ = FollowerPhase::kEpochAcked;
  Message ack = LinkMessage(MessageType::kAckEpoch, leader_, link_);
  ack.fresh = fresh;
  ack.epoch = current_epoch_;
  ack.zxid = last_zxid();
  ack.base = base_;
  ack.commit = applied_;
  ack.epochs = EpochEnds();
  // After the acceptedEpoch write and everything before it.
  SendAfter(last_issued_seq(), std::move(ack));
}

}  // namespace cairn::zab
