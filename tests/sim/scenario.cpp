#include "sim/scenario.h"

#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <vector>

#include "sim/invariants.h"
#include "sim/kv_machine.h"
#include "sim/sim_storage.h"
#include "zab/core/peer.h"

namespace cairn::sim {

namespace {

using zab::Sid;
using Kind = zab::PersistRequest::Kind;

class Scenario {
 public:
  std::vector<std::string> Run(const std::string& line);

 private:
  struct Node {
    std::unique_ptr<zab::Peer> peer;
    Disk disk;
    std::deque<zab::PersistRequest> pending;
    bool held = false;
    KvMachine machine;
    int incarnation = 0;
  };

  static Sid SidArg(std::istream& in, const std::string& cmd);
  void CmdServers(std::istream& in);
  void CmdTick(std::istream& in);
  void CmdDeliver(std::istream& in);
  void CmdPropose(std::istream& in);
  void CmdSync(std::istream& in);
  void CmdPersist(std::istream& in);
  void CmdSnapshot(std::istream& in);
  void CmdCrash(std::istream& in);
  void CmdPartition(std::istream& in);
  void CmdStatus();
  void CmdData(std::istream& in);
  void Servers(int n, uint32_t counter_max);
  void Boot(Sid sid);
  void Drain(Sid sid);
  void Finish(Sid sid);
  bool StepOnce();
  void Stabilize();
  bool Connected(Sid a, Sid b) const { return side_.empty() || side_.count(a) == side_.count(b); }
  Node& At(Sid sid);
  void Note(const std::string& violation) {
    if (!violation.empty()) out_.push_back("VIOLATION: " + violation);
  }

  std::vector<Sid> sids_;
  std::map<Sid, Node> nodes_;
  std::deque<zab::Message> net_;
  std::set<Sid> side_;
  uint32_t counter_max_ = 0xffffffffu;
  int64_t op_id_ = 0;
  uint64_t sync_id_ = 0;
  Invariants invariants_;
  std::vector<std::string> out_;
};

Scenario::Node& Scenario::At(Sid sid) {
  auto it = nodes_.find(sid);
  if (it == nodes_.end()) throw std::runtime_error("no server " + std::to_string(sid));
  return it->second;
}

void Scenario::Servers(int n, uint32_t counter_max) {
  counter_max_ = counter_max;
  for (int i = 1; i <= n; ++i) sids_.push_back(i);
  for (Sid sid : sids_) nodes_[sid];
  for (Sid sid : sids_) Boot(sid);
}

void Scenario::Boot(Sid sid) {
  Node& n = At(sid);
  ++n.incarnation;
  zab::PeerConfig c;
  c.self = sid;
  c.voters = sids_;
  c.counter_max = counter_max_;
  c.seed = static_cast<uint64_t>(sid) * 1000 + static_cast<uint64_t>(n.incarnation);
  n.machine = KvMachine::FromSnapshot(n.disk.snapshot);
  Note(invariants_.OnStateMachineAt(sid, n.machine.zxid(), n.machine.digest()));
  n.peer = std::make_unique<zab::Peer>(c, n.disk.state);
  Drain(sid);
}

void Scenario::Drain(Sid sid) {
  Node& n = At(sid);
  if (!n.peer) return;
  zab::Output o = n.peer->TakeOutput();
  for (auto& r : o.persist) {
    if (r.kind == Kind::kAppend) {
      for (const auto& e : r.entries) Note(invariants_.OnLogged(sid, e.zxid, e.txn));
    }
    if (r.kind == Kind::kInstallSnapshot) {
      n.machine = KvMachine::FromSnapshot(r.snapshot);
      Note(invariants_.OnStateMachineAt(sid, n.machine.zxid(), n.machine.digest()));
    }
    n.pending.push_back(std::move(r));
  }
  for (auto& m : o.messages) net_.push_back(std::move(m));
  for (const auto& e : o.committed) {
    n.machine.Apply(e.zxid, e.txn);
    Note(invariants_.OnApplied(sid, e.zxid, e.txn, n.machine.digest()));
  }
  for (const auto& line : o.events) {
    // Election chatter depends on timing more than on the protocol: keep
    // the decisions only.
    if (line.rfind("election round", 0) == 0 && line.find("decided") == std::string::npos) continue;
    out_.push_back(std::to_string(sid) + ": " + line);
  }
  for (const auto& d : o.syncs) {
    out_.push_back(std::to_string(sid) + ": sync " + std::to_string(d.id) +
                   (d.ok ? " done at " + zab::ZxidString(d.zxid) + ": k=" + (n.machine.Read("k").empty() ? "-" : n.machine.Read("k")) : " failed"));
  }
  if (o.state_changed) {
    if (zab::Epoch e = n.peer->established_epoch(); e != 0) Note(invariants_.OnEstablished(sid, e));
  }
  if (o.snapshot_wanted) {
    n.peer->OnSnapshot(n.machine.zxid(), n.machine.Snapshot());
    Drain(sid);
  }
}

void Scenario::Finish(Sid sid) {
  Node& n = At(sid);
  zab::PersistRequest r = std::move(n.pending.front());
  n.pending.pop_front();
  SimStorage::Apply(&n.disk, r);
  n.peer->OnPersisted(r.seq);
  Drain(sid);
}

bool Scenario::StepOnce() {
  for (Sid sid : sids_) {
    Node& n = At(sid);
    if (n.peer && !n.held && !n.pending.empty()) {
      Finish(sid);
      return true;
    }
  }
  if (net_.empty()) return false;
  zab::Message m = std::move(net_.front());
  net_.pop_front();
  Node& to = At(m.to);
  if (to.peer && Connected(m.from, m.to)) {
    Sid sid = m.to;
    to.peer->Step(std::move(m));
    Drain(sid);
  }
  return true;
}

void Scenario::Stabilize() {
  for (int i = 0; i < 1000000 && StepOnce(); ++i) {
  }
}

Sid Scenario::SidArg(std::istream& in, const std::string& cmd) {
  Sid s = 0;
  if (!(in >> s)) throw std::runtime_error("'" + cmd + "' needs a server number");
  return s;
}

void Scenario::CmdServers(std::istream& in) {
  int n = 0;
  in >> n;
  uint32_t counter_max = 0xffffffffu;
  std::string opt;
  while (in >> opt) {
    if (opt.rfind("counter_max=", 0) == 0) counter_max = static_cast<uint32_t>(std::stoul(opt.substr(12)));
  }
  Servers(n, counter_max);
  out_.insert(out_.begin(), "ok");
}

void Scenario::CmdTick(std::istream& in) {
  int k = 1;
  in >> k;
  std::set<Sid> only;
  for (Sid sid = 0; in >> sid;) only.insert(sid);
  for (int i = 0; i < k; ++i) {
    for (Sid sid : sids_) {
      if (!At(sid).peer || (!only.empty() && only.count(sid) == 0)) continue;
      At(sid).peer->Tick();
      Drain(sid);
    }
    Stabilize();
  }
}

void Scenario::CmdDeliver(std::istream& in) {
  std::string route, opt, type;
  in >> route;
  size_t arrow = route.find("->");
  if (arrow == std::string::npos) throw std::runtime_error("deliver wants FROM->TO");
  Sid from = std::stoll(route.substr(0, arrow)), to = std::stoll(route.substr(arrow + 2));
  bool drop = false;
  while (in >> opt) {
    if (opt.rfind("type=", 0) == 0) type = opt.substr(5);
    if (opt == "drop") drop = true;
  }
  std::deque<zab::Message> rest, chosen;
  for (auto& m : net_) {
    bool match = m.from == from && m.to == to && (type.empty() || zab::MessageTypeName(m.type) == type);
    (match ? chosen : rest).push_back(std::move(m));
  }
  net_ = std::move(rest);
  for (auto& m : chosen) {
    out_.push_back((drop ? "drop " : "deliver ") + zab::Describe(m));
    if (drop || !At(to).peer) continue;
    At(to).peer->Step(std::move(m));
    Drain(to);
  }
}

void Scenario::CmdPropose(std::istream& in) {
  Sid sid = SidArg(in, "propose");
  std::string text;
  in >> text;
  Node& n = At(sid);
  KvOp op{0, ++op_id_, "k", text};
  zab::Zxid z = n.peer ? n.peer->Propose(EncodeOp(op)) : 0;
  out_.push_back(z == 0 ? "refused" : "proposed at " + zab::ZxidString(z));
  Drain(sid);
}

void Scenario::CmdSync(std::istream& in) {
  Sid sid = SidArg(in, "sync");
  Node& n = At(sid);
  uint64_t id = ++sync_id_;
  bool taken = n.peer && n.peer->Sync(id);
  out_.push_back(taken ? "sync " + std::to_string(id) + " taken" : "refused");
  Drain(sid);
}

void Scenario::CmdPersist(std::istream& in) {
  Sid sid = SidArg(in, "persist");
  int k = 1;
  in >> k;
  for (int i = 0; i < k && !At(sid).pending.empty() && At(sid).peer; ++i) {
    out_.push_back(std::to_string(sid) + " persisted " + zab::PersistKindName(At(sid).pending.front().kind));
    Finish(sid);
  }
}

void Scenario::CmdSnapshot(std::istream& in) {
  Sid sid = SidArg(in, "snapshot");
  Node& n = At(sid);
  // As the simulator's servers do: the state machine to disk, the log
  // behind it out of memory and off the disk.
  n.disk.snapshot = n.machine.Snapshot();
  n.disk.state.snapshot_zxid = n.machine.zxid();
  auto& log = n.disk.state.log;
  while (!log.empty() && log.front().zxid <= n.machine.zxid()) log.erase(log.begin());
  n.peer->CompactThrough(n.machine.zxid());
  out_.push_back(std::to_string(sid) + " snapshot at " + zab::ZxidString(n.machine.zxid()));
}

void Scenario::CmdCrash(std::istream& in) {
  Node& n = At(SidArg(in, "crash"));
  n.peer.reset();
  n.pending.clear();
  n.held = false;
}

void Scenario::CmdPartition(std::istream& in) {
  side_.clear();
  std::string tok;
  while (in >> tok && tok != "|") side_.insert(std::stoll(tok));
}

void Scenario::CmdStatus() {
  for (Sid sid : sids_) {
    Node& n = At(sid);
    out_.push_back(std::to_string(sid) + " " + (n.peer ? n.peer->Summary() : std::string("down")));
  }
}

void Scenario::CmdData(std::istream& in) {
  Sid sid = SidArg(in, "data");
  Node& n = At(sid);
  std::string s = std::to_string(sid) + " ";
  if (n.peer) {
    s += "applied " + zab::ZxidString(n.machine.zxid()) + " k=" +
         (n.machine.data().count("k") ? n.machine.data().at("k") : std::string("-"));
  } else {
    s += "down";
  }
  s += "; disk: epochs " + std::to_string(n.disk.state.current_epoch) + "/" +
       std::to_string(n.disk.state.accepted_epoch) + ", log";
  for (const auto& e : n.disk.state.log) s += " " + zab::ZxidString(e.zxid) + "=" + DecodeOp(e.txn).value;
  out_.push_back(s);
}

std::vector<std::string> Scenario::Run(const std::string& line) {
  out_.clear();
  std::istringstream in(line);
  std::string cmd;
  in >> cmd;
  if (cmd == "servers") CmdServers(in);
  else if (cmd == "tick") CmdTick(in);
  else if (cmd == "stabilize") Stabilize();
  else if (cmd == "deliver") CmdDeliver(in);
  else if (cmd == "propose") CmdPropose(in);
  else if (cmd == "sync") CmdSync(in);
  else if (cmd == "hold" || cmd == "release") At(SidArg(in, cmd)).held = cmd == "hold";
  else if (cmd == "persist") CmdPersist(in);
  else if (cmd == "snapshot") CmdSnapshot(in);
  else if (cmd == "crash") CmdCrash(in);
  else if (cmd == "restart") Boot(SidArg(in, cmd));
  else if (cmd == "partition") CmdPartition(in);
  else if (cmd == "heal") side_.clear();
  else if (cmd == "status") CmdStatus();
  else if (cmd == "data") CmdData(in);
  else throw std::runtime_error("unknown command '" + cmd + "'");
  if (out_.empty()) out_.push_back("ok");
  return out_;
}

struct Block {
  std::vector<std::string> comments;
  std::string command;
  std::vector<std::string> expected;
};

std::vector<Block> Parse(std::istream& in) {
  std::vector<Block> blocks;
  Block b;
  std::string line;
  enum { kCommand, kDashes, kOutput } state = kCommand;
  while (std::getline(in, line)) {
    switch (state) {
      case kCommand:
        if (line.empty() || line[0] == '#') {
          b.comments.push_back(line);
        } else {
          b.command = line;
          state = kDashes;
        }
        break;
      case kDashes:
        if (line != "----") throw std::runtime_error("expected ---- after '" + b.command + "'");
        state = kOutput;
        break;
      case kOutput:
        if (line.empty()) {
          blocks.push_back(std::move(b));
          b = Block{};
          state = kCommand;
        } else {
          b.expected.push_back(line);
        }
        break;
    }
  }
  if (state == kOutput) blocks.push_back(std::move(b));
  if (state == kDashes) throw std::runtime_error("'" + b.command + "' has no ----");
  return blocks;
}

}  // namespace

ScenarioResult RunScenario(const std::string& path, bool rewrite) {
  ScenarioResult result;
  std::ifstream in(path);
  if (!in) {
    result.ok = false;
    result.diff = "cannot read " + path;
    return result;
  }
  std::vector<Block> blocks;
  try {
    blocks = Parse(in);
  } catch (const std::exception& e) {
    result.ok = false;
    result.diff = path + ": " + e.what();
    return result;
  }
  Scenario scenario;
  std::ostringstream written;
  for (auto& b : blocks) {
    std::vector<std::string> got;
    try {
      got = scenario.Run(b.command);
    } catch (const std::exception& e) {
      got = {std::string("error: ") + e.what()};
    }
    if (result.ok && got != b.expected) {
      result.ok = false;
      std::ostringstream d;
      d << path << ": '" << b.command << "' produced:\n";
      for (const auto& l : got) d << "  " << l << "\n";
      d << "expected:\n";
      for (const auto& l : b.expected) d << "  " << l << "\n";
      result.diff = d.str();
    }
    for (const auto& c : b.comments) written << c << "\n";
    written << b.command << "\n----\n";
    for (const auto& l : got) written << l << "\n";
    written << "\n";
  }
  if (rewrite) {
    std::string text = written.str();
    while (text.size() >= 2 && text.substr(text.size() - 2) == "\n\n") text.pop_back();
    std::ofstream(path) << text;
    result.ok = true;
  }
  return result;
}

}  // namespace cairn::sim
