// tests/sim/sim_cluster.h: a whole ensemble of real zab::Peers in one
// process, with the simulated network and disks, a replicated KvMachine on
// each server and a few clients, all driven by one discrete-event loop from
// one seed (TigerBeetle's VOPR, FoundationDB's simulation).
//
// A run is swarm-tested: the seed first draws its own fault rates (drops,
// duplicates, delays, disk latency and stalls, crashes, partitions, small
// zxid counters). Then the chaos phase runs `steps` events, checking the
// invariants (sim/invariants.h) after every one; then the network heals,
// every server restarts, and the ensemble must converge and commit a new
// write within `liveness_ticks`; then the clients' history must be
// linearizable. The same options replay the same run, event for event.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/invariants.h"
#include "sim/kv_machine.h"
#include "sim/linearizability.h"
#include "sim/sim_network.h"
#include "sim/sim_random.h"
#include "sim/sim_storage.h"
#include "zab/core/peer.h"

namespace cairn::sim {

struct SimOptions {
  uint64_t seed = 1;
  int servers = 0;  // 3 or 5; 0: the seed chooses
  int64_t steps = 20000;
  bool storage_lies = false;
  bool trace = false;  // keep every event (else the last kTraceKept)
  bool echo = false;   // also print each event as it happens (survives an abort)
  int64_t liveness_ticks = 800;
};

struct SimResult {
  bool ok = true;
  std::string failure;  // what was violated
  std::vector<std::string> trace;
  std::string swarm;  // the fault rates this seed drew
  int64_t steps = 0;
  size_t committed = 0;
  int64_t ops_acked = 0;
  int64_t elections = 0;
  int64_t crashes = 0;
  bool linearizability_gave_up = false;  // the checker hit its bound: no verdict
};

class SimCluster {
 public:
  explicit SimCluster(SimOptions options);
  ~SimCluster();
  SimResult Run();

  static constexpr int64_t kTickUnits = 10;  // simulated time units per tick
  static constexpr size_t kTraceKept = 400;
  static constexpr size_t kLinearizabilityStatesMax = 200000;  // per key

 private:
  struct Swarm;
  struct Server;
  struct Client;

  void DrawSwarm();
  zab::PeerConfig ConfigFor(zab::Sid sid, int incarnation) const;
  void Boot(zab::Sid sid);
  void Crash(zab::Sid sid);
  void Drain(zab::Sid sid);
  void OnCommitted(zab::Sid sid, const zab::Entry& e);
  void OnSynced(zab::Sid sid, const zab::SyncDone& done);
  bool StepOnce(bool chaos, bool clients);
  void Chaos();
  void ClientAct(Client& c);
  void ExpireClients();
  bool Converged() const;
  void Trace(std::string line);
  void Fail(std::string why);
  std::string ServersLine() const;

  SimOptions options_;
  SimRandom random_;
  std::unique_ptr<Swarm> swarm_;
  std::unique_ptr<SimNetwork> network_;
  std::vector<zab::Sid> sids_;
  std::map<zab::Sid, std::unique_ptr<Server>> servers_;
  std::vector<Client> clients_;
  Invariants invariants_;
  std::vector<Operation> history_;
  int64_t now_ = 0;
  int64_t next_chaos_ = 0;
  int64_t next_op_id_ = 1;
  bool probe_done_ = false;  // a liveness-phase write (client 0) committed
  SimResult result_;
  std::vector<std::string> trace_;
};

}  // namespace cairn::sim
