// zab/core/peer.cpp: what every role shares: construction, the input
// dispatch, role changes, persistence with its barriers, the "send after
// persisted" outbox, and handing out committed entries.
#include "zab/core/peer.h"

#include <algorithm>
#include <utility>

#include "base/assert.h"
#include "base/mark.h"

namespace cairn::zab {

using Kind = PersistRequest::Kind;

namespace {

bool IsBarrier(Kind kind) { return kind == Kind::kAcceptedEpoch || kind == Kind::kCurrentEpoch; }

}  // namespace

Peer::Peer(PeerConfig config, DurableState durable)
    : config_(std::move(config)),
      rng_(config_.seed),
      accepted_epoch_(durable.accepted_epoch),
      current_epoch_(durable.current_epoch),
      base_(durable.snapshot_zxid),
      log_(std::make_move_iterator(durable.log.begin()), std::make_move_iterator(durable.log.end())),
      finalize_("election.finalize", config_.finalize_ticks, config_.finalize_ticks, 0),
      vote_resend_("election.vote_resend", config_.vote_resend_min, config_.vote_resend_max, 50) {
  CAIRN_ASSERT(std::count(config_.voters.begin(), config_.voters.end(), config_.self) == 1);
  CAIRN_ASSERT(current_epoch_ <= accepted_epoch_);
  Zxid prev = base_;
  for (const Entry& e : log_) {
    CAIRN_ASSERT(e.zxid > prev);
    prev = e.zxid;
  }
  durable_zxid_ = last_zxid();
  committed_ = base_;
  applied_ = base_;
  link_nonce_ = static_cast<uint32_t>(rng_.Next());
  StartElection();
}

void Peer::Step(Message m) {
  if (m.to != config_.self || m.from == config_.self) return;
  if (std::find(config_.voters.begin(), config_.voters.end(), m.from) == config_.voters.end()) return;
  if (m.type == MessageType::kVote) {
    StepVote(m);
    return;
  }
  (this->*step_role_)(m);
}

void Peer::Tick() {
  ++tick_;
  (this->*tick_role_)();
}

Output Peer::TakeOutput() {
  if (role_ == Role::kLeading) {
    LeaderFlushProposals();
    LeaderSendProbe();
  }
  return std::exchange(out_, Output{});
}

std::string Peer::Summary() const {
  std::string s = RoleName(role_);
  if (role_ != Role::kLooking) s += " leader=" + std::to_string(leader_);
  s += " epoch=" + std::to_string(current_epoch_) + "/" + std::to_string(accepted_epoch_) +
       " last=" + ZxidString(last_zxid()) + " durable=" + ZxidString(durable_zxid_) +
       " commit=" + ZxidString(committed_) + " applied=" + ZxidString(applied_);
  if (serving_) s += " serving";
  return s;
}

void Peer::Event(std::string line) { out_.events.push_back(std::move(line)); }

// --- roles

void Peer::SetRole(Role role) {
  role_ = role;
  switch (role) {
    case Role::kLooking:
      step_role_ = &Peer::StepLooking;
      tick_role_ = &Peer::TickElection;
      return;
    case Role::kFollowing:
      step_role_ = &Peer::StepFollower;
      tick_role_ = &Peer::TickFollower;
      return;
    case Role::kLeading:
      step_role_ = &Peer::StepLeader;
      tick_role_ = &Peer::TickLeader;
      return;
  }
}

void Peer::BecomeLooking(const std::string& why) {
  FailSyncs();
  Event("LOOKING: " + why);
  SetRole(Role::kLooking);
  serving_ = false;
  leader_ = 0;
  followers_.clear();
  outbox_.clear();  // its messages belong to links that are gone
  unsent_.clear();
  snapshot_asked_ = false;
  link_ = 0;
  out_.state_changed = true;
  StartElection();
}

void Peer::BecomeFollowing(Sid leader, const Vote& vote) {
  FailSyncs();
  SetRole(Role::kFollowing);
  leader_ = leader;
  vote_ = vote;
  serving_ = false;
  follower_phase_ = FollowerPhase::kConnecting;
  link_ = (static_cast<uint64_t>(link_nonce_) << 32) | ++links_opened_;
  link_out_seq_ = 0;
  link_in_ = LinkIn{};
  link_leadership_ = 0;
  newleader_zxid_ = 0;
  newleader_seen_ = false;
  newleader_epoch_ = 0;
  following_since_tick_ = tick_;
  leader_heard_tick_ = tick_;
  outbox_.clear();
  out_.state_changed = true;
  Event("FOLLOWING " + std::to_string(leader) + " (round " + std::to_string(round_) + ")");
  FollowerSendInfo();
}

void Peer::BecomeLeading(const Vote& vote) {
  FailSyncs();
  probe_ = 0;
  probe_due_ = false;
  SetRole(Role::kLeading);
  leader_ = config_.self;
  vote_ = vote;
  serving_ = false;
  leader_phase_ = LeaderPhase::kDiscovery;
  leading_since_tick_ = tick_;
  leadership_ = (static_cast<uint64_t>(link_nonce_) << 32) | ++leaderships_;
  new_epoch_ = 0;
  counter_ = 0;
  followers_.clear();
  epoch_ackers_.clear();
  unsent_.clear();
  outbox_.clear();
  out_.state_changed = true;
  Event("LEADING (round " + std::to_string(round_) + ")");
  LeaderDecideEpoch();  // a quorum of one (a single voter) needs nobody's FOLLOWERINFO
}

// --- persistence

uint64_t Peer::Persist(PersistRequest request) {
  request.seq = next_seq_++;
  Pending p;
  p.seq = request.seq;
  p.kind = request.kind;
  p.epoch = request.epoch;
  p.durable_zxid = pending_.empty() ? durable_zxid_ : pending_.back().durable_zxid;
  switch (request.kind) {
    case Kind::kAppend: p.durable_zxid = request.entries.back().zxid; break;
    case Kind::kTruncateAfter:
    case Kind::kInstallSnapshot: p.durable_zxid = request.zxid; break;
    case Kind::kAcceptedEpoch:
    case Kind::kCurrentEpoch: break;
  }
  pending_.push_back(p);
  bool hold = !held_.empty() || (IsBarrier(request.kind) && done_seq_ + 1 != request.seq);
  if (hold) {
    CAIRN_MARK("persist.barrier_held");
    held_.push_back(std::move(request));
  } else {
    out_.persist.push_back(std::move(request));
  }
  return p.seq;
}

void Peer::IssueHeld() {
  while (!held_.empty()) {
    PersistRequest& r = held_.front();
    if (IsBarrier(r.kind) && done_seq_ + 1 != r.seq) return;
    out_.persist.push_back(std::move(r));
    held_.pop_front();
  }
}

void Peer::OnPersisted(uint64_t seq) {
  CAIRN_ASSERT(seq == done_seq_ + 1);
  CAIRN_ASSERT(!pending_.empty() && pending_.front().seq == seq);
  CAIRN_ASSERT(held_.empty() || held_.front().seq > seq);  // reported, so it was issued
  done_seq_ = seq;
  Pending p = pending_.front();
  pending_.pop_front();
  durable_zxid_ = p.durable_zxid;
  if (p.kind == Kind::kCurrentEpoch) current_epoch_ = p.epoch;
  IssueHeld();
  ReleaseOutbox();
  if (role_ == Role::kLeading) LeaderOnPersisted();
  Deliver();
}

void Peer::LowerDurable(Zxid zxid) {
  // What was written above zxid is going away: no earlier request, once
  // done, may claim it durable.
  durable_zxid_ = std::min(durable_zxid_, zxid);
  for (Pending& p : pending_) p.durable_zxid = std::min(p.durable_zxid, zxid);
}

void Peer::AppendEntries(std::vector<Entry> entries) {
  CAIRN_ASSERT(!entries.empty());
  Zxid prev = last_zxid();
  for (const Entry& e : entries) {
    CAIRN_ASSERT(e.zxid > prev);
    prev = e.zxid;
    log_.push_back(e);
  }
  // Coalesce with the newest request if it is an append the driver has not
  // taken yet (held, or still in the output): one write for a burst.
  PersistRequest* newest = nullptr;
  if (!held_.empty()) {
    newest = &held_.back();
  } else if (!out_.persist.empty() && out_.persist.back().seq == next_seq_ - 1) {
    newest = &out_.persist.back();
  }
  if (newest != nullptr && newest->kind == Kind::kAppend) {
    for (Entry& e : entries) newest->entries.push_back(std::move(e));
    pending_.back().durable_zxid = newest->entries.back().zxid;
    return;
  }
  PersistRequest r;
  r.kind = Kind::kAppend;
  r.entries = std::move(entries);
  Persist(std::move(r));
}

bool Peer::HasZxid(Zxid zxid) const {
  if (zxid == base_) return true;
  auto it = std::lower_bound(log_.begin(), log_.end(), zxid,
                             [](const Entry& e, Zxid z) { return e.zxid < z; });
  return it != log_.end() && it->zxid == zxid;
}

std::vector<EpochEnd> Peer::EpochEnds() const {
  std::vector<EpochEnd> ends;
  for (auto it = log_.rbegin(); it != log_.rend() && ends.size() < Message::kMaxEpochEnds; ++it) {
    if (ends.empty() || ends.back().epoch != EpochOf(it->zxid)) {
      ends.push_back(EpochEnd{EpochOf(it->zxid), CounterOf(it->zxid)});
    }
  }
  return ends;
}

void Peer::CompactThrough(Zxid zxid) {
  CAIRN_ASSERT(zxid <= applied_);
  while (!log_.empty() && log_.front().zxid <= zxid) log_.pop_front();
  base_ = std::max(base_, zxid);
}

void Peer::Deliver() {
  Zxid limit = std::min(committed_, durable_zxid_);
  if (applied_ >= limit) return;
  auto it = std::upper_bound(log_.begin(), log_.end(), applied_,
                             [](Zxid z, const Entry& e) { return z < e.zxid; });
  for (; it != log_.end() && it->zxid <= limit; ++it) {
    out_.committed.push_back(*it);
    applied_ = it->zxid;
  }
  FinishSyncs();
}

// --- sending

Message Peer::LinkMessage(MessageType type, Sid to, uint64_t link) {
  Message m;
  m.type = type;
  m.from = config_.self;
  m.to = to;
  m.link = link;
  return m;
}

void Peer::Send(Message m) {
  if (m.type != MessageType::kVote) {  // number it on its link, if the link still exists
    if (role_ == Role::kFollowing && m.to == leader_ && m.link == link_) {
      m.seq = ++link_out_seq_;
      m.leadership = link_leadership_;
    } else if (role_ == Role::kLeading) {
      auto it = followers_.find(m.to);
      if (it == followers_.end() || it->second.link != m.link) return;
      m.seq = ++it->second.out_seq;
      m.leadership = leadership_;
    } else {
      return;
    }
  }
  out_.messages.push_back(std::move(m));
}

void Peer::SendAfter(uint64_t after, Message m) {
  if (outbox_.empty() && after <= done_seq_) {
    Send(std::move(m));
    return;
  }
  CAIRN_MARK("outbox.gated");
  outbox_.emplace_back(after, std::move(m));
}

void Peer::ReleaseOutbox() {
  while (!outbox_.empty() && outbox_.front().first <= done_seq_) {
    Send(std::move(outbox_.front().second));
    outbox_.pop_front();
  }
}

Peer::LinkVerdict Peer::CheckLink(Message& m, uint64_t link, LinkIn* in, const char** why) {
  if (m.link != link) return LinkVerdict::kIgnore;  // an old link's straggler
  if (m.seq <= in->seq) {
    CAIRN_MARK("link.duplicate");
    return LinkVerdict::kIgnore;
  }
  if (m.seq != in->seq + 1) {
    if (in->early.size() >= kEarlyMax) {
      *why = "too many messages after a gap";
      return LinkVerdict::kGap;
    }
    CAIRN_MARK("link.reordered");
    if (in->early.empty()) in->early_since_tick = tick_;
    uint64_t seq = m.seq;
    in->early.emplace(seq, std::move(m));
    return LinkVerdict::kHeld;
  }
  in->seq = m.seq;
  in->early_since_tick = tick_;  // progress: whatever gap is left is measured from now
  return LinkVerdict::kAccept;
}

bool Peer::TakeEarly(LinkIn* in, Message* m) {
  auto it = in->early.find(in->seq + 1);
  if (it == in->early.end()) return false;
  *m = std::move(it->second);
  in->early.erase(it);
  in->seq = m->seq;  // (early_since_tick was renewed when the gap's first message came)

  return true;
}

bool Peer::LinkStale(const LinkIn& in) const {
  if (in.early.empty() || tick_ - in.early_since_tick < config_.sync_limit) return false;
  CAIRN_MARK("link.gap");
  return true;
}

}  // namespace cairn::zab
