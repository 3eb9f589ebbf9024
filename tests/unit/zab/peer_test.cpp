// The ZAB core's phases on a perfect network (tests/unit/zab/mini_cluster.h):
// election picks the best vote, discovery and sync establish an epoch,
// proposals commit on every server in order, a new leader takes over with
// a higher epoch and keeps what was committed, a lagging server catches up
// by DIFF and an empty one by SNAP, and the durability gates hold an ack
// until storage has the data.
#include <catch2/catch.hpp>
#include <string>

#include "unit/zab/mini_cluster.h"
#include "zab/core/quorum.h"

using cairn::testing::MiniCluster;
using cairn::zab::EpochOf;
using cairn::zab::Role;
using cairn::zab::Sid;

namespace {

bool AllServing(MiniCluster& c, const std::vector<Sid>& sids) {
  for (Sid s : sids) {
    if (!c.up(s) || !c.peer(s).serving()) return false;
  }
  return true;
}

void ProposeAll(MiniCluster& c, const std::vector<std::string>& txns) {
  Sid leader = c.Leader();
  REQUIRE(leader != 0);
  for (const auto& t : txns) REQUIRE(c.peer(leader).Propose(t) != 0);
}

}  // namespace

TEST_CASE("Quorum: majorities and the zxid a majority has reached", "[zab]") {
  using cairn::zab::QuorumSize;
  using cairn::zab::QuorumZxid;
  CHECK(QuorumSize(1) == 1);
  CHECK(QuorumSize(3) == 2);
  CHECK(QuorumSize(4) == 3);
  CHECK(QuorumSize(5) == 3);
  CHECK(cairn::zab::IsQuorum({1, 2, 3}, {1, 3}));
  CHECK_FALSE(cairn::zab::IsQuorum({1, 2, 3}, {3, 7, 8}));  // non-voters count for nothing
  CHECK(QuorumZxid({1, 2, 3}, {{1, 10}, {2, 7}, {3, 3}}) == 7);
  CHECK(QuorumZxid({1, 2, 3, 4, 5}, {{1, 10}, {2, 9}, {5, 4}}) == 4);
  CHECK(QuorumZxid({1, 2, 3}, {{1, 10}}) == 0);
}

TEST_CASE("Peer: three servers elect the best vote, establish epoch 1 and serve", "[zab]") {
  MiniCluster c(3);
  REQUIRE(c.RunUntil([&] { return AllServing(c, {1, 2, 3}); }));
  // All logs are empty and all epochs 0: the highest sid wins.
  CHECK(c.Leader() == 3);
  for (Sid s : {1, 2, 3}) {
    CHECK(c.peer(s).leader() == 3);
    CHECK(c.peer(s).current_epoch() == 1);
    CHECK(c.peer(s).accepted_epoch() == 1);
  }
  CHECK(c.peer(1).role() == Role::kFollowing);
  CHECK(c.peer(3).role() == Role::kLeading);
}

TEST_CASE("Peer: a single voter leads itself and commits alone", "[zab]") {
  MiniCluster c(1);
  REQUIRE(c.RunUntil([&] { return c.Leader() == 1; }));
  ProposeAll(c, {"a", "b"});
  REQUIRE(c.RunUntil([&] { return c.Applied(1).size() == 2; }));
  CHECK(c.Applied(1) == std::vector<std::string>{"a", "b"});
}

TEST_CASE("Peer: proposals commit on every server in zxid order", "[zab]") {
  MiniCluster c(3);
  REQUIRE(c.RunUntil([&] { return AllServing(c, {1, 2, 3}); }));
  std::vector<std::string> txns;
  for (int i = 0; i < 600; ++i) txns.push_back("t" + std::to_string(i));  // several PROPOSAL batches
  ProposeAll(c, txns);
  REQUIRE(c.RunUntil([&] {
    return c.Applied(1).size() == txns.size() && c.Applied(2).size() == txns.size() &&
           c.Applied(3).size() == txns.size();
  }));
  for (Sid s : {1, 2, 3}) CHECK(c.Applied(s) == txns);
  CHECK(c.peer(1).committed_zxid() == cairn::zab::MakeZxid(1, 600));
}

TEST_CASE("Peer: not serving, a peer refuses proposals", "[zab]") {
  MiniCluster c(3);
  CHECK(c.peer(3).Propose("early") == 0);
  REQUIRE(c.RunUntil([&] { return AllServing(c, {1, 2, 3}); }));
  CHECK(c.peer(1).Propose("to a follower") == 0);
}

TEST_CASE("Peer: when the leader crashes the others elect a new one and keep what was committed",
          "[zab]") {
  MiniCluster c(3);
  REQUIRE(c.RunUntil([&] { return AllServing(c, {1, 2, 3}); }));
  ProposeAll(c, {"a", "b", "c"});
  REQUIRE(c.RunUntil([&] { return c.Applied(1).size() == 3 && c.Applied(2).size() == 3; }));
  c.Crash(3);
  REQUIRE(c.RunUntil([&] { return c.Leader() != 0 && AllServing(c, {1, 2}); }));
  Sid leader = c.Leader();
  CHECK(leader == 2);
  CHECK(c.peer(leader).current_epoch() == 2);
  ProposeAll(c, {"d"});
  REQUIRE(c.RunUntil([&] { return c.Applied(1).size() == 4 && c.Applied(2).size() == 4; }));
  CHECK(c.Applied(1) == std::vector<std::string>{"a", "b", "c", "d"});
  CHECK(EpochOf(c.peer(1).last_zxid()) == 2);

  SECTION("and the old leader comes back as a follower that catches up by DIFF") {
    c.Restart(3);
    REQUIRE(c.RunUntil([&] { return AllServing(c, {1, 2, 3}); }));
    CHECK(c.peer(3).role() == Role::kFollowing);
    REQUIRE(c.RunUntil([&] { return c.Applied(3).size() == 4; }));
    CHECK(c.Applied(3) == std::vector<std::string>{"a", "b", "c", "d"});
  }
}

TEST_CASE("Peer: a follower's NEWLEADER ack and proposal acks wait for its storage", "[zab]") {
  MiniCluster c(3);
  c.HoldStorage(1, true);
  c.HoldStorage(2, true);
  c.Run(30);
  // Without durable followers the leader cannot be established.
  CHECK(c.Leader() == 0);
  for (const auto& line : c.Sent()) {
    CHECK(line.find("1->3 ACK ") == std::string::npos);
    CHECK(line.find("2->3 ACK ") == std::string::npos);
  }
  c.HoldStorage(2, false);
  REQUIRE(c.RunUntil([&] { return c.Leader() == 3; }));
  ProposeAll(c, {"x"});
  REQUIRE(c.RunUntil([&] { return c.Applied(3).size() == 1; }));
  CHECK(c.Applied(1).empty());  // held: nothing durable there, nothing applied
  c.HoldStorage(1, false);
  REQUIRE(c.RunUntil([&] { return c.Applied(1).size() == 1; }));
}

namespace {

using cairn::zab::Message;
using cairn::zab::MessageType;
using cairn::zab::Output;
using cairn::zab::Peer;

// A link message from `from` to peer 2.
Message ToTwo(MessageType type, cairn::zab::Sid from, uint64_t link, uint64_t leadership, uint64_t seq) {
  Message m;
  m.type = type;
  m.from = from;
  m.to = 2;
  m.link = link;
  m.leadership = leadership;
  m.seq = seq;
  return m;
}

// Drives peer 2 of {1, 2, 3} to leadership with 1's vote, then through
// discovery with 1's FOLLOWERINFO; returns the LEADERINFO it sent 1.
Message LeaderInfoFromTwo(Peer& p) {
  p.TakeOutput();
  Message vote;
  vote.type = MessageType::kVote;
  vote.from = 1;
  vote.to = 2;
  vote.round = 1;
  vote.vote = cairn::zab::Vote{2, 0, 0};
  p.Step(vote);
  for (int i = 0; i < 3 && p.role() != Role::kLeading; ++i) p.Tick();
  REQUIRE(p.role() == Role::kLeading);
  p.Step(ToTwo(MessageType::kFollowerInfo, 1, 77, 0, 1));
  for (int i = 0; i < 10; ++i) {
    Output o = p.TakeOutput();
    for (const auto& r : o.persist) p.OnPersisted(r.seq);
    for (const auto& m : o.messages) {
      if (m.type == MessageType::kLeaderInfo) return m;
    }
  }
  FAIL("no LEADERINFO");
  return {};
}

// Whether p, its storage finishing everything, sends a SYNC (to `to`, if
// not 0). Collects its events into *events, if given.
bool SentSync(Peer& p, cairn::zab::Sid to = 0, std::string* events = nullptr) {
  for (int i = 0; i < 10; ++i) {
    Output o = p.TakeOutput();
    for (const auto& r : o.persist) p.OnPersisted(r.seq);
    if (events) {
      for (const auto& e : o.events) *events += e + "\n";
    }
    for (const auto& m : o.messages) {
      if (m.type == MessageType::kSync && (to == 0 || m.to == to)) return true;
    }
    if (o.empty()) return false;
  }
  return false;
}

}  // namespace

TEST_CASE("Peer: an ACKEPOCH of an epoch the follower had accepted before does not count", "[zab]") {
  // A follower may accept epoch e from one would-be leader and then be
  // offered the same e by another: acking it again would let both
  // establish e (ZooKeeper answers -1 here). Only a fresh ack counts.
  cairn::zab::PeerConfig c;
  c.self = 2;
  c.voters = {1, 2, 3};
  Peer p(c, cairn::zab::DurableState{});
  Message li = LeaderInfoFromTwo(p);
  CHECK(li.epoch == 1);
  Message ack = ToTwo(MessageType::kAckEpoch, 1, li.link, li.leadership, 2);
  SECTION("not fresh: no quorum, no sync") {
    ack.fresh = false;
    p.Step(ack);
    CHECK_FALSE(SentSync(p));
  }
  SECTION("fresh: the epoch is established and 1 is synced") {
    ack.fresh = true;
    p.Step(ack);
    CHECK(SentSync(p));
  }
}

TEST_CASE("Peer: an ACKEPOCH past the leader's own log in its epoch drops that follower", "[zab]") {
  // Only another leader of the same epoch could have put entries of it in
  // a follower's log; the fresh-ack rule makes that impossible, and should
  // it happen anyway the leader must not sync that follower to its own log.
  cairn::zab::PeerConfig c;
  c.self = 2;
  c.voters = {1, 2, 3};
  Peer p(c, cairn::zab::DurableState{});
  Message li = LeaderInfoFromTwo(p);
  Message ack = ToTwo(MessageType::kAckEpoch, 1, li.link, li.leadership, 2);
  ack.fresh = true;
  p.Step(ack);
  REQUIRE(SentSync(p));  // epoch 1 is ours; 1 is being synced
  p.Step(ToTwo(MessageType::kFollowerInfo, 3, 88, 0, 1));
  Message ack3 = ToTwo(MessageType::kAckEpoch, 3, 88, li.leadership, 2);
  std::string events;
  SECTION("past it: link dropped, no sync") {
    ack3.epoch = 1;
    ack3.zxid = cairn::zab::MakeZxid(1, 5);
    p.Step(ack3);
    CHECK_FALSE(SentSync(p, 3, &events));
    CHECK(events.find("follower 3 reports epoch 1 at 0x100000005, past this leadership: link dropped") !=
          std::string::npos);
    CHECK(p.role() == Role::kLeading);
  }
  SECTION("behind it: synced") {
    ack3.fresh = true;
    p.Step(ack3);
    CHECK(SentSync(p, 3));
  }
}
