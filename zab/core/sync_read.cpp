// zab/core/sync_read.cpp: sync, the read fence (Peer::Sync). ZooKeeper's
// leader answers a sync in order behind its outstanding proposals; one
// that has been deposed without knowing it yet (a partition, for up to
// syncLimit ticks) answers too, and a read after it may miss a write the
// new leader committed. Here the leader also confirms it still leads, as
// Raft's ReadIndex does: it numbers rounds of pings (probes), sends one
// after it takes the sync, and answers once a quorum has echoed it. A
// quorum that still followed this term after the call cannot all have
// moved on to a later epoch before it, so whatever any leader committed
// before the call is in this leader's log, at or below the point it reads
// at: everything it had proposed when it took the sync.
#include <algorithm>

#include "base/mark.h"
#include "zab/core/peer.h"
#include "zab/core/quorum.h"

namespace cairn::zab {

bool Peer::Sync(uint64_t id) {
  if (!serving_) return false;
  if (role_ == Role::kLeading) {
    LeaderTakeSync(id, config_.self, 0);
    return true;
  }
  CAIRN_MARK("sync_read.via_leader");
  syncs_asked_.push_back(id);
  Message ask = LinkMessage(MessageType::kSyncRead, leader_, link_);
  ask.request = id;
  Send(std::move(ask));
  return true;
}

// --- leader

void Peer::LeaderTakeSync(uint64_t id, Sid origin, uint64_t link) {
  // Everything proposed before it, as ZooKeeper's leader does: a write the
  // caller's session sent first (and a follower forwarded) is among them.
  syncs_confirming_.push_back(SyncWait{id, origin, link, last_zxid(), probe_ + 1});
  probe_due_ = true;  // sent with the rest of this input's output
}

void Peer::LeaderSendProbe() {
  if (!probe_due_) return;
  probe_due_ = false;
  ++probe_;
  for (auto& [sid, f] : followers_) {
    if (f.phase != FollowerLink::Phase::kAcked) continue;
    Message ping = LinkMessage(MessageType::kPing, sid, f.link);
    ping.commit = committed_;
    ping.probe = probe_;
    Send(std::move(ping));
  }
  LeaderCheckSyncs();  // a single voter is its own quorum
}

void Peer::LeaderOnProbeEcho(FollowerLink& f, uint64_t probe) {
  if (f.phase != FollowerLink::Phase::kAcked || probe <= f.probe) return;
  f.probe = probe;
  LeaderCheckSyncs();
}

void Peer::LeaderCheckSyncs() {
  if (syncs_confirming_.empty()) return;
  std::map<Sid, Zxid> echoed{{config_.self, probe_}};
  for (const auto& [sid, f] : followers_) {
    if (f.phase == FollowerLink::Phase::kAcked) echoed[sid] = f.probe;
  }
  uint64_t confirmed = QuorumZxid(config_.voters, echoed);
  while (!syncs_confirming_.empty() && syncs_confirming_.front().probe <= confirmed) {
    SyncWait w = syncs_confirming_.front();
    syncs_confirming_.pop_front();
    if (w.origin == config_.self) {
      syncs_applying_.emplace_back(w.point, w.id);
      continue;
    }
    auto it = followers_.find(w.origin);
    // Its link is gone: the follower fails the sync when it notices (it
    // times out, or starts over).
    if (it == followers_.end() || it->second.link != w.link) continue;
    Message point = LinkMessage(MessageType::kSyncPoint, w.origin, w.link);
    point.request = w.id;
    point.zxid = w.point;
    Send(std::move(point));
  }
  FinishSyncs();
}

// --- follower

void Peer::FollowerOnSyncPoint(const Message& m) {
  // Answers come in the order asked. Should the leader have skipped one,
  // it fails here rather than hold up the rest.
  if (std::find(syncs_asked_.begin(), syncs_asked_.end(), m.request) == syncs_asked_.end()) return;
  while (syncs_asked_.front() != m.request) {
    out_.syncs.push_back(SyncDone{syncs_asked_.front(), false, 0});
    syncs_asked_.pop_front();
  }
  syncs_asked_.pop_front();
  syncs_applying_.emplace_back(m.zxid, m.request);
  FinishSyncs();
}

// --- both

void Peer::FinishSyncs() {
  while (!syncs_applying_.empty() && syncs_applying_.front().first <= applied_) {
    out_.syncs.push_back(SyncDone{syncs_applying_.front().second, true, applied_});
    syncs_applying_.pop_front();
  }
  if (!syncs_applying_.empty()) CAIRN_MARK("sync_read.waits_to_apply");
}

void Peer::FailSyncs() {
  if (syncs_confirming_.empty() && syncs_asked_.empty() && syncs_applying_.empty()) return;
  CAIRN_MARK("sync_read.failed");
  for (const SyncWait& w : syncs_confirming_) {
    if (w.origin == config_.self) out_.syncs.push_back(SyncDone{w.id, false, 0});
  }
  for (uint64_t id : syncs_asked_) out_.syncs.push_back(SyncDone{id, false, 0});
  for (const auto& [point, id] : syncs_applying_) out_.syncs.push_back(SyncDone{id, false, 0});
  syncs_confirming_.clear();
  syncs_asked_.clear();
  syncs_applying_.clear();
}

}  // namespace cairn::zab
