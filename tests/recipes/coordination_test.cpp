// Semaphore, DoubleBarrier and Queue against a real server.
#include <atomic>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "client/fixture.h"
#include "recipes/double_barrier.h"
#include "recipes/queue.h"
#include "recipes/semaphore.h"

namespace cairn::recipes {
namespace {

using client::ErrorCode;
using namespace cairn::client::testing;

TEST_CASE("semaphore: at most max_leases holders at once, in separate sessions", "[recipes]") {
  auto admin = Connect();
  const std::string path = TestRoot(*admin) + "/sem";
  constexpr int kMax = 2, kThreads = 5, kRounds = 3;
  std::atomic<int> holding{0}, most{0}, failures{0}, leases{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto zk = Connect();
      Semaphore sem(*zk, path, kMax);
      for (int r = 0; r < kRounds; ++r) {
        auto lease = sem.TryAcquire(2 * kDeadline);
        if (!lease.ok()) {
          ++failures;
          continue;
        }
        ++leases;
        int now = ++holding;
        for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
        }
        std::this_thread::sleep_for(Millis(20));
        --holding;
        lease.value.Release();
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(leases == kThreads * kRounds);
  CHECK(most <= kMax);
  CHECK(most >= 1);
  Semaphore view(*admin, path, kMax);
  auto left = view.Leases();
  REQUIRE(left.ok());
  CHECK(left.value.empty());
}

TEST_CASE("semaphore: TryAcquire times out while every lease is held", "[recipes]") {
  auto a = Connect();
  auto b = Connect();
  const std::string path = TestRoot(*a) + "/sem";
  Semaphore sem_a(*a, path, 1);
  Semaphore sem_b(*b, path, 1);
  auto held = sem_a.Acquire();
  REQUIRE(held.ok());
  auto refused = sem_b.TryAcquire(Millis(300));
  CHECK(refused.code == ErrorCode::kOperationTimeout);
  auto leases = sem_a.Leases();
  REQUIRE(leases.ok());
  CHECK(leases.value.size() == 1);  // the refused one's node is gone
  held.value.Release();
  CHECK(sem_b.TryAcquire(kDeadline).ok());
}

TEST_CASE("double barrier: nobody enters before all have arrived, nobody leaves before all",
          "[recipes]") {
  auto admin = Connect();
  const std::string path = TestRoot(*admin) + "/barrier";
  constexpr int kMembers = 3;
  std::atomic<int> arrived{0}, entered{0}, early{0}, leaving{0}, left{0}, left_early{0},
      failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kMembers; ++i) {
    threads.emplace_back([&, i] {
      auto zk = Connect();
      DoubleBarrier barrier(*zk, path, kMembers);
      std::this_thread::sleep_for(Millis(100 * i));  // staggered arrivals
      ++arrived;
      if (barrier.Enter(2 * kDeadline) != ErrorCode::kOk) ++failures;
      if (arrived < kMembers) ++early;
      ++entered;
      std::this_thread::sleep_for(Millis(100 * (kMembers - i)));  // staggered work
      ++leaving;
      if (barrier.Leave(2 * kDeadline) != ErrorCode::kOk) ++failures;
      if (leaving < kMembers) ++left_early;
      ++left;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(early == 0);
  CHECK(left_early == 0);
  CHECK(left == kMembers);
  auto ready = admin->Exists(path + "/ready");
  CHECK(ready.code == ErrorCode::kNoNode);  // the last one out took it away
}

TEST_CASE("double barrier: Enter times out when too few arrive, and leaves no node", "[recipes]") {
  auto zk = Connect();
  const std::string path = TestRoot(*zk) + "/barrier";
  DoubleBarrier barrier(*zk, path, 2);
  CHECK(barrier.Enter(Millis(300)) == ErrorCode::kOperationTimeout);
  auto children = zk->GetChildren(path);
  CHECK((children.ok() ? children.value.names.size() : 0) == 0);
}

TEST_CASE("double barrier: a member whose Leave times out takes its node away", "[recipes]") {
  auto admin = Connect();
  const std::string path = TestRoot(*admin) + "/barrier";
  auto zk_a = Connect();
  auto zk_b = Connect();
  DoubleBarrier a(*zk_a, path, 2);
  DoubleBarrier b(*zk_b, path, 2);
  std::atomic<int> b_entered{-1};
  std::thread t([&] { b_entered = static_cast<int>(b.Enter(2 * kDeadline)); });
  CHECK(a.Enter(2 * kDeadline) == ErrorCode::kOk);
  t.join();
  CHECK(b_entered == static_cast<int>(ErrorCode::kOk));
  // b stays inside: a gives up leaving, and its node goes with it ...
  CHECK(a.Leave(Millis(300)) == ErrorCode::kOperationTimeout);
  auto children = admin->GetChildren(path);
  REQUIRE(children.ok());
  size_t members = 0;
  for (const auto& n : children.value.names) members += n == "ready" ? 0 : 1;
  CHECK(members == 1);
  // ... so b, alone now, leaves at once.
  CHECK(b.Leave(kDeadline) == ErrorCode::kOk);
}

TEST_CASE("queue: a consumer waiting before the queue exists gets the first item put",
          "[recipes]") {
  auto admin = Connect();
  const std::string path = TestRoot(*admin) + "/not-yet/queue";
  auto consumer_zk = Connect();
  Queue consumer(*consumer_zk, path);
  std::string got;
  std::atomic<int> code{1};
  std::thread t([&] {
    auto item = consumer.Take(2 * kDeadline);
    got = item.value;
    code = static_cast<int>(item.code);
  });
  std::this_thread::sleep_for(kQuiet);  // the consumer waits on a missing directory
  Queue producer(*admin, path);
  REQUIRE(producer.Put("first").ok());
  t.join();
  CHECK(code == static_cast<int>(ErrorCode::kOk));
  CHECK(got == "first");
}

TEST_CASE("queue: FIFO, and each item taken exactly once by competing consumers", "[recipes]") {
  auto producer_zk = Connect();
  const std::string path = TestRoot(*producer_zk) + "/queue";
  Queue producer(*producer_zk, path);
  CHECK(producer.Peek().code == ErrorCode::kNoNode);
  CHECK(producer.Take(Millis(200)).code == ErrorCode::kOperationTimeout);
  for (int i = 0; i < 5; ++i) REQUIRE(producer.Put("item-" + std::to_string(i)).ok());
  CHECK(producer.Size().value == 5);
  CHECK(producer.Peek().value == "item-0");
  for (int i = 0; i < 5; ++i) CHECK(producer.Take(kDeadline).value == "item-" + std::to_string(i));

  constexpr int kItems = 60, kConsumers = 3;
  std::mutex mu;
  std::multiset<std::string> taken;
  std::atomic<int> remaining{kItems};
  std::vector<std::thread> consumers;
  for (int c = 0; c < kConsumers; ++c) {
    consumers.emplace_back([&] {
      auto zk = Connect();
      Queue queue(*zk, path);
      auto deadline = std::chrono::steady_clock::now() + 3 * kDeadline;
      while (remaining > 0 && std::chrono::steady_clock::now() < deadline) {
        auto item = queue.Take(Millis(500));
        if (!item.ok()) continue;
        --remaining;
        std::lock_guard lock(mu);
        taken.insert(item.value);
      }
    });
  }
  for (int i = 0; i < kItems; ++i)
    REQUIRE(producer.Put(std::string("x\0y", 3) + std::to_string(i)).ok());
  for (auto& t : consumers) t.join();
  REQUIRE(taken.size() == kItems);
  for (int i = 0; i < kItems; ++i)
    CHECK(taken.count(std::string("x\0y", 3) + std::to_string(i)) == 1);
  CHECK(producer.Size().value == 0);
}

}  // namespace
}  // namespace cairn::recipes
