// The link layer under reordering (mini_cluster.h delays chosen messages):
// messages that come early wait for the gap before them; a gap that
// closes within syncLimit ticks costs nothing; one that stays open drops
// the link; and the wait is timed from the link's last progress, so gaps
// that follow each other do not add up to a false loss.
#include <catch2/catch.hpp>
#include <string>

#include "unit/zab/mini_cluster.h"

using cairn::testing::MiniCluster;
using cairn::zab::Message;
using cairn::zab::MessageType;
using cairn::zab::Role;
using cairn::zab::Sid;

namespace {

// A PROPOSAL to `to` whose first entry carries txn.
MiniCluster::MessagePred ProposalOf(Sid to, const std::string& txn) {
  return [to, txn](const Message& m) {
    return m.type == MessageType::kProposal && m.to == to && !m.entries.empty() && m.entries.front().txn == txn;
  };
}

bool LostLink(const MiniCluster& c, Sid sid) {
  for (const auto& line : c.Events()) {
    if (line.rfind(std::to_string(sid) + ": LOOKING", 0) == 0) return true;
  }
  return false;
}

// Proposes txn and ticks once, so that it leaves in a PROPOSAL of its own.
void ProposeAlone(MiniCluster& c, const std::string& txn) {
  REQUIRE(c.peer(c.Leader()).Propose(txn) != 0);
  c.Tick();
  c.Settle();
}

}  // namespace

TEST_CASE("Link: a reordered message waits for the gap; a gap that stays open drops the link", "[zab][link]") {
  MiniCluster c(3);
  REQUIRE(c.RunUntil([&] { return c.Leader() != 0 && c.peer(1).serving() && c.peer(2).serving(); }));
  Sid leader = c.Leader();
  Sid f = leader == 1 ? 2 : 1;
  c.Delay(ProposalOf(f, "a"));
  ProposeAlone(c, "a");
  ProposeAlone(c, "b");  // arrives first, and waits
  const int sync_limit = 5;
  c.Run(sync_limit - 2);
  CHECK(c.Applied(f).empty());
  CHECK(c.peer(f).role() == Role::kFollowing);

  SECTION("the gap closes in time: both apply, in order, and the link stays") {
    c.ReleaseDelayed();
    c.Settle();
    REQUIRE(c.Applied(f).size() == 2);
    CHECK(c.Applied(f)[0] == "a");
    CHECK(c.Applied(f)[1] == "b");
    CHECK_FALSE(LostLink(c, f));
  }
  SECTION("the gap stays open: the follower drops the link and starts over") {
    c.Run(4);
    CHECK(LostLink(c, f));
  }
}

TEST_CASE("Link: a gap is timed from the last progress, not from the first gap", "[zab][link]") {
  MiniCluster c(3);
  REQUIRE(c.RunUntil([&] { return c.Leader() != 0 && c.peer(1).serving() && c.peer(2).serving(); }));
  Sid leader = c.Leader();
  Sid f = leader == 1 ? 2 : 1;
  auto a = ProposalOf(f, "a"), b = ProposalOf(f, "b");
  c.Delay([a, b](const Message& m) { return a(m) || b(m); });
  ProposeAlone(c, "a");  // tick 1
  c.Run(1);
  ProposeAlone(c, "b");
  ProposeAlone(c, "c");  // tick 4; messages wait behind a, then behind b: never without a gap
  c.ReleaseDelayed(a);   // progress; b's gap is timed from here
  c.Settle();
  CHECK(c.Applied(f).size() == 1);
  c.Run(3);  // tick 7: 6 ticks since a's gap opened, more than syncLimit; 3 since the progress
  CHECK_FALSE(LostLink(c, f));
  c.ReleaseDelayed();
  c.Settle();
  CHECK(c.Applied(f).size() == 3);
  CHECK_FALSE(LostLink(c, f));
}
