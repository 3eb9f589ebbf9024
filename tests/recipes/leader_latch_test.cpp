// LeaderLatch against a real server: one leader among candidates in
// separate sessions, terms that rise, leadership passing on resign(), on
// close and on session expiry, and losing it while disconnected.
#include "recipes/leader_latch.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "client/fixture.h"
#include "recipes/node_names.h"

namespace cairn::recipes {
namespace {

using client::BlockingClient;
using client::SessionState;
using namespace cairn::client::testing;

// A candidate with its own session; records its callbacks.
struct Candidate {
  explicit Candidate(const std::string& path, const std::string& id,
                     std::unique_ptr<BlockingClient> session = Connect())
      : zk(std::move(session)) {
    LeaderLatchOptions options;
    options.id = id;
    options.on_leader = [this](int64_t term) {
      std::lock_guard lock(mu);
      log.push_back("leader " + std::to_string(term));
      ++leads;
    };
    options.on_not_leader = [this] {
      std::lock_guard lock(mu);
      log.push_back("not leader");
    };
    latch = std::make_unique<LeaderLatch>(*zk, path, options);
  }
  std::vector<std::string> Log() {
    std::lock_guard lock(mu);
    return log;
  }
  // The log once it has n entries (callbacks run on the latch's thread,
  // just after HasLeadership changes).
  std::vector<std::string> Log(size_t n) {
    WaitUntil([&] { return Log().size() >= n; });
    return Log();
  }
  std::unique_ptr<BlockingClient> zk;
  std::mutex mu;
  std::vector<std::string> log;
  std::atomic<int> leads{0};
  std::unique_ptr<LeaderLatch> latch;
};

bool WaitCandidates(LeaderLatch& latch, size_t n) {
  return WaitUntil([&] {
    auto p = latch.Participants();
    return p.ok() && p.value.size() == n;
  });
}

int Leaders(const std::vector<std::unique_ptr<Candidate>>& cs) {
  int n = 0;
  for (auto& c : cs) n += c->latch->HasLeadership() ? 1 : 0;
  return n;
}

TEST_CASE("latch: one leader; resign and close pass leadership down the line, terms rise",
          "[recipes]") {
  auto admin = Connect();
  const std::string path = TestRoot(*admin) + "/election";
  std::vector<std::unique_ptr<Candidate>> cs;
  for (int i = 0; i < 3; ++i) {
    cs.push_back(std::make_unique<Candidate>(path, "candidate-" + std::to_string(i)));
    cs.back()->latch->Start();
    REQUIRE(WaitCandidates(*cs.back()->latch, static_cast<size_t>(i + 1)));
  }
  REQUIRE(cs[0]->latch->AwaitLeadership(kDeadline));
  std::this_thread::sleep_for(kQuiet);
  CHECK(Leaders(cs) == 1);
  auto leader = cs[2]->latch->Leader();
  REQUIRE(leader.ok());
  CHECK(leader.value.id == "candidate-0");
  CHECK(leader.value.node == cs[0]->latch->node());
  CHECK(IsProtectedName(BaseName(leader.value.node)));
  int64_t term0 = cs[0]->latch->term();
  CHECK(term0 > 0);

  cs[0]->latch->Resign();  // to the back of the line: 1, 2, 0
  CHECK(!cs[0]->latch->HasLeadership());
  REQUIRE(cs[1]->latch->AwaitLeadership(kDeadline));
  int64_t term1 = cs[1]->latch->term();
  CHECK(term1 > term0);
  REQUIRE(WaitCandidates(*cs[2]->latch, 3));
  cs[1]->latch->Close();
  REQUIRE(cs[2]->latch->AwaitLeadership(kDeadline));
  CHECK(cs[2]->latch->term() > term1);
  std::this_thread::sleep_for(kQuiet);
  CHECK(Leaders(cs) == 1);
  CHECK(cs[2]->latch->Leader().value.id == "candidate-2");
  cs[2]->latch->Close();
  REQUIRE(cs[0]->latch->AwaitLeadership(kDeadline));  // the resigner, now first again
  CHECK(cs[0]->Log(3) ==
        std::vector<std::string>{"leader " + std::to_string(term0), "not leader",
                                 "leader " + std::to_string(cs[0]->latch->term())});
  CHECK(cs[1]->Log(2) == std::vector<std::string>{"leader " + std::to_string(term1), "not leader"});
}

TEST_CASE("latch: a leader whose node is deleted steps down and leads again in a new term",
          "[recipes]") {
  auto admin = Connect();
  const std::string path = TestRoot(*admin) + "/election";
  Candidate only(path, "only");
  only.latch->Start();
  REQUIRE(only.latch->AwaitLeadership(kDeadline));
  int64_t first_term = only.latch->term();
  REQUIRE(admin->Delete(only.latch->node()).ok());  // an operator removes it
  auto log = only.Log(3);
  REQUIRE(log.size() == 3);
  CHECK(log[0] == "leader " + std::to_string(first_term));
  CHECK(log[1] == "not leader");
  CHECK(log[2] != log[0]);  // a new node, a new term
  CHECK(only.latch->HasLeadership());
  CHECK(only.latch->term() > first_term);
  CHECK(log[2] == "leader " + std::to_string(only.latch->term()));
}

TEST_CASE("latch: a leader that loses its connection steps down; its expiry passes leadership",
          "[recipes]") {
  auto admin = Connect();
  const std::string path = TestRoot(*admin) + "/election";
  TcpProxy proxy(Server().Port());
  Candidate first(path, "first", ConnectVia(proxy, 4000));
  first.latch->Start();
  REQUIRE(first.latch->AwaitLeadership(kDeadline));
  Candidate second(path, "second");
  second.latch->Start();
  REQUIRE(WaitCandidates(*second.latch, 2));
  int64_t old_term = first.latch->term();

  proxy.Cut(/*refuse=*/true);
  // Suspended: it gives up leadership at once, long before the session expires.
  WaitUntil([&] { return !first.latch->HasLeadership(); });
  CHECK(!first.latch->HasLeadership());
  CHECK(first.Log(2) ==
        std::vector<std::string>{"leader " + std::to_string(old_term), "not leader"});
  // The server expires it: its node goes and the second leads, with a higher term.
  REQUIRE(second.latch->AwaitLeadership(Millis(20000)));
  CHECK(second.latch->term() > old_term);
  proxy.Accept();
  CHECK(first.zk->WaitConnected(kDeadline) == SessionState::kExpired);
  std::this_thread::sleep_for(kQuiet);
  CHECK(!first.latch->HasLeadership());
  CHECK(first.leads == 1);
}

TEST_CASE("latch: a short disconnection gives leadership up and back, with the same term",
          "[recipes]") {
  auto admin = Connect();
  const std::string path = TestRoot(*admin) + "/election";
  TcpProxy proxy(Server().Port());
  Candidate only(path, "only", ConnectVia(proxy, 15000));
  only.latch->Start();
  REQUIRE(only.latch->AwaitLeadership(kDeadline));
  int64_t term = only.latch->term();
  proxy.Cut(/*refuse=*/false);  // reconnects at once with the same session
  WaitUntil([&] { return only.leads >= 2; });
  CHECK(only.latch->HasLeadership());
  CHECK(only.latch->term() == term);
  CHECK(only.Log(3) == std::vector<std::string>{"leader " + std::to_string(term), "not leader",
                                                "leader " + std::to_string(term)});
}

}  // namespace
}  // namespace cairn::recipes
