#include "sim/sim_cluster.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <sstream>

#include "base/assert.h"

namespace cairn::sim {

using zab::Sid;
using Kind = zab::PersistRequest::Kind;

// The fault rates and shape one seed draws.
struct SimCluster::Swarm {
  NetworkFaults network;
  StorageFaults storage;
  uint32_t crash_per_mille = 0;      // of chaos events
  uint32_t partition_per_mille = 0;  // of chaos events
  uint32_t pause_per_mille = 0;      // of chaos events: a process stops (a GC pause)
  int64_t pause_max = 0;             // time units
  int64_t chaos_gap_max = 0;         // time units between chaos events
  int clients = 1;
  int keys = 1;
  int64_t think_max = 20;        // a client's pause between operations
  int64_t op_timeout = 0;        // time units a client waits for its operation
  int64_t snapshot_every = 50;   // entries applied between a server's snapshots
  uint32_t counter_max = 0xffffffffu;
  std::map<Sid, int64_t> tick_units;  // each server's clock runs at its own rate

  std::string Describe() const {
    std::ostringstream s;
    s << "drop=" << network.drop_per_mille << "‰ dup=" << network.duplicate_per_mille << "‰ delay="
      << network.delay_min << ".." << network.delay_max << " long=" << network.long_delay_per_mille << "‰" << " disk=" << storage.latency_min << ".."
      << storage.latency_max << " stall=" << storage.stall_per_mille << "‰/" << storage.stall_max
      << " crash=" << crash_per_mille << "‰ partition=" << partition_per_mille << "‰ pause=" << pause_per_mille
      << "‰/" << pause_max << " gap=" << chaos_gap_max
      << " clients=" << clients << " keys=" << keys << " snapshot_every=" << snapshot_every
      << " counter_max=" << counter_max << (storage.lies ? " storage-lies" : "");
    return s.str();
  }
};

struct SimCluster::Server {
  Server(SimRandom* random, StorageFaults faults) : storage(random, faults) {}
  std::unique_ptr<zab::Peer> peer;  // null while crashed
  SimStorage storage;
  KvMachine machine;
  int incarnation = 0;
  int64_t next_tick = 0;
  zab::Zxid snapshotted = 0;
  zab::Role role = zab::Role::kLooking;
  // A paused process does nothing until then; what reaches it waits.
  int64_t paused_until = 0;
  std::vector<zab::Message> inbox;
};

struct SimCluster::Client {
  int id = 0;
  int64_t next_at = 0;
  // The operation in flight (history index), or -1.
  int64_t waiting = -1;
  int64_t op_id = 0;  // a write's txn, a read's sync id
  bool reading = false;
  std::string key;
  Sid server = 0;
  int incarnation = 0;
  int64_t deadline = 0;
};

SimCluster::SimCluster(SimOptions options) : options_(options), random_(options.seed) {
  DrawSwarm();
  network_ = std::make_unique<SimNetwork>(&random_, swarm_->network);
  for (Sid sid : sids_) {
    servers_[sid] = std::make_unique<Server>(&random_, swarm_->storage);
    Boot(sid);
  }
  for (int i = 0; i < swarm_->clients; ++i) {
    Client c;
    c.id = i + 1;
    c.next_at = random_.Between(1, 50);
    clients_.push_back(c);
  }
}

SimCluster::~SimCluster() = default;

void SimCluster::DrawSwarm() {
  swarm_ = std::make_unique<Swarm>();
  Swarm& w = *swarm_;
  int n = options_.servers != 0 ? options_.servers : (random_.Chance(500) ? 3 : 5);
  for (int i = 1; i <= n; ++i) sids_.push_back(i);
  // Each fault is absent from some seeds, mild in most, harsh in a few: a
  // link drops on any lost message, so constant loss would leave little
  // but elections to test.
  auto rate = [&](uint32_t mild, uint32_t harsh) {
    uint64_t pick = random_.Below(10);
    if (pick < 3) return uint32_t{0};
    if (pick < 8) return static_cast<uint32_t>(random_.Between(1, mild));
    return static_cast<uint32_t>(random_.Between(mild, harsh));
  };
  w.network.drop_per_mille = rate(10, 150);
  w.network.duplicate_per_mille = rate(20, 100);
  w.network.delay_min = 1;
  w.network.delay_max = random_.Between(1, 30);  // under syncLimit ticks: slow, not lost
  w.network.long_delay_per_mille = rate(3, 30);
  w.storage.latency_min = 1;
  w.storage.latency_max = random_.Between(1, 30);
  w.storage.stall_per_mille = rate(10, 50);
  w.storage.stall_max = random_.Between(50, 600);
  w.storage.lies = options_.storage_lies;
  w.crash_per_mille = rate(100, 400);
  w.partition_per_mille = rate(100, 400);
  w.pause_per_mille = rate(50, 300);
  w.pause_max = random_.Between(5, 40) * kTickUnits;  // past syncLimit, often
  w.chaos_gap_max = random_.Between(20, 1500);
  w.clients = static_cast<int>(random_.Between(1, 4));
  w.keys = static_cast<int>(random_.Between(1, 3));
  w.think_max = random_.Between(1, 40);
  w.op_timeout = 40 * kTickUnits;
  w.snapshot_every = random_.Between(3, 120);
  if (random_.Chance(200)) w.counter_max = static_cast<uint32_t>(random_.Between(5, 60));
  for (Sid sid : sids_) w.tick_units[sid] = kTickUnits + random_.Between(-2, 2);
  result_.swarm = w.Describe();
}

zab::PeerConfig SimCluster::ConfigFor(Sid sid, int incarnation) const {
  zab::PeerConfig c;
  c.self = sid;
  c.voters = sids_;
  c.counter_max = swarm_->counter_max;
  c.seed = options_.seed * 1000003 + static_cast<uint64_t>(sid) * 7919 + static_cast<uint64_t>(incarnation);
  return c;
}

void SimCluster::Boot(Sid sid) {
  Server& s = *servers_.at(sid);
  ++s.incarnation;
  const Disk& disk = s.storage.disk();
  s.machine = KvMachine::FromSnapshot(disk.snapshot);
  s.snapshotted = disk.state.snapshot_zxid;
  CAIRN_ASSERT(s.machine.zxid() == disk.state.snapshot_zxid);
  if (std::string v = invariants_.OnStateMachineAt(sid, s.machine.zxid(), s.machine.digest()); !v.empty()) {
    Fail(v);
  }
  s.peer = std::make_unique<zab::Peer>(ConfigFor(sid, s.incarnation), disk.state);
  s.role = zab::Role::kLooking;
  s.next_tick = now_ + random_.Between(1, swarm_->tick_units.at(sid));
  Trace("boot " + std::to_string(sid) + " #" + std::to_string(s.incarnation) + ": epochs " +
        std::to_string(disk.state.current_epoch) + "/" + std::to_string(disk.state.accepted_epoch) + ", snapshot " +
        zab::ZxidString(disk.state.snapshot_zxid) + ", " + std::to_string(disk.state.log.size()) + " log entries");
  Drain(sid);
}

void SimCluster::Crash(Sid sid) {
  Server& s = *servers_.at(sid);
  s.storage.Crash(now_);
  s.paused_until = 0;
  s.inbox.clear();
  s.peer.reset();
  ++result_.crashes;
  Trace("crash " + std::to_string(sid));
}

void SimCluster::Drain(Sid sid) {
  Server& s = *servers_.at(sid);
  if (!s.peer) return;
  zab::Output out = s.peer->TakeOutput();
  for (auto& r : out.persist) {
    if (r.kind == Kind::kAppend) {
      for (const auto& e : r.entries) {
        if (std::string v = invariants_.OnLogged(sid, e.zxid, e.txn); !v.empty()) Fail(v);
      }
    }
    if (r.kind == Kind::kInstallSnapshot) {
      s.machine = KvMachine::FromSnapshot(r.snapshot);  // the state machine is replaced now
      s.snapshotted = 0;
      if (std::string v = invariants_.OnStateMachineAt(sid, s.machine.zxid(), s.machine.digest()); !v.empty()) {
        Fail(v);
      }
    }
    s.storage.Submit(std::move(r), now_);
  }
  for (auto& m : out.messages) {
    std::string line = zab::Describe(m);
    const char* fate = network_->Send(std::move(m), now_);
    if (options_.trace || std::string(fate) != "sent") Trace("send " + line + " [" + fate + "]");
  }
  for (const auto& e : out.committed) OnCommitted(sid, e);
  for (const auto& done : out.syncs) OnSynced(sid, done);
  for (auto& line : out.events) {
    if (line.find("SAFETY: ") != std::string::npos) Fail("server " + std::to_string(sid) + " detected: " + line);
    if (line.rfind("election round", 0) == 0 && line.find("decided") != std::string::npos) ++result_.elections;
    Trace(std::to_string(sid) + ": " + line);
  }
  if (out.state_changed) {
    s.role = s.peer->role();
    if (zab::Epoch e = s.peer->established_epoch(); e != 0) {
      if (std::string v = invariants_.OnEstablished(sid, e); !v.empty()) Fail(v);
    }
  }
  if (out.snapshot_wanted) {
    s.peer->OnSnapshot(s.machine.zxid(), s.machine.Snapshot());
    Drain(sid);
    return;
  }
  if (s.machine.zxid() != s.peer->applied_zxid()) {
    Fail("server " + std::to_string(sid) + ": the state machine is at " + zab::ZxidString(s.machine.zxid()) +
         " but the peer handed out through " + zab::ZxidString(s.peer->applied_zxid()));
  }
  // Now and then a snapshot, and the log behind it goes.
  if (s.machine.zxid() > s.snapshotted &&
      invariants_.position(sid) % static_cast<size_t>(swarm_->snapshot_every) == 0 && s.machine.zxid() != 0) {
    s.storage.SaveSnapshot(s.machine.zxid(), s.machine.Snapshot());
    s.peer->CompactThrough(s.machine.zxid());
    s.snapshotted = s.machine.zxid();
  }
}

void SimCluster::OnCommitted(Sid sid, const zab::Entry& e) {
  Server& s = *servers_.at(sid);
  s.machine.Apply(e.zxid, e.txn);
  if (std::string v = invariants_.OnApplied(sid, e.zxid, e.txn, s.machine.digest()); !v.empty()) Fail(v);
  KvOp op = DecodeOp(e.txn);
  if (op.client == 0) probe_done_ = true;  // a liveness probe committed
  for (Client& c : clients_) {
    if (c.waiting < 0 || c.reading || c.op_id != op.op_id || c.server != sid || c.incarnation != s.incarnation) {
      continue;
    }
    Operation& h = history_[static_cast<size_t>(c.waiting)];
    h.ret = now_;
    h.ok = true;
    ++result_.ops_acked;
    c.waiting = -1;
    c.next_at = now_ + random_.Between(1, swarm_->think_max);
  }
}

void SimCluster::OnSynced(Sid sid, const zab::SyncDone& done) {
  Server& s = *servers_.at(sid);
  if (done.ok && done.zxid > s.machine.zxid()) {
    Fail("server " + std::to_string(sid) + ": sync " + std::to_string(done.id) + " finished at " +
         zab::ZxidString(done.zxid) + " but the state machine is at " + zab::ZxidString(s.machine.zxid()));
  }
  for (Client& c : clients_) {
    if (c.waiting < 0 || !c.reading || c.op_id != static_cast<int64_t>(done.id) || c.server != sid ||
        c.incarnation != s.incarnation) {
      continue;
    }
    if (!done.ok) {
      // The server stopped serving: the read saw nothing (the checker drops it).
      Trace("client " + std::to_string(c.id) + ": sync " + std::to_string(done.id) + " failed at " +
            std::to_string(sid));
    } else {
      Operation& h = history_[static_cast<size_t>(c.waiting)];
      h.value = s.machine.Read(c.key);
      h.ret = now_;
      h.ok = true;
      ++result_.ops_acked;
      if (options_.trace) {
        Trace("client " + std::to_string(c.id) + " read " + c.key + "=\"" + h.value + "\" at " +
              std::to_string(sid) + " " + zab::ZxidString(done.zxid));
      }
    }
    c.waiting = -1;
    c.next_at = now_ + random_.Between(1, swarm_->think_max);
  }
}

void SimCluster::ClientAct(Client& c) {
  c.next_at = now_ + random_.Between(1, swarm_->think_max);
  if (c.waiting >= 0) return;
  // Ask a random server. A write needs a serving leader (a real client's
  // follower would forward it; this one simply tries another later); a
  // read syncs with any serving server and reads its replica.
  Sid sid = sids_[random_.Below(sids_.size())];
  Server& s = *servers_.at(sid);
  if (now_ < s.paused_until) return;  // it does not answer
  bool reading = !random_.Chance(600);
  std::string key = "k" + std::to_string(random_.Below(static_cast<uint64_t>(swarm_->keys)));
  int64_t op_id = next_op_id_++;
  std::string what;
  if (reading) {
    if (!s.peer || !s.peer->Sync(static_cast<uint64_t>(op_id))) return;
    what = "sync " + std::to_string(op_id) + ", then read " + key;
  } else {
    if (!s.peer || s.peer->established_epoch() == 0) return;
    KvOp op{c.id, op_id, key, "v" + std::to_string(op_id)};
    zab::Zxid zxid = s.peer->Propose(EncodeOp(op));
    if (zxid == 0) {  // counter rollover: not taken
      Drain(sid);
      return;
    }
    what = EncodeOp(op) + " at " + zab::ZxidString(zxid);
  }
  Operation h;
  h.client = c.id;
  h.kind = reading ? Operation::Kind::kRead : Operation::Kind::kWrite;
  h.key = key;
  h.value = reading ? "" : "v" + std::to_string(op_id);
  h.call = now_;
  h.ret = kPending;
  h.ok = false;
  history_.push_back(h);
  c.waiting = static_cast<int64_t>(history_.size()) - 1;
  c.op_id = op_id;
  c.reading = reading;
  c.key = key;
  c.server = sid;
  c.incarnation = s.incarnation;
  c.deadline = now_ + swarm_->op_timeout;
  Trace("client " + std::to_string(c.id) + " -> " + std::to_string(sid) + ": " + what);
  Drain(sid);  // after the bookkeeping: the answer may come in this output
}

void SimCluster::ExpireClients() {
  for (Client& c : clients_) {
    if (c.waiting >= 0 && now_ >= c.deadline) {
      // It gives up: the outcome stays unknown (it may still commit).
      Trace("client " + std::to_string(c.id) + " gives up on op " + std::to_string(c.op_id));
      c.waiting = -1;
    }
  }
}

void SimCluster::Chaos() {
  next_chaos_ = now_ + random_.Between(1, swarm_->chaos_gap_max);
  std::vector<Sid> up, down;
  for (Sid sid : sids_) (servers_.at(sid)->peer ? up : down).push_back(sid);
  if (!down.empty() && random_.Chance(500)) {
    Boot(down[random_.Below(down.size())]);
    return;
  }
  if (!up.empty() && random_.Chance(swarm_->crash_per_mille)) {
    Crash(up[random_.Below(up.size())]);
    return;
  }
  if (!up.empty() && random_.Chance(swarm_->pause_per_mille)) {
    Sid sid = up[random_.Below(up.size())];
    Server& s = *servers_.at(sid);
    s.paused_until = std::max(s.paused_until, now_ + random_.Between(1, swarm_->pause_max));
    Trace("pause " + std::to_string(sid) + " until t=" + std::to_string(s.paused_until));
    return;
  }
  if (random_.Chance(swarm_->partition_per_mille)) {
    std::set<Sid> side;
    for (Sid sid : sids_) {
      if (random_.Chance(500)) side.insert(sid);
    }
    network_->Partition(side);
    std::string line = "partition {";
    for (Sid sid : side) line += " " + std::to_string(sid);
    Trace(line + " } | rest");
    return;
  }
  if (random_.Chance(300)) {
    network_->Heal();
    Trace("heal");
  }
}

// One event: the earliest of the network, the disks, the clocks, the
// clients and the chaos. False if nothing is left to happen.
bool SimCluster::StepOnce(bool chaos, bool clients) {
  enum class What { kNone, kChaos, kMessage, kStorage, kTick, kClient, kResume };
  What what = What::kNone;
  int64_t best = std::numeric_limits<int64_t>::max();
  Sid who = 0;
  size_t client = 0;
  auto consider = [&](int64_t t, What w, Sid sid = 0, size_t ci = 0) {
    if (t < best) {
      best = t;
      what = w;
      who = sid;
      client = ci;
    }
  };
  if (chaos) consider(next_chaos_, What::kChaos);
  if (auto t = network_->NextTime()) consider(*t, What::kMessage);
  for (Sid sid : sids_) {
    Server& s = *servers_.at(sid);
    if (!s.peer) continue;
    // A paused process notices its disk and its clock once it resumes;
    // its clock fires once, however long the pause was.
    // What waited in its inbox comes first, in the order it arrived.
    if (!s.inbox.empty()) consider(s.paused_until, What::kResume, sid);
    if (auto t = s.storage.NextTime()) consider(std::max(*t, s.paused_until), What::kStorage, sid);
    consider(std::max(s.next_tick, s.paused_until), What::kTick, sid);
  }
  if (clients) {
    for (size_t i = 0; i < clients_.size(); ++i) consider(clients_[i].next_at, What::kClient, 0, i);
  }
  if (what == What::kNone) return false;
  now_ = std::max(now_, best);
  switch (what) {
    case What::kNone: break;
    case What::kChaos: Chaos(); break;
    case What::kMessage: {
      std::optional<zab::Message> m = network_->Pop();
      if (!m) break;
      Server& s = *servers_.at(m->to);
      if (!s.peer) break;
      Sid to = m->to;
      if (now_ < s.paused_until || !s.inbox.empty()) {  // behind what waits already
        s.inbox.push_back(std::move(*m));
        break;
      }
      if (options_.trace) Trace("deliver " + zab::Describe(*m));
      s.peer->Step(std::move(*m));
      Drain(to);
      break;
    }
    case What::kStorage: {
      Server& s = *servers_.at(who);
      uint64_t seq = s.storage.Finish(now_);
      s.peer->OnPersisted(seq);
      Drain(who);
      break;
    }
    case What::kTick: {
      Server& s = *servers_.at(who);
      s.next_tick = now_ + swarm_->tick_units.at(who);
      s.peer->Tick();
      Drain(who);
      break;
    }
    case What::kClient: ClientAct(clients_[client]); break;
    case What::kResume: {
      Server& s = *servers_.at(who);
      std::vector<zab::Message> inbox = std::move(s.inbox);
      s.inbox.clear();
      for (auto& m : inbox) {
        if (options_.trace) Trace("deliver " + zab::Describe(m));
        s.peer->Step(std::move(m));
        Drain(who);
        if (!s.peer) break;
      }
      break;
    }
  }
  ExpireClients();
  return true;
}

bool SimCluster::Converged() const {
  const zab::Peer* leader = nullptr;
  for (Sid sid : sids_) {
    const Server& s = *servers_.at(sid);
    if (s.peer && s.peer->established_epoch() != 0) leader = s.peer.get();
  }
  if (leader == nullptr || !probe_done_) return false;
  for (Sid sid : sids_) {
    const Server& s = *servers_.at(sid);
    if (!s.peer || !s.peer->serving() || s.peer->applied_zxid() != leader->committed_zxid()) return false;
  }
  return leader->applied_zxid() == leader->committed_zxid();
}

SimResult SimCluster::Run() {
  Trace("seed " + std::to_string(options_.seed) + ": " + std::to_string(sids_.size()) + " servers, " +
        result_.swarm);
  next_chaos_ = random_.Between(1, swarm_->chaos_gap_max);
  // Safety under chaos.
  for (int64_t i = 0; i < options_.steps && result_.ok; ++i) {
    StepOnce(true, true);
    ++result_.steps;
  }
  if (!result_.ok) return result_;
  // Then liveness: heal, restart everyone, quiet the faults; a quorum must
  // serve again and commit a new write.
  Trace("heal all; restart every server; faults off");
  network_->Heal();
  network_->set_faults(NetworkFaults{0, 0, 1, 3});
  for (Sid sid : sids_) {
    if (!servers_.at(sid)->peer) Boot(sid);
  }
  int64_t deadline = now_ + options_.liveness_ticks * kTickUnits;
  int64_t probe_at = now_ + 5 * kTickUnits;
  while (result_.ok && now_ < deadline && !Converged()) {
    // A probe write, again every 50 ticks until one commits (one proposed
    // to a leader that then lost its quorum may be truncated away).
    if (!probe_done_ && now_ >= probe_at) {
      for (Sid sid : sids_) {
        Server& s = *servers_.at(sid);
        if (!s.peer || s.peer->established_epoch() == 0 || now_ < s.paused_until) continue;
        KvOp op{0, next_op_id_++, "probe", "p"};
        if (s.peer->Propose(EncodeOp(op)) != 0) {
          probe_at = now_ + 50 * kTickUnits;
          Trace("probe write at " + std::to_string(sid));
        }
        Drain(sid);
        break;
      }
    }
    if (!StepOnce(false, false)) break;
    ++result_.steps;
  }
  if (!result_.ok) return result_;
  if (!Converged()) {
    Fail("no liveness: not converged " + std::to_string(options_.liveness_ticks) + " ticks after healing; " +
         ServersLine());
    return result_;
  }
  Trace("converged: " + ServersLine());
  result_.committed = invariants_.committed().size();
  LinearizabilityResult lin = CheckLinearizable(history_, kLinearizabilityStatesMax);
  if (!lin.ok && !lin.gave_up) Fail("client history is not linearizable: " + lin.explanation);
  result_.linearizability_gave_up = lin.gave_up;
  if (lin.gave_up) Trace("linearizability check gave up (search bound): history of " +
                         std::to_string(history_.size()) + " operations");
  result_.trace = trace_;
  return result_;
}

std::string SimCluster::ServersLine() const {
  std::string s;
  for (Sid sid : sids_) {
    const Server& srv = *servers_.at(sid);
    s += "[" + std::to_string(sid) + " " + (srv.peer ? srv.peer->Summary() : std::string("down")) + "] ";
  }
  return s;
}

void SimCluster::Trace(std::string line) {
  std::string stamped = "t=" + std::to_string(now_) + " " + line;
  if (options_.echo) std::printf("%s\n", stamped.c_str());
  trace_.push_back(std::move(stamped));
  if (!options_.trace && trace_.size() > 2 * kTraceKept) {
    trace_.erase(trace_.begin(), trace_.end() - static_cast<ptrdiff_t>(kTraceKept));
  }
}

void SimCluster::Fail(std::string why) {
  if (!result_.ok) return;
  result_.ok = false;
  result_.failure = why;
  Trace("VIOLATION: " + why);
  Trace("servers: " + ServersLine());
  result_.trace = trace_;
}

}  // namespace cairn::sim
