// tests/sim/sim_network.h: the simulated network. Messages wait in a
// priority queue keyed by (delivery time, sequence); on the way each may be
// dropped, duplicated or delayed (so reordered), and a partition drops
// every message between its sides, both when sent and when due. Faults
// come from the run's SimRandom and the run's NetworkFaults, so a seed
// replays exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <queue>
#include <set>
#include <vector>

#include "sim/sim_random.h"
#include "zab/core/message.h"

namespace cairn::sim {

struct NetworkFaults {
  uint32_t drop_per_mille = 0;
  uint32_t duplicate_per_mille = 0;
  int64_t delay_min = 1;  // time units (a tick is SimCluster::kTickUnits)
  int64_t delay_max = 5;
  // Now and then a message takes far longer (past initLimit): it arrives
  // after its link, or its sender's term, is long gone.
  uint32_t long_delay_per_mille = 0;
  int64_t long_delay_max = 400;
};

class SimNetwork {
 public:
  SimNetwork(SimRandom* random, NetworkFaults faults) : random_(random), faults_(faults) {}

  // Queues m for delivery (or drops it); returns what happened, for traces.
  const char* Send(zab::Message m, int64_t now);
  // The earliest delivery time queued, if any.
  std::optional<int64_t> NextTime() const;
  // Takes the earliest message; nullopt if it was cut off by a partition
  // (it is gone either way). REQUIRES: NextTime().
  std::optional<zab::Message> Pop();

  // Splits the servers: `side` and everyone else cannot talk.
  void Partition(std::set<zab::Sid> side);
  // Cuts one direction only.
  void Cut(zab::Sid from, zab::Sid to) { cut_.insert({from, to}); }
  void Heal();
  bool Connected(zab::Sid from, zab::Sid to) const;

  void set_faults(NetworkFaults faults) { faults_ = faults; }
  size_t queued() const { return queue_.size(); }

 private:
  struct Queued {
    int64_t time;
    uint64_t seq;
    zab::Message message;
    bool operator>(const Queued& o) const { return time != o.time ? time > o.time : seq > o.seq; }
  };

  SimRandom* random_;
  NetworkFaults faults_;
  std::priority_queue<Queued, std::vector<Queued>, std::greater<>> queue_;
  uint64_t next_seq_ = 0;
  std::set<zab::Sid> side_;  // empty: no partition
  std::set<std::pair<zab::Sid, zab::Sid>> cut_;
};

}  // namespace cairn::sim
