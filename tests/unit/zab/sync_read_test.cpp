// Peer::Sync, the read fence, on a perfect network (mini_cluster.h): the
// leader answers only after a quorum echoed a ping it sent after the call;
// a follower's sync goes by way of the leader and waits until the follower
// has applied the leader's point (its last proposed zxid); an open sync fails when its peer
// stops serving; a peer that is not serving refuses one.
#include <catch2/catch.hpp>
#include <string>

#include "unit/zab/mini_cluster.h"

using cairn::testing::MiniCluster;
using cairn::zab::Message;
using cairn::zab::MessageType;
using cairn::zab::Sid;

namespace {

bool AllServing(MiniCluster& c) {
  for (Sid s : {1, 2, 3}) {
    if (!c.up(s) || !c.peer(s).serving()) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("Sync: the leader answers once a quorum echoed a ping sent after the call", "[zab][sync]") {
  MiniCluster c(3);
  REQUIRE(c.RunUntil([&] { return AllServing(c); }));
  Sid leader = c.Leader();
  REQUIRE(c.peer(leader).Propose("a") != 0);
  REQUIRE(c.RunUntil([&] { return c.Applied(leader).size() == 1; }));
  size_t sent_before = c.Sent().size();

  REQUIRE(c.Sync(leader, 41));
  CHECK(c.Syncs(leader).empty());  // its own say is not a quorum
  REQUIRE(c.RunUntil([&] { return !c.Syncs(leader).empty(); }, 1));
  CHECK(c.Syncs(leader).front().id == 41);
  CHECK(c.Syncs(leader).front().ok);
  CHECK(c.Syncs(leader).front().zxid == c.peer(leader).applied_zxid());
  // The probe went out and came back from a follower.
  bool probed = false, echoed = false;
  for (size_t i = sent_before; i < c.Sent().size(); ++i) {
    const std::string& line = c.Sent()[i];
    if (line.find(std::to_string(leader) + "->") == 0 && line.find("PING") != std::string::npos &&
        line.find("probe=1") != std::string::npos) {
      probed = true;
    }
    if (line.find("->" + std::to_string(leader) + " PING") != std::string::npos &&
        line.find("probe=1") != std::string::npos) {
      echoed = true;
    }
  }
  CHECK(probed);
  CHECK(echoed);
}

TEST_CASE("Sync: a follower's sync waits until it has applied the leader's point", "[zab][sync]") {
  MiniCluster c(3);
  REQUIRE(c.RunUntil([&] { return AllServing(c); }));
  Sid leader = c.Leader();
  Sid lagging = leader == 1 ? 2 : 1;
  c.HoldStorage(lagging, true);
  REQUIRE(c.peer(leader).Propose("x") != 0);
  REQUIRE(c.RunUntil([&] { return c.Applied(leader).size() == 1; }));
  CHECK(c.Applied(lagging).empty());  // not durable there, so not applied

  REQUIRE(c.Sync(lagging, 7));
  c.Run(2);
  CHECK(c.Syncs(lagging).empty());  // the point is known; the follower has not reached it
  c.HoldStorage(lagging, false);
  REQUIRE(c.RunUntil([&] { return !c.Syncs(lagging).empty(); }));
  CHECK(c.Syncs(lagging).front().ok);
  CHECK(c.Syncs(lagging).front().id == 7);
  REQUIRE(c.Applied(lagging).size() == 1);
  CHECK(c.Applied(lagging).front() == "x");
}

TEST_CASE("Sync: an open sync fails when its peer stops serving; one not serving refuses", "[zab][sync]") {
  MiniCluster c(3);
  REQUIRE(c.RunUntil([&] { return AllServing(c); }));
  Sid leader = c.Leader();
  Sid follower = leader == 1 ? 2 : 1;
  // The follower's request never reaches the leader, which then crashes.
  c.Delay([](const Message& m) { return m.type == MessageType::kSyncRead; });
  REQUIRE(c.Sync(follower, 9));
  c.Run(1);
  CHECK(c.Syncs(follower).empty());
  c.Crash(leader);
  REQUIRE(c.RunUntil([&] { return !c.Syncs(follower).empty(); }));
  CHECK(c.Syncs(follower).front().id == 9);
  CHECK_FALSE(c.Syncs(follower).front().ok);
  // Looking for a leader, it takes none.
  CHECK_FALSE(c.peer(follower).serving());
  CHECK_FALSE(c.Sync(follower, 10));
}
