// zab/core/broadcast.cpp: the established leader numbers each proposal in
// its epoch, logs it and sends it to every synced follower in batches;
// followers log and ACK (cumulatively, once durable); the leader commits
// the highest zxid a quorum has durable, in order, and says so with COMMIT.
#include <algorithm>

#include "base/assert.h"
#include "base/mark.h"
#include "zab/core/peer.h"
#include "zab/core/quorum.h"

namespace cairn::zab {

// --- leader

Zxid Peer::Propose(std::string txn) {
  if (role_ != Role::kLeading || !serving_) return 0;
  if (counter_ >= config_.counter_max) {
    // ZooKeeper's rollover: the zxid's low half is spent, so the epoch
    // ends; the next election picks a leader (most likely us again) and a
    // new epoch. No proposal is lost: none was made with this zxid.
    CAIRN_MARK("broadcast.counter_rollover");
    BecomeLooking("zxid counter exhausted in epoch " + std::to_string(new_epoch_));
    return 0;
  }
  Entry e{MakeZxid(new_epoch_, ++counter_), std::move(txn)};
  Zxid zxid = e.zxid;
  unsent_.push_back(e);
  AppendEntries({std::move(e)});
  if (unsent_.size() >= config_.proposal_batch_max) LeaderFlushProposals();
  return zxid;
}

void Peer::LeaderFlushProposals() {
  if (unsent_.empty()) return;
  for (auto& [sid, f] : followers_) {
    if (f.phase < FollowerLink::Phase::kSynced) continue;
    Message m = LinkMessage(MessageType::kProposal, sid, f.link);
    m.entries = unsent_;
    Send(std::move(m));
  }
  unsent_.clear();
}

void Peer::LeaderOnAck(Sid sid, FollowerLink& f, const Message& m) {
  if (f.phase < FollowerLink::Phase::kSynced) return;
  f.acked = std::max(f.acked, m.zxid);
  if (f.phase == FollowerLink::Phase::kSynced) {
    if (m.zxid < f.newleader_zxid) return;  // its first ACK is the NEWLEADER ack
    LeaderOnNewLeaderAck(sid, f);
  }
  if (leader_phase_ == LeaderPhase::kBroadcast) LeaderAdvanceCommit();
}

void Peer::LeaderAdvanceCommit() {
  if (leader_phase_ != LeaderPhase::kBroadcast) return;
  std::map<Sid, Zxid> reached{{config_.self, durable_zxid_}};
  for (const auto& [sid, f] : followers_) {
    if (f.phase == FollowerLink::Phase::kAcked) reached[sid] = f.acked;
  }
  Zxid q = QuorumZxid(config_.voters, reached);
  if (q <= committed_) return;
  CAIRN_ASSERT(EpochOf(q) == new_epoch_);  // the history was committed when the epoch began
  committed_ = q;
  LeaderFlushProposals();  // a COMMIT never overtakes its PROPOSAL
  for (auto& [sid, f] : followers_) {
    if (f.phase < FollowerLink::Phase::kSynced) continue;
    Message m = LinkMessage(MessageType::kCommit, sid, f.link);
    m.commit = q;
    Send(std::move(m));
  }
  Deliver();
}

// --- follower

void Peer::FollowerOnProposal(Message& m) {
  if (follower_phase_ < FollowerPhase::kSynced || !newleader_seen_) return;
  std::vector<Entry> fresh;
  for (Entry& e : m.entries) {
    if (e.zxid > last_zxid() && (fresh.empty() || e.zxid > fresh.back().zxid)) fresh.push_back(std::move(e));
  }
  if (fresh.empty()) return;
  CAIRN_ASSERT(EpochOf(fresh.front().zxid) == newleader_epoch_);
  AppendEntries(std::move(fresh));
  Message ack = LinkMessage(MessageType::kAck, leader_, link_);
  ack.zxid = last_zxid();
  SendAfter(last_issued_seq(), std::move(ack));  // ACK means durable here
}

void Peer::FollowerOnCommit(Zxid commit) {
  // A commit point means something only for a log made the leader's.
  if (follower_phase_ < FollowerPhase::kSynced) return;
  committed_ = std::max(committed_, std::min(commit, last_zxid()));
  Deliver();
}

}  // namespace cairn::zab
