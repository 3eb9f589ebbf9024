// Mutex against a real server: mutual exclusion checked through fencing
// tokens, arrival order, only the successor woken, timeouts, reentrancy,
// connection loss and expiry.
#include "recipes/mutex.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "client/fixture.h"
#include "recipes/node_names.h"

namespace cairn::recipes {
namespace {

using client::BlockingClient;
using client::ErrorCode;
using client::SessionState;
using namespace cairn::client::testing;

// Waits until the lock has `n` znodes (a contender's arrival is its create).
bool WaitParticipants(Mutex& lock, size_t n) {
  std::vector<std::string> last;
  bool reached = WaitUntil([&] {
    auto p = lock.Participants();
    last = p.value;
    return p.ok() && p.value.size() == n;
  });
  if (!reached) {
    for (const auto& node : last) UNSCOPED_INFO("participant " << node);
  }
  return reached;
}

TEST_CASE("mutex: contenders in separate sessions exclude each other, tokens rise", "[recipes]") {
  auto admin = Connect();
  const std::string path = TestRoot(*admin) + "/lock";
  constexpr int kContenders = 6, kRounds = 4;
  FenceCheck resource;
  std::atomic<int> inside{0}, overlaps{0}, refused{0}, acquired{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kContenders; ++i) {
    threads.emplace_back([&] {
      auto zk = Connect();
      Mutex lock(*zk, path);
      for (int r = 0; r < kRounds; ++r) {
        auto held = lock.Lock();
        if (!held.ok()) continue;
        ++acquired;
        if (inside.fetch_add(1) != 0) ++overlaps;
        if (!resource.Accept(held.value.fencing_token)) ++refused;
        std::this_thread::sleep_for(Millis(2));
        inside.fetch_sub(1);
        lock.Unlock();
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(acquired == kContenders * kRounds);
  CHECK(overlaps == 0);
  CHECK(refused == 0);
  // Every unlock deleted its node; the tokens were the nodes' czxids.
  Mutex probe(*admin, path);
  auto left = probe.Participants();
  CHECK((left.ok() ? left.value.size() : 1) == 0);
  CHECK(resource.highest() > 0);
}

TEST_CASE("mutex: waiters get the lock in arrival order, each woken only by its predecessor",
          "[recipes]") {
  auto admin = Connect();
  const std::string path = TestRoot(*admin) + "/lock";
  auto holder_zk = Connect();
  Mutex holder(*holder_zk, path);
  auto first = holder.Lock();
  REQUIRE(first.ok());
  CHECK(IsProtectedName(BaseName(first.value.node)));

  constexpr int kWaiters = 5;
  std::vector<std::unique_ptr<BlockingClient>> sessions;
  std::vector<std::unique_ptr<Mutex>> locks;
  std::mutex order_mu;
  std::vector<int> order;
  std::vector<int64_t> tokens;
  std::vector<std::thread> threads;
  std::atomic<bool> release{false};
  std::atomic<int> failures{0};
  for (int i = 0; i < kWaiters; ++i) {
    sessions.push_back(Connect());
    locks.push_back(std::make_unique<Mutex>(*sessions.back(), path));
    threads.emplace_back([&, i] {
      auto held = locks[i]->Lock();
      if (!held.ok()) {
        ++failures;
        return;
      }
      {
        std::lock_guard lock(order_mu);
        order.push_back(i);
        tokens.push_back(held.value.fencing_token);
      }
      while (!release) std::this_thread::sleep_for(Millis(5));
      locks[i]->Unlock();
    });
    REQUIRE(WaitParticipants(holder, static_cast<size_t>(i + 2)));  // arrived, in order
  }
  std::this_thread::sleep_for(kQuiet);
  for (auto& l : locks) CHECK(l->watch_events() == 0);  // nobody woken while the holder holds

  holder.Unlock();
  // Only the first waiter wakes; the others' watched predecessors still exist.
  WaitUntil([&] { return locks[0]->watch_events() > 0; });
  std::this_thread::sleep_for(kQuiet);
  CHECK(locks[0]->watch_events() == 1);
  for (int i = 1; i < kWaiters; ++i) CHECK(locks[i]->watch_events() == 0);

  release = true;  // each releases once it holds: the lock passes down the line
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
  int64_t previous = first.value.fencing_token;
  for (int64_t t : tokens) {
    CHECK(t > previous);
    previous = t;
  }
  uint64_t total = 0;
  for (auto& l : locks) total += l->watch_events();
  CHECK(total == kWaiters);  // each waiter woken exactly once
}

TEST_CASE("mutex: TryLock times out and takes its node away", "[recipes]") {
  auto a = Connect();
  auto b = Connect();
  const std::string path = TestRoot(*a) + "/lock";
  Mutex holder(*a, path);
  REQUIRE(holder.Lock().ok());
  Mutex other(*b, path);
  auto r = other.TryLock(Millis(300));
  CHECK(r.code == ErrorCode::kOperationTimeout);
  CHECK(!other.IsHeldByCurrentThread());
  REQUIRE(WaitParticipants(holder, 1));
  CHECK(other.Unlock() == ErrorCode::kApiError);
  holder.Unlock();
  auto now = other.TryLock(Millis(5000));
  CHECK(now.ok());
  other.Unlock();
}

TEST_CASE("mutex: reentrant in its thread, contended by the process's other threads", "[recipes]") {
  auto zk = Connect();
  const std::string path = TestRoot(*zk) + "/lock";
  Mutex lock(*zk, path);
  auto once = lock.Lock();
  auto twice = lock.Lock();
  REQUIRE(once.ok());
  REQUIRE(twice.ok());
  CHECK(twice.value.node == once.value.node);  // no second znode
  REQUIRE(WaitParticipants(lock, 1));
  lock.Unlock();
  CHECK(lock.IsHeldByCurrentThread());
  std::atomic<int> other_result{-1};
  std::thread other([&] {
    auto r = lock.TryLock(Millis(300));
    other_result = static_cast<int>(r.code);
    if (r.ok()) lock.Unlock();
  });
  other.join();
  CHECK(other_result == static_cast<int>(ErrorCode::kOperationTimeout));
  lock.Unlock();
  CHECK(!lock.IsHeldByCurrentThread());
  std::thread after([&] {
    auto r = lock.TryLock(Millis(5000));
    other_result = static_cast<int>(r.code);
    if (r.ok()) lock.Unlock();
  });
  after.join();
  CHECK(other_result == static_cast<int>(ErrorCode::kOk));
}

TEST_CASE("mutex: a waiter rides out connection loss; cuts around the create leave one node",
          "[recipes]") {
  auto admin = Connect();
  const std::string path = TestRoot(*admin) + "/lock";
  Mutex holder(*admin, path);
  TcpProxy proxy(Server().Port());
  auto cut_zk = ConnectVia(proxy, 15000);
  Mutex waiter(*cut_zk, path);
  // The cut lands before, during or after the create; whichever, the
  // contender ends with exactly one node (found again by its uuid).
  for (int round = 0; round < 4; ++round) {
    REQUIRE(holder.Lock().ok());
    std::atomic<bool> got{false};
    std::thread t([&] {
      auto r = waiter.Lock();
      got = r.ok();
      if (r.ok()) waiter.Unlock();  // in the holding thread
    });
    std::this_thread::sleep_for(Millis(round * 3));
    proxy.Cut(/*refuse=*/false);  // the client reconnects at once, same session
    REQUIRE(WaitParticipants(holder, 2));
    std::this_thread::sleep_for(kQuiet);
    auto nodes = holder.Participants();
    REQUIRE(nodes.ok());
    CHECK(nodes.value.size() == 2);
    holder.Unlock();
    t.join();
    CHECK(got);
    REQUIRE(WaitParticipants(holder, 0));
  }
}

TEST_CASE("mutex: the holder's expiry passes the lock on, and its stale token is refused",
          "[recipes]") {
  // The fencing example of the README: the resource remembers the highest
  // token; a holder that was cut off and expired still believes it holds the
  // lock, and its late write is refused.
  auto admin = Connect();
  const std::string path = TestRoot(*admin) + "/lock";
  FenceCheck resource;
  TcpProxy proxy(Server().Port());
  Events ev;
  auto stale_zk = ConnectVia(proxy, 4000, ev.listener());
  Mutex stale(*stale_zk, path);
  auto old_hold = stale.Lock();
  REQUIRE(old_hold.ok());
  REQUIRE(resource.Accept(old_hold.value.fencing_token));

  auto next_zk = Connect();
  Mutex next(*next_zk, path);
  std::atomic<int64_t> next_token{0};
  std::thread t([&] {
    auto r = next.Lock();
    if (r.ok()) next_token = r.value.fencing_token;
  });
  REQUIRE(WaitParticipants(next, 2));
  proxy.Cut(/*refuse=*/true);  // the holder pauses; the server expires it
  t.join();
  REQUIRE(next_token > old_hold.value.fencing_token);
  CHECK(resource.Accept(next_token));
  CHECK(!resource.Accept(old_hold.value.fencing_token));  // the stale holder's write
  CHECK(ev.WaitState(SessionState::kSuspended));
  proxy.Accept();
  CHECK(ev.WaitState(SessionState::kExpired));
  next.Unlock();
}

}  // namespace
}  // namespace cairn::recipes
