#include "unit/zab/mini_cluster.h"

#include <catch2/catch.hpp>

namespace cairn::testing {

using zab::PersistRequest;
using Kind = PersistRequest::Kind;

namespace {

std::string Join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < s.size()) {
    size_t nl = s.find('\n', at);
    out.push_back(s.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

zab::PeerConfig Config(zab::Sid self, const std::vector<zab::Sid>& voters, uint64_t seed) {
  zab::PeerConfig c;
  c.self = self;
  c.voters = voters;
  c.seed = seed;
  return c;
}

}  // namespace

MiniCluster::MiniCluster(int servers, uint64_t seed) : seed_(seed) {
  for (int i = 1; i <= servers; ++i) voters_.push_back(i);
  for (zab::Sid sid : voters_) {
    nodes_[sid].peer = std::make_unique<zab::Peer>(Config(sid, voters_, seed_ * 100 + static_cast<uint64_t>(sid)),
                                                   zab::DurableState{});
  }
  for (zab::Sid sid : voters_) Drain(sid);
}

void MiniCluster::Drain(zab::Sid sid) {
  Node& n = nodes_.at(sid);
  if (!n.peer) return;
  zab::Output out = n.peer->TakeOutput();
  for (auto& r : out.persist) {
    if (r.kind == Kind::kInstallSnapshot) n.applied = Split(r.snapshot);  // the state machine is replaced
    n.storage.push_back(std::move(r));
  }
  for (auto& m : out.messages) {
    sent_.push_back(zab::Describe(m));
    network_.push_back(std::move(m));
  }
  for (auto& e : out.committed) n.applied.push_back(e.txn);
  for (auto& d : out.syncs) n.syncs.push_back(d);
  for (auto& line : out.events) events_.push_back(std::to_string(sid) + ": " + line);
  if (out.snapshot_wanted) {
    n.peer->OnSnapshot(n.peer->applied_zxid(), Join(n.applied));
    Drain(sid);
  }
}

bool MiniCluster::Step() {
  for (auto& [sid, n] : nodes_) {
    if (!n.peer || n.hold_storage || n.storage.empty()) continue;
    PersistRequest r = std::move(n.storage.front());
    n.storage.pop_front();
    sim::SimStorage::Apply(&n.disk, r);
    n.peer->OnPersisted(r.seq);
    Drain(sid);
    return true;
  }
  if (network_.empty()) return false;
  zab::Message m = std::move(network_.front());
  network_.pop_front();
  if (delay_ && delay_(m)) {
    delayed_.push_back(std::move(m));
    return true;
  }
  Node& to = nodes_.at(m.to);
  if (to.peer) {
    zab::Sid sid = m.to;
    to.peer->Step(std::move(m));
    Drain(sid);
  }
  return true;
}

void MiniCluster::Tick() {
  for (auto& [sid, n] : nodes_) {
    if (!n.peer) continue;
    n.peer->Tick();
    Drain(sid);
  }
}

void MiniCluster::Run(int max_ticks) {
  for (int t = 0; t < max_ticks; ++t) {
    Settle();
    Tick();
  }
}

void MiniCluster::Settle() {
  for (int i = 0; i < 100000 && Step(); ++i) {
  }
}

bool MiniCluster::RunUntil(const std::function<bool()>& pred, int max_ticks) {
  for (int t = 0; t < max_ticks; ++t) {
    for (int i = 0; i < 100000 && Step(); ++i) {
      if (pred()) return true;
    }
    if (pred()) return true;
    Tick();
  }
  return pred();
}

void MiniCluster::Crash(zab::Sid sid) {
  Node& n = nodes_.at(sid);
  n.peer.reset();
  n.storage.clear();
  n.applied.clear();
}

void MiniCluster::Restart(zab::Sid sid) {
  Node& n = nodes_.at(sid);
  REQUIRE(!n.peer);
  ++n.incarnation;
  n.applied = Split(n.disk.snapshot);  // the state machine comes back from its snapshot
  n.peer = std::make_unique<zab::Peer>(
      Config(sid, voters_, seed_ * 100 + static_cast<uint64_t>(sid) + 1000 * static_cast<uint64_t>(n.incarnation)),
      n.disk.state);
  Drain(sid);
}

bool MiniCluster::Sync(zab::Sid sid, uint64_t id) {
  bool taken = nodes_.at(sid).peer->Sync(id);
  Drain(sid);
  return taken;
}

void MiniCluster::ReleaseDelayed(const MessagePred& which) {
  if (!which) delay_ = nullptr;
  std::deque<zab::Message> kept;
  for (auto& m : delayed_) {
    if (which && !which(m)) {
      kept.push_back(std::move(m));
      continue;
    }
    zab::Sid sid = m.to;
    if (!nodes_.at(sid).peer) continue;
    nodes_.at(sid).peer->Step(std::move(m));
    Drain(sid);
  }
  delayed_ = std::move(kept);
}

zab::Sid MiniCluster::Leader() const {
  for (const auto& [sid, n] : nodes_) {
    if (n.peer && n.peer->role() == zab::Role::kLeading && n.peer->serving()) return sid;
  }
  return 0;
}

}  // namespace cairn::testing
