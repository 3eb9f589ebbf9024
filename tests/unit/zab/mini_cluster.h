// tests/unit/zab/mini_cluster.h: a few zab::Peers on a perfect network
// (FIFO, no loss) with storage that finishes what it is given when told
// to, for unit tests of the core's phases. The seeded simulator
// (tests/sim) is where the hostile network and crashes live.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/sim_storage.h"
#include "zab/core/peer.h"

namespace cairn::testing {

class MiniCluster {
 public:
  explicit MiniCluster(int servers, uint64_t seed = 7);

  zab::Peer& peer(zab::Sid sid) { return *nodes_.at(sid).peer; }
  bool up(zab::Sid sid) const { return nodes_.at(sid).peer != nullptr; }
  // Delivers messages and finishes storage until nothing is left to do,
  // ticking when idle, at most max_ticks ticks.
  void Run(int max_ticks = 50);
  // Delivers messages and finishes storage until nothing is left, no tick.
  void Settle();
  // Runs until pred() holds (at most max_ticks); returns whether it did.
  bool RunUntil(const std::function<bool()>& pred, int max_ticks = 200);
  void Tick();
  // Crashes a server: unfinished storage requests are lost.
  void Crash(zab::Sid sid);
  void Restart(zab::Sid sid);
  // While held, sid's storage finishes nothing.
  void HoldStorage(zab::Sid sid, bool hold) { nodes_.at(sid).hold_storage = hold; }
  // sid's Peer::Sync(id), with its output taken.
  bool Sync(zab::Sid sid, uint64_t id);
  // The syncs sid's peer has finished (or failed), in order.
  const std::vector<zab::SyncDone>& Syncs(zab::Sid sid) const { return nodes_.at(sid).syncs; }
  // Messages for which pred holds wait aside (the network reordered them)
  // until ReleaseDelayed delivers them, in order: those for which `which`
  // holds, or all of them (and then nothing more is delayed).
  using MessagePred = std::function<bool(const zab::Message&)>;
  void Delay(MessagePred pred) { delay_ = std::move(pred); }
  void ReleaseDelayed(const MessagePred& which = nullptr);
  // The current serving leader, or 0.
  zab::Sid Leader() const;
  // The txns sid's state machine has applied, in order.
  const std::vector<std::string>& Applied(zab::Sid sid) const { return nodes_.at(sid).applied; }
  // Every message sent so far, as Describe() lines.
  const std::vector<std::string>& Sent() const { return sent_; }
  std::vector<std::string> Events() const { return events_; }

 private:
  struct Node {
    std::unique_ptr<zab::Peer> peer;
    sim::Disk disk;  // what survives a crash (the simulator's model)
    std::deque<zab::PersistRequest> storage;  // issued, not yet finished
    bool hold_storage = false;
    std::vector<std::string> applied;
    std::vector<zab::SyncDone> syncs;
    int incarnation = 0;
  };
  void Drain(zab::Sid sid);
  bool Step();  // one unit of work; false when idle

  std::vector<zab::Sid> voters_;
  uint64_t seed_;
  std::map<zab::Sid, Node> nodes_;
  std::deque<zab::Message> network_;
  MessagePred delay_;
  std::deque<zab::Message> delayed_;
  std::vector<std::string> sent_;
  std::vector<std::string> events_;
};

}  // namespace cairn::testing
