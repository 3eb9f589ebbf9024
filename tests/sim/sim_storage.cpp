#include "sim/sim_storage.h"

#include <algorithm>

#include "base/assert.h"

namespace cairn::sim {

using Kind = zab::PersistRequest::Kind;

void SimStorage::Submit(zab::PersistRequest request, int64_t now) {
  int64_t latency = random_->Chance(faults_.stall_per_mille)
                        ? random_->Between(faults_.latency_max, faults_.stall_max)
                        : random_->Between(faults_.latency_min, faults_.latency_max);
  // In order: never before the one queued ahead of it.
  int64_t at = std::max(now + latency, last_done_at_);
  last_done_at_ = at;
  waiting_.push_back(Waiting{at, std::move(request)});
}

std::optional<int64_t> SimStorage::NextTime() const {
  if (waiting_.empty()) return std::nullopt;
  return waiting_.front().done_at;
}

uint64_t SimStorage::Finish(int64_t now) {
  CAIRN_ASSERT(!waiting_.empty());
  Flush(now);
  zab::PersistRequest r = std::move(waiting_.front().request);
  waiting_.pop_front();
  uint64_t seq = r.seq;
  if (faults_.lies && (!cache_.empty() || random_->Chance(faults_.lie_per_mille))) {
    int64_t flush_at = std::max(now + random_->Between(1, faults_.lie_window),
                                cache_.empty() ? int64_t{0} : cache_.back().flush_at);
    cache_.push_back(Cached{flush_at, std::move(r)});
  } else {
    Apply(&disk_, r);
  }
  return seq;
}

void SimStorage::Flush(int64_t now) {
  while (!cache_.empty() && cache_.front().flush_at <= now) {
    Apply(&disk_, cache_.front().request);
    cache_.pop_front();
  }
}

void SimStorage::SaveSnapshot(zab::Zxid zxid, std::string snapshot) {
  // A real server snapshots only what it applied, which is on its disk: so
  // with a lying disk the cache is flushed first (the snapshot's fsync).
  for (Cached& c : cache_) Apply(&disk_, c.request);
  cache_.clear();
  if (zxid <= disk_.state.snapshot_zxid) return;
  disk_.snapshot = std::move(snapshot);
  disk_.state.snapshot_zxid = zxid;
  auto& log = disk_.state.log;
  log.erase(log.begin(), std::find_if(log.begin(), log.end(), [&](const zab::Entry& e) { return e.zxid > zxid; }));
}

void SimStorage::Crash(int64_t now) {
  Flush(now);
  waiting_.clear();
  cache_.clear();
  last_done_at_ = 0;
}

void SimStorage::Apply(Disk* disk, const zab::PersistRequest& r) {
  auto& s = disk->state;
  switch (r.kind) {
    case Kind::kAppend:
      for (const auto& e : r.entries) {
        CAIRN_ASSERT(s.log.empty() ? e.zxid > s.snapshot_zxid : e.zxid > s.log.back().zxid);
        s.log.push_back(e);
      }
      return;
    case Kind::kTruncateAfter:
      while (!s.log.empty() && s.log.back().zxid > r.zxid) s.log.pop_back();
      return;
    case Kind::kInstallSnapshot:
      s.log.clear();
      s.snapshot_zxid = r.zxid;
      disk->snapshot = r.snapshot;
      return;
    case Kind::kAcceptedEpoch: s.accepted_epoch = r.epoch; return;
    case Kind::kCurrentEpoch: s.current_epoch = r.epoch; return;
  }
}

}  // namespace cairn::sim
