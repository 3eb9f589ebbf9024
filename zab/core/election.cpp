// zab/core/election.cpp: fast leader election, as ZooKeeper's
// FastLeaderElection: every LOOKING peer votes for the best (currentEpoch,
// last zxid, sid) it has heard of in its round and tells everyone when its
// vote changes. A quorum agreeing on one vote, and no better vote within
// finalize_ticks, decides. Votes from peers already FOLLOWING or LEADING
// let a latecomer join the established leader instead.
#include <algorithm>

#include "base/assert.h"
#include "base/mark.h"
#include "zab/core/peer.h"
#include "zab/core/quorum.h"

namespace cairn::zab {

void Peer::StartElection() {
  ++round_;
  vote_ = SelfVote();
  votes_.clear();
  votes_[config_.self] = vote_;
  settled_.clear();
  finalize_.Stop();
  vote_resend_.Start(rng_);
  Event("election round " + std::to_string(round_) + ": votes for itself (epoch " +
        std::to_string(vote_.epoch) + ", zxid " + ZxidString(vote_.zxid) + ")");
  BroadcastVote();
  CheckElection();
}

void Peer::SendVote(Sid to) {
  Message m;
  m.type = MessageType::kVote;
  m.from = config_.self;
  m.to = to;
  m.state = role_;
  m.round = round_;
  m.vote = vote_;
  Send(std::move(m));
}

void Peer::BroadcastVote() {
  for (Sid v : config_.voters) {
    if (v != config_.self) SendVote(v);
  }
}

bool Peer::QuorumFor(const std::map<Sid, Vote>& votes, const Vote& vote) const {
  std::set<Sid> ayes;
  for (const auto& [sid, v] : votes) {
    if (v == vote) ayes.insert(sid);
  }
  return IsQuorum(config_.voters, ayes);
}

void Peer::StepVote(const Message& m) {
  if (role_ != Role::kLooking) {
    // An established peer tells a looking one whom it follows.
    if (m.state == Role::kLooking) SendVote(m.from);
    return;
  }
  if (m.state != Role::kLooking) {
    settled_[m.from] = {m.vote, m.state};
    if (m.round == round_) votes_[m.from] = m.vote;
    // Join an established leader: a quorum settled on it, and it says it leads.
    if (m.vote.leader == config_.self) return;  // an old incarnation's followers: elect anew
    std::set<Sid> ayes;
    for (const auto& [sid, sv] : settled_) {
      if (sv.first.leader == m.vote.leader && sv.first.epoch == m.vote.epoch) ayes.insert(sid);
    }
    auto leader = settled_.find(m.vote.leader);
    if (leader != settled_.end() && leader->second.second == Role::kLeading &&
        leader->second.first.epoch == m.vote.epoch && IsQuorum(config_.voters, ayes)) {
      CAIRN_MARK("election.join_established");
      round_ = std::max(round_, m.round);
      BecomeFollowing(m.vote.leader, m.vote);
    }
    return;
  }
  if (m.round > round_) {
    round_ = m.round;
    votes_.clear();
    vote_ = Better(m.vote, SelfVote()) ? m.vote : SelfVote();
    votes_[config_.self] = vote_;
    finalize_.Stop();
    BroadcastVote();
  } else if (m.round < round_) {
    CAIRN_MARK("election.stale_round");
    SendVote(m.from);  // it is behind: tell it where we are
    return;
  } else if (Better(m.vote, vote_)) {
    vote_ = m.vote;
    votes_[config_.self] = vote_;
    finalize_.Stop();
    BroadcastVote();
  }
  votes_[m.from] = m.vote;
  CheckElection();
}

void Peer::CheckElection(bool finalize_fired) {
  if (!QuorumFor(votes_, vote_)) {
    finalize_.Stop();
    return;
  }
  if (!finalize_fired) {
    if (!finalize_.running()) finalize_.Start(rng_);
    if (!finalize_.Due()) return;  // wait a little for a better vote
  }
  finalize_.Stop();
  Event("election round " + std::to_string(round_) + " decided: leader " + std::to_string(vote_.leader));
  if (vote_.leader == config_.self) {
    BecomeLeading(vote_);
  } else {
    BecomeFollowing(vote_.leader, vote_);
  }
}

void Peer::TickElection() {
  if (finalize_.Tick()) {
    CheckElection(true);
    if (role_ != Role::kLooking) return;
  }
  if (!vote_resend_.Tick()) return;
  // Nothing decided for a while: say it again, less often each time, with
  // jitter so that peers that time out together drift apart.
  CAIRN_MARK("election.resend");
  BroadcastVote();
  vote_resend_.Backoff(rng_);
}

}  // namespace cairn::zab
