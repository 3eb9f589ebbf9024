// zab/core/peer.h: one server's side of Cairn's ZAB-like atomic broadcast,
// as a deterministic state machine (etcd-raft's RawNode is the model).
//
// It orders opaque txn bytes by zxid: fast leader election, discovery
// (FOLLOWERINFO, LEADERINFO, ACKEPOCH), synchronization (DIFF, TRUNC or
// SNAP, then NEWLEADER, then UPTODATE once a quorum has acked), pipelined
// broadcast (PROPOSAL, ACK, COMMIT; acks and commits are cumulative), and
// liveness (pings every tick; a follower that hears nothing for syncLimit
// ticks, a leader that hears no quorum for as long, go back to LOOKING),
// and sync (a read fence: see Sync).
//
// Contract:
//  - Single-threaded and not thread-safe. Pure: no clock, no IO, no
//    threads; randomness only from config.seed. Same inputs, same outputs.
//  - Inputs: Step (a message from another peer), Tick (one tickTime
//    passed), Propose (leader, serving), OnPersisted (a storage
//    completion), OnSnapshot (the state machine, when asked for it).
//    Every input may leave work in the Output; TakeOutput hands it over.
//  - Durability gates are inside: an ACK of proposals, ACKEPOCH and the
//    NEWLEADER ack leave only after OnPersisted reported every persist
//    request issued before them, and the currentEpoch write is issued only
//    after the synced entries are reported durable. The leader counts
//    itself in a quorum only for what its own storage reported.
//  - committed entries are handed out once, in zxid order, only when they
//    are committed and durable here. A committed entry is never truncated:
//    a leader whose sync would take one back has lost committed txns (a
//    disk that lied about an fsync); the follower refuses it, goes back to
//    LOOKING and says so in an event starting "SAFETY:" each time.
//  - The whole log since the last CompactThrough is kept in memory (DIFF
//    needs it); a follower further behind gets a SNAP.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/rng.h"
#include "zab/core/config.h"
#include "zab/core/message.h"
#include "zab/core/output.h"
#include "zab/core/timeout.h"
#include "zab/core/types.h"

namespace cairn::zab {

class Peer {
 public:
  // REQUIRES: config.self is among config.voters; durable.log ascending and
  // above durable.snapshot_zxid.
  Peer(PeerConfig config, DurableState durable);

  void Step(Message message);
  void Tick();
  // Leader only, while serving: logs and broadcasts txn at the next zxid,
  // which it returns. 0 when not serving (and at counter rollover, which
  // also starts a new election).
  Zxid Propose(std::string txn);
  // ZooKeeper's sync, made linearizable: the peer's state machine is to
  // catch up with everything committed before this call. The leader notes
  // its last proposed zxid (the point), confirms that it still leads with a
  // round of pings sent after the call and echoed by a quorum (so no later
  // epoch can have committed anything it does not know), and finishes once
  // it has applied through the point. A follower asks its leader for that point and
  // finishes once it has applied through it. The answer comes in
  // Output::syncs under id (ids are the caller's; a sync still open when
  // the peer stops serving fails there). The driver must take the output
  // after each input and apply it before the next: an answer speaks of the
  // state machine as that output leaves it. False, and no answer: not
  // serving.
  bool Sync(uint64_t id);
  // Storage finished request seq (and every one before it).
  void OnPersisted(uint64_t seq);
  // The state machine at zxid (its last applied), after snapshot_wanted.
  void OnSnapshot(Zxid zxid, std::string snapshot);
  // The driver has the state machine durable in a snapshot at zxid: the
  // log at or below it may go from memory. REQUIRES: zxid <= applied_zxid().
  void CompactThrough(Zxid zxid);

  Output TakeOutput();

  Sid id() const { return config_.self; }
  Role role() const { return role_; }
  bool serving() const { return serving_; }
  Sid leader() const { return leader_; }  // 0 while looking
  Epoch accepted_epoch() const { return accepted_epoch_; }
  Epoch current_epoch() const { return current_epoch_; }
  uint64_t round() const { return round_; }
  // The epoch this peer leads and serves in (0 unless leading and serving).
  Epoch established_epoch() const { return role_ == Role::kLeading && serving_ ? new_epoch_ : 0; }
  Zxid last_zxid() const { return log_.empty() ? base_ : log_.back().zxid; }
  Zxid durable_zxid() const { return durable_zxid_; }
  Zxid committed_zxid() const { return committed_; }
  Zxid applied_zxid() const { return applied_; }
  const std::deque<Entry>& log() const { return log_; }
  Zxid log_base() const { return base_; }
  // "LEADING epoch=3 last=0x300000002 commit=0x300000002 serving", for traces.
  std::string Summary() const;

 private:
  // The receiving end of a link: the last number taken, and messages that
  // came early (the network reordered them), held until the gap fills. A
  // gap that stays open for syncLimit ticks means a message was lost.
  struct LinkIn {
    uint64_t seq = 0;
    std::map<uint64_t, Message> early;
    int64_t early_since_tick = 0;
  };
  static constexpr size_t kEarlyMax = 256;

  // The leader's view of one follower's link.
  struct FollowerLink {
    // kSynced: SYNC and NEWLEADER sent, proposals forwarded; kAcked: its
    // NEWLEADER ack arrived, it counts in quorums.
    enum class Phase { kInfo, kEpochAcked, kAwaitSnapshot, kSynced, kAcked };
    Phase phase = Phase::kInfo;
    uint64_t link = 0;
    uint64_t out_seq = 0;  // last sent
    LinkIn in;
    Epoch accepted_epoch = 0;
    bool leaderinfo_sent = false;
    // From ACKEPOCH.
    Epoch current_epoch = 0;
    Zxid last_zxid = 0;
    Zxid base = 0;
    Zxid applied = 0;
    std::vector<EpochEnd> epochs;
    Zxid newleader_zxid = 0;  // what NEWLEADER told it
    Zxid acked = 0;           // durable there through (after its NEWLEADER ack)
    int64_t heard_tick = 0;
    uint64_t probe = 0;       // the highest probe it echoed
  };
  // A sync the leader has taken: answered once a quorum echoed `probe`.
  struct SyncWait {
    uint64_t id = 0;
    Sid origin = 0;      // the leader itself, or the follower that asked
    uint64_t link = 0;   // the follower's link when it asked
    Zxid point = 0;      // the last zxid proposed when it was taken
    uint64_t probe = 0;  // the first probe sent after it was taken
  };
  enum class LeaderPhase { kDiscovery, kAwaitEpochAcks, kAwaitNewLeaderAcks, kBroadcast };
  enum class LinkVerdict { kAccept, kIgnore, kHeld, kGap };
  struct Pending {  // a persist request issued and not yet done
    uint64_t seq = 0;
    Zxid durable_zxid = 0;  // the log is durable through here once it is done
    PersistRequest::Kind kind = PersistRequest::Kind::kAppend;
    Epoch epoch = 0;
  };
  enum class FollowerPhase { kConnecting, kEpochAcked, kSynced, kUpToDate };

  // peer.cpp: roles, persistence, the outbox, delivery. The role sets
  // which functions take link messages and ticks (Become* call SetRole).
  void SetRole(Role role);
  void StepLooking(Message&) {}  // links exist only between a leader and its followers
  void BecomeLooking(const std::string& why);
  void BecomeFollowing(Sid leader, const Vote& vote);
  void BecomeLeading(const Vote& vote);
  void Event(std::string line);
  uint64_t Persist(PersistRequest request);
  void IssueHeld();
  uint64_t last_issued_seq() const { return next_seq_ - 1; }
  void Send(Message message);
  // A link message that may leave only once persist request `after` is done.
  void SendAfter(uint64_t after, Message message);
  void ReleaseOutbox();
  void Deliver();
  void AppendEntries(std::vector<Entry> entries);
  // Whether the log has an entry at zxid (or zxid is its base).
  bool HasZxid(Zxid zxid) const;
  std::vector<EpochEnd> EpochEnds() const;
  Vote SelfVote() const { return Vote{config_.self, last_zxid(), current_epoch_}; }

  // election.cpp
  void StartElection();
  void StepVote(const Message& m);
  void TickElection();
  void BroadcastVote();
  void SendVote(Sid to);
  // finalize_fired: the wait after a quorum agreed is over.
  void CheckElection(bool finalize_fired = false);
  bool QuorumFor(const std::map<Sid, Vote>& votes, const Vote& vote) const;

  // discovery.cpp
  void LeaderOnFollowerInfo(const Message& m);
  void LeaderDecideEpoch();
  void LeaderOnEpochPersisted();
  // False: the follower cannot follow this epoch (drop it).
  bool LeaderSendLeaderInfo(Sid sid, FollowerLink& f);
  void LeaderOnAckEpoch(const Message& m, FollowerLink& f);
  void FollowerSendInfo();
  void FollowerOnLeaderInfo(const Message& m);

  // sync.cpp
  void LeaderStartSync(Sid sid, FollowerLink& f);
  void LeaderSendSync(Sid sid, FollowerLink& f, Message sync);
  void LeaderOnNewLeaderAck(Sid sid, FollowerLink& f);
  void LeaderCheckEstablished();
  void FollowerOnSync(Message& m);
  void FollowerOnNewLeader(const Message& m);
  void FollowerOnUpToDate(const Message& m);

  // broadcast.cpp
  void LeaderOnAck(Sid sid, FollowerLink& f, const Message& m);
  void LeaderAdvanceCommit();
  void FollowerOnProposal(Message& m);
  void FollowerOnCommit(Zxid commit);
  void LeaderFlushProposals();

  // sync_read.cpp
  void LeaderTakeSync(uint64_t id, Sid origin, uint64_t link);
  void LeaderSendProbe();
  void LeaderOnProbeEcho(FollowerLink& f, uint64_t probe);
  void LeaderCheckSyncs();
  void FollowerOnSyncPoint(const Message& m);
  // Finishes the syncs whose point is applied here.
  void FinishSyncs();
  // Fails every sync this peer has open (it stops serving).
  void FailSyncs();

  // liveness.cpp and the link layer
  void TickLeader();
  void TickFollower();
  LinkVerdict CheckLink(Message& m, uint64_t link, LinkIn* in, const char** why);
  // The next held message, if the gap before it has filled.
  static bool TakeEarly(LinkIn* in, Message* m);
  bool LinkStale(const LinkIn& in) const;
  void LeaderHandle(Message& m, FollowerLink& f);
  void FollowerHandle(Message& m);
  void LeaderCheckEpochAcks();
  void LeaderOnPersisted();
  void LowerDurable(Zxid zxid);
  void StepLeader(Message& m);
  void StepFollower(Message& m);
  Message LinkMessage(MessageType type, Sid to, uint64_t link);

  PeerConfig config_;
  Rng rng_;
  Output out_;
  int64_t tick_ = 0;

  // Durable state. accepted_epoch_ as issued to storage; current_epoch_ as
  // storage reported it (votes and ACKEPOCH carry it).
  Epoch accepted_epoch_ = 0;
  Epoch current_epoch_ = 0;
  Zxid base_ = 0;           // the log holds entries above this
  std::deque<Entry> log_;
  Zxid durable_zxid_ = 0;   // the log through here is on disk
  Zxid committed_ = 0;
  Zxid applied_ = 0;        // handed out through here

  // Persistence: requests issued and done; requests held behind a barrier.
  uint64_t next_seq_ = 1;
  uint64_t done_seq_ = 0;
  std::deque<Pending> pending_;
  std::deque<PersistRequest> held_;
  std::deque<std::pair<uint64_t, Message>> outbox_;  // (after seq, message)

  Role role_ = Role::kLooking;
  void (Peer::*step_role_)(Message&) = &Peer::StepLooking;
  void (Peer::*tick_role_)() = &Peer::TickElection;
  bool serving_ = false;
  Sid leader_ = 0;

  // Election.
  uint64_t round_ = 0;
  Vote vote_;
  std::map<Sid, Vote> votes_;  // LOOKING peers' votes in this round
  std::map<Sid, std::pair<Vote, Role>> settled_;  // votes of FOLLOWING/LEADING peers
  Timeout finalize_;     // runs once a quorum agrees: a better vote may still come
  Timeout vote_resend_;  // no decision yet: say it again, less often each time

  // Follower.
  FollowerPhase follower_phase_ = FollowerPhase::kConnecting;
  uint64_t link_ = 0;
  uint32_t link_nonce_ = 0;    // this incarnation's high half of link ids
  uint32_t links_opened_ = 0;  // its low half
  uint64_t link_out_seq_ = 0;
  LinkIn link_in_;
  uint64_t link_leadership_ = 0;  // the leader's term of office on this link
  int64_t leader_heard_tick_ = 0;
  int64_t following_since_tick_ = 0;
  Epoch newleader_epoch_ = 0;
  Zxid newleader_zxid_ = 0;
  bool newleader_seen_ = false;  // on this link

  // Leader.
  LeaderPhase leader_phase_ = LeaderPhase::kDiscovery;
  int64_t leading_since_tick_ = 0;
  Epoch new_epoch_ = 0;
  uint32_t counter_ = 0;     // last counter used in new_epoch_
  uint64_t leadership_ = 0;  // this term of office (Message::leadership)
  uint32_t leaderships_ = 0;
  uint64_t accepted_epoch_seq_ = 0;  // the leader's own acceptedEpoch write
  uint64_t current_epoch_seq_ = 0;   // and its currentEpoch write
  Zxid history_zxid_ = 0;    // the leader's last zxid when the epoch began
  std::map<Sid, FollowerLink> followers_;
  std::set<Sid> epoch_ackers_;  // acked new_epoch_ as new to them (count in its quorum)
  std::vector<Entry> unsent_;  // proposals not yet in a PROPOSAL message
  bool snapshot_asked_ = false;

  // Syncs. Leader: taken and waiting for a quorum's echo; the last probe
  // sent in this term; whether a sync waits for a probe not yet sent.
  std::deque<SyncWait> syncs_confirming_;
  uint64_t probe_ = 0;
  bool probe_due_ = false;
  // Follower: asked of the leader, no point yet.
  std::deque<uint64_t> syncs_asked_;
  // Either role: (point, id), to finish once applied through point.
  std::deque<std::pair<Zxid, uint64_t>> syncs_applying_;
};

}  // namespace cairn::zab
