// The simulator itself: a seed replays event for event, the swarm differs
// between seeds, and a few seeds hold every invariant and converge (the
// ctest entries run many more through cairn-sim).
#include <catch2/catch.hpp>

#include "sim/sim_cluster.h"

using cairn::sim::SimCluster;
using cairn::sim::SimOptions;

TEST_CASE("SimCluster: the same seed replays the same run, event for event", "[sim]") {
  SimOptions o;
  o.seed = 42;
  o.steps = 3000;
  o.trace = true;
  auto a = SimCluster(o).Run();
  auto b = SimCluster(o).Run();
  CHECK(a.ok == b.ok);
  CHECK(a.steps == b.steps);
  CHECK(a.trace == b.trace);
  CHECK(a.trace.size() > 100);
  o.seed = 43;
  auto c = SimCluster(o).Run();
  CHECK(c.swarm != a.swarm);
}

TEST_CASE("SimCluster: a few seeds of each size hold and commit writes", "[sim]") {
  for (int servers : {3, 5}) {
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      SimOptions o;
      o.seed = seed;
      o.servers = servers;
      o.steps = 4000;
      auto r = SimCluster(o).Run();
      INFO("seed " << seed << " servers " << servers << ": " << r.failure);
      CHECK(r.ok);
      CHECK(r.committed > 0);
    }
  }
}
