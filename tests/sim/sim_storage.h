// tests/sim/sim_storage.h: one simulated server's disk. Persist requests
// finish in order after a random latency (sometimes a long stall); a
// finished request is on disk, an unfinished one is lost by a crash.
//
// With `lies` on, the disk is the kind that acknowledges a write before it
// has it: a finished request may stay in a volatile cache for a while, and
// a crash loses the cache (and, to keep the disk a prefix, everything after
// the first cached request). That breaks ZAB's fault model on purpose: the
// simulator must then find lost acknowledged writes, which shows that its
// checks can fail.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "sim/sim_random.h"
#include "zab/core/config.h"
#include "zab/core/output.h"

namespace cairn::sim {

struct StorageFaults {
  int64_t latency_min = 1;  // time units
  int64_t latency_max = 10;
  uint32_t stall_per_mille = 0;  // a request that takes up to stall_max instead
  int64_t stall_max = 300;
  bool lies = false;
  uint32_t lie_per_mille = 500;  // share of finished requests left in the cache
  int64_t lie_window = 400;      // how long the cache keeps one
};

// What survives a crash.
struct Disk {
  zab::DurableState state;
  std::string snapshot;  // the state machine at state.snapshot_zxid
};

class SimStorage {
 public:
  SimStorage(SimRandom* random, StorageFaults faults) : random_(random), faults_(faults) {}

  void Submit(zab::PersistRequest request, int64_t now);
  // When the next request finishes, if any is waiting.
  std::optional<int64_t> NextTime() const;
  // Finishes the next request and returns its seq. REQUIRES: NextTime().
  uint64_t Finish(int64_t now);
  // The server wrote a snapshot of its state machine at zxid (durably, as a
  // real snapshot file is: fsync, rename): the log at or below it goes.
  void SaveSnapshot(zab::Zxid zxid, std::string snapshot);
  // Loses what a crash loses; the disk is what a restart reads.
  void Crash(int64_t now);
  const Disk& disk() const { return disk_; }
  // Bytes of log entries on disk, for the trace.
  size_t log_entries() const { return disk_.state.log.size(); }
  // What a finished request does to a disk.
  static void Apply(Disk* disk, const zab::PersistRequest& r);

 private:
  struct Waiting {
    int64_t done_at;
    zab::PersistRequest request;
  };
  struct Cached {
    int64_t flush_at;
    zab::PersistRequest request;
  };
  void Flush(int64_t now);

  SimRandom* random_;
  StorageFaults faults_;
  Disk disk_;
  std::deque<Waiting> waiting_;
  std::deque<Cached> cache_;  // finished but not on disk (lies only)
  int64_t last_done_at_ = 0;
};

}  // namespace cairn::sim
