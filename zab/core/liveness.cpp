// zab/core/liveness.cpp: ticks and the link layer. The leader pings every
// follower each tick and steps down when fewer than a quorum (itself
// included) were heard within syncLimit ticks, or when no quorum is
// established within initLimit. A follower goes back to LOOKING when its
// leader is silent that long, or when its link loses a message.
#include "base/mark.h"
#include "zab/core/peer.h"
#include "zab/core/quorum.h"

namespace cairn::zab {

void Peer::TickLeader() {
  LeaderFlushProposals();
  if (leader_phase_ != LeaderPhase::kBroadcast) {
    if (tick_ - leading_since_tick_ > config_.init_limit) {
      CAIRN_MARK("liveness.leader_not_established");
      BecomeLooking("no quorum synced within initLimit");
      return;
    }
  }
  // Followers not heard from for too long, or whose link lost a message,
  // are dropped; they reconnect.
  for (auto it = followers_.begin(); it != followers_.end();) {
    const FollowerLink& f = it->second;
    int limit = f.phase == FollowerLink::Phase::kAcked ? config_.sync_limit : config_.init_limit;
    if (LinkStale(f.in)) {
      Event("follower " + std::to_string(it->first) + ": a message was lost: link dropped");
      it = followers_.erase(it);
    } else if (tick_ - f.heard_tick > limit) {
      CAIRN_MARK("liveness.follower_dropped");
      Event("follower " + std::to_string(it->first) + " silent for " + std::to_string(tick_ - f.heard_tick) +
            " ticks: dropped");
      it = followers_.erase(it);
    } else {
      ++it;
    }
  }
  if (leader_phase_ == LeaderPhase::kBroadcast) {
    std::set<Sid> ayes{config_.self};
    for (const auto& [sid, f] : followers_) {
      if (f.phase == FollowerLink::Phase::kAcked) ayes.insert(sid);
    }
    if (!IsQuorum(config_.voters, ayes)) {
      CAIRN_MARK("liveness.leader_lost_quorum");
      BecomeLooking("lost the quorum of followers");
      return;
    }
  }
  for (auto& [sid, f] : followers_) {
    Message ping = LinkMessage(MessageType::kPing, sid, f.link);
    ping.commit = committed_;
    ping.probe = probe_;
    Send(std::move(ping));
  }
}

void Peer::TickFollower() {
  if (LinkStale(link_in_)) {
    BecomeLooking("lost a message from leader " + std::to_string(leader_));
    return;
  }
  if (follower_phase_ != FollowerPhase::kUpToDate && tick_ - following_since_tick_ > config_.init_limit) {
    CAIRN_MARK("liveness.follower_sync_timeout");
    BecomeLooking("not synced with " + std::to_string(leader_) + " within initLimit");
    return;
  }
  int limit = follower_phase_ == FollowerPhase::kUpToDate ? config_.sync_limit : config_.init_limit;
  if (tick_ - leader_heard_tick_ > limit) {
    CAIRN_MARK("liveness.leader_silent");
    BecomeLooking("leader " + std::to_string(leader_) + " silent for " + std::to_string(tick_ - leader_heard_tick_) +
                  " ticks");
    return;
  }
  // Until the leader answers at all (it may still be finishing its election).
  if (follower_phase_ == FollowerPhase::kConnecting && link_in_.seq == 0 &&
      (tick_ - following_since_tick_) % config_.followerinfo_resend == 0) {
    FollowerSendInfo();
  }
}

void Peer::StepLeader(Message& m) {
  if (m.type == MessageType::kFollowerInfo) {
    LeaderOnFollowerInfo(m);
    return;
  }
  if (m.leadership != leadership_) return;  // an answer to an earlier term of ours
  Sid sid = m.from;
  auto it = followers_.find(sid);
  if (it == followers_.end()) return;
  uint64_t link = it->second.link;
  const char* why = "";
  switch (CheckLink(m, link, &it->second.in, &why)) {
    case LinkVerdict::kIgnore:
    case LinkVerdict::kHeld: return;
    case LinkVerdict::kGap:
      Event("follower " + std::to_string(sid) + ": " + why + ": link dropped");
      followers_.erase(it);
      return;
    case LinkVerdict::kAccept: break;
  }
  LeaderHandle(m, it->second);
  // Then what came early, while the link lasts.
  for (;;) {
    if (role_ != Role::kLeading) return;
    it = followers_.find(sid);
    if (it == followers_.end() || it->second.link != link) return;
    Message next;
    if (!TakeEarly(&it->second.in, &next)) return;
    LeaderHandle(next, it->second);
  }
}

void Peer::LeaderHandle(Message& m, FollowerLink& f) {
  f.heard_tick = tick_;
  switch (m.type) {
    case MessageType::kAckEpoch: LeaderOnAckEpoch(m, f); return;
    case MessageType::kAck: LeaderOnAck(m.from, f, m); return;
    case MessageType::kPing: LeaderOnProbeEcho(f, m.probe); return;
    case MessageType::kSyncRead:
      if (serving_ && f.phase >= FollowerLink::Phase::kSynced) LeaderTakeSync(m.request, m.from, f.link);
      return;
    default: return;
  }
}

void Peer::StepFollower(Message& m) {
  if (m.from != leader_ || m.link != link_) return;
  if (link_leadership_ == 0) {
    link_leadership_ = m.leadership;
  } else if (m.leadership != link_leadership_) {
    // The leader began a new term on our link: what we agreed with the old
    // one does not carry over. Start again.
    CAIRN_MARK("link.new_leadership");
    BecomeLooking("leader " + std::to_string(leader_) + " began a new term on our link");
    return;
  }
  uint64_t link = link_;
  const char* why = "";
  switch (CheckLink(m, link, &link_in_, &why)) {
    case LinkVerdict::kIgnore:
    case LinkVerdict::kHeld: return;
    case LinkVerdict::kGap:
      BecomeLooking(std::string("link to leader ") + std::to_string(leader_) + ": " + why);
      return;
    case LinkVerdict::kAccept: break;
  }
  FollowerHandle(m);
  for (;;) {
    if (role_ != Role::kFollowing || link_ != link) return;
    Message next;
    if (!TakeEarly(&link_in_, &next)) return;
    FollowerHandle(next);
  }
}

void Peer::FollowerHandle(Message& m) {
  leader_heard_tick_ = tick_;
  switch (m.type) {
    case MessageType::kLeaderInfo: FollowerOnLeaderInfo(m); return;
    case MessageType::kSync: FollowerOnSync(m); return;
    case MessageType::kNewLeader: FollowerOnNewLeader(m); return;
    case MessageType::kUpToDate: FollowerOnUpToDate(m); return;
    case MessageType::kProposal: FollowerOnProposal(m); return;
    case MessageType::kCommit: FollowerOnCommit(m.commit); return;
    case MessageType::kPing: {
      if (follower_phase_ == FollowerPhase::kUpToDate) FollowerOnCommit(m.commit);
      Message echo = LinkMessage(MessageType::kPing, leader_, link_);
      echo.probe = m.probe;
      Send(std::move(echo));
      return;
    }
    case MessageType::kSyncPoint: FollowerOnSyncPoint(m); return;
    default: return;
  }
}

}  // namespace cairn::zab
