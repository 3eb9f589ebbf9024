// A follower refuses a sync that would take back what it knows is
// committed: a SNAP, or a TRUNC, below its committed point means the
// leader has lost committed txns (a disk that lied about an fsync). It goes
// back to LOOKING and says so in a "SAFETY:" event rather than lose them
// too. The leader here is played by hand, so it can send what no correct
// leader would.
#include <catch2/catch.hpp>
#include <string>

#include "zab/core/peer.h"

using cairn::zab::DurableState;
using cairn::zab::Entry;
using cairn::zab::MakeZxid;
using cairn::zab::Message;
using cairn::zab::MessageType;
using cairn::zab::Output;
using cairn::zab::Peer;
using cairn::zab::Role;
using cairn::zab::SyncMode;
using cairn::zab::Zxid;

namespace {

constexpr uint64_t kLeadership = 5;

// Peer 1 of {1, 2, 3}, recovered from `durable`, elects 2 on the votes of
// 2 and 3 and is taken through discovery by a leader played by hand.
class HandLed {
 public:
  explicit HandLed(DurableState durable) : peer_(Config(), std::move(durable)) {
    peer_.TakeOutput();
    for (cairn::zab::Sid from : {2, 3}) {
      Message vote;
      vote.type = MessageType::kVote;
      vote.from = from;
      vote.to = 1;
      vote.round = 1;
      vote.vote = cairn::zab::Vote{2, peer_.last_zxid(), peer_.current_epoch()};
      peer_.Step(vote);
    }
    for (int i = 0; i < 5 && peer_.role() != Role::kFollowing; ++i) peer_.Tick();
    REQUIRE(peer_.role() == Role::kFollowing);
    REQUIRE(peer_.leader() == 2);
    for (const Message& m : Drain().messages) {
      if (m.type == MessageType::kFollowerInfo) link_ = m.link;
    }
    REQUIRE(link_ != 0);
    Message info = FromLeader(MessageType::kLeaderInfo);
    info.epoch = peer_.accepted_epoch() + 1;
    peer_.Step(info);
    Drain();
  }

  Peer& peer() { return peer_; }

  // A message on the link from the hand-played leader, numbered in order.
  Message FromLeader(MessageType type) {
    Message m;
    m.type = type;
    m.from = 2;
    m.to = 1;
    m.link = link_;
    m.seq = ++seq_;
    m.leadership = kLeadership;
    return m;
  }

  // Takes the output, reporting every persist request done. Keeps events.
  Output Drain() {
    Output o = peer_.TakeOutput();
    for (const auto& r : o.persist) peer_.OnPersisted(r.seq);
    for (const auto& e : o.events) events_ += e + "\n";
    Output more = peer_.TakeOutput();
    for (const auto& e : more.events) events_ += e + "\n";
    for (auto& m : more.messages) o.messages.push_back(std::move(m));
    return o;
  }

  const std::string& events() const { return events_; }

 private:
  static cairn::zab::PeerConfig Config() {
    cairn::zab::PeerConfig c;
    c.self = 1;
    c.voters = {1, 2, 3};
    return c;
  }

  Peer peer_;
  uint64_t link_ = 0;
  uint64_t seq_ = 0;
  std::string events_;
};

DurableState CommittedThrough(uint32_t snapshot_counter, uint32_t log_counter) {
  DurableState d;
  d.accepted_epoch = 1;
  d.current_epoch = 1;
  d.snapshot_zxid = MakeZxid(1, snapshot_counter);  // a snapshot holds only committed txns
  for (uint32_t i = snapshot_counter + 1; i <= log_counter; ++i) d.log.push_back(Entry{MakeZxid(1, i), "t"});
  return d;
}

}  // namespace

TEST_CASE("Refusal: a SNAP below the follower's committed point is refused", "[zab][safety]") {
  HandLed h(CommittedThrough(5, 5));
  REQUIRE(h.peer().committed_zxid() == MakeZxid(1, 5));
  Message snap = h.FromLeader(MessageType::kSync);
  snap.mode = SyncMode::kSnap;
  snap.commit = MakeZxid(1, 5);
  SECTION("below: SAFETY, and back to LOOKING with its data kept") {
    snap.snapshot_zxid = MakeZxid(1, 3);
    h.peer().Step(snap);
    h.Drain();
    CHECK(h.events().find("SAFETY:") != std::string::npos);
    CHECK(h.peer().role() == Role::kLooking);
    CHECK(h.peer().log_base() == MakeZxid(1, 5));
  }
  SECTION("at the committed point: taken") {
    snap.snapshot_zxid = MakeZxid(1, 5);
    h.peer().Step(snap);
    h.Drain();
    CHECK(h.events().find("SAFETY:") == std::string::npos);
    CHECK(h.peer().role() == Role::kFollowing);
  }
}

TEST_CASE("Refusal: a TRUNC below the follower's committed point is refused", "[zab][safety]") {
  HandLed h(CommittedThrough(3, 6));  // committed through 3 (its snapshot), logged through 6
  Message trunc = h.FromLeader(MessageType::kSync);
  trunc.mode = SyncMode::kTrunc;
  SECTION("below: SAFETY, and the log is kept whole") {
    trunc.zxid = MakeZxid(1, 2);
    h.peer().Step(trunc);
    h.Drain();
    CHECK(h.events().find("SAFETY:") != std::string::npos);
    CHECK(h.peer().role() == Role::kLooking);
    CHECK(h.peer().last_zxid() == MakeZxid(1, 6));
  }
  SECTION("above it, only the uncommitted suffix goes") {
    trunc.zxid = MakeZxid(1, 4);
    h.peer().Step(trunc);
    h.Drain();
    CHECK(h.events().find("SAFETY:") == std::string::npos);
    CHECK(h.peer().role() == Role::kFollowing);
    CHECK(h.peer().last_zxid() == MakeZxid(1, 4));
  }
}
