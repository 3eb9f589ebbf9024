// Runs GroupCommitter over a TxnLog on the fault-injecting env, with `post`
// queueing completions for the test thread to run (waiting on a condition
// variable, never sleeping); checks completions, what ends up in the log
// after the committer is destroyed and the log reopened, and fail-stop.
#include "zab/storage/group_commit.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/hex.h"
#include "unit/support/fault_env.h"
#include "unit/support/log_records.h"

using cairn::Error;
using cairn::ErrorKind;
using cairn::storage::GroupCommitter;
using cairn::storage::LogRecord;
using cairn::storage::TxnLog;
using cairn::storage::TxnLogOptions;
using cairn::testing::Counters;
using cairn::testing::FaultEnv;
using cairn::testing::ScanAll;
using cairn::testing::Z;
using cairn::testing::Zxids;

namespace {

using namespace std::chrono_literals;

constexpr auto kTimeout = 10s;

std::string TxnFor(int64_t zxid) { return "txn-" + cairn::Hex(zxid); }

std::unique_ptr<TxnLog> OpenLog(FaultEnv* env, const std::string& dir) {
  auto log = TxnLog::Open(env, dir, TxnLogOptions{});
  if (!log) FAIL("open " << dir << ": " << log.error().ToString());
  return std::move(log).value();
}

// The core thread's queue: `post` pushes, the test thread runs. It can also
// hold the storage thread inside its next post, to line up work behind it.
class Mailbox {
 public:
  GroupCommitter::Post post() {
    return [this](std::function<void()> fn) {
      std::unique_lock lock(mu_);
      if (hold_) {
        held_ = true;
        cv_.notify_all();
        cv_.wait_for(lock, kTimeout, [&] { return !hold_; });  // bounded: never hangs the test
        held_ = false;
      }
      queue_.push_back(std::move(fn));
      cv_.notify_all();
    };
  }

  // Runs posted closures on this thread until done() holds; false if
  // kTimeout passes first.
  bool RunUntil(const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + kTimeout;
    for (;;) {
      if (done()) return true;
      std::function<void()> fn;
      {
        std::unique_lock lock(mu_);
        if (!cv_.wait_until(lock, deadline, [&] { return !queue_.empty(); })) return done();
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
  }

  // Runs everything queued now (after the committer is gone, say).
  void RunPending() {
    for (;;) {
      std::function<void()> fn;
      {
        std::lock_guard lock(mu_);
        if (queue_.empty()) return;
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
  }

  void HoldNextPost() {
    std::lock_guard lock(mu_);
    hold_ = true;
  }
  // Waits until the storage thread sits in a held post.
  bool WaitHeld() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kTimeout, [&] { return held_; });
  }
  void Release() {
    {
      std::lock_guard lock(mu_);
      hold_ = false;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool hold_ = false;
  bool held_ = false;
};

// What the callbacks reported; touched only on the test thread.
struct Recorder {
  std::vector<int64_t> durable;
  std::vector<Error> failures;

  GroupCommitter::Callbacks callbacks() {
    return {[this](int64_t z) { durable.push_back(z); }, [this](const Error& e) { failures.push_back(e); }};
  }
  int64_t last() const { return durable.empty() ? 0 : durable.back(); }
  bool Increasing() const {
    for (size_t i = 1; i < durable.size(); ++i) {
      if (durable[i] <= durable[i - 1]) return false;
    }
    return true;
  }
};

}  // namespace

TEST_CASE("GroupCommitter: durable callbacks report increasing zxids ending at the last appended",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/gc-many";
  Mailbox box;
  Recorder rec;
  constexpr int64_t kN = 2000;
  {
    GroupCommitter gc(OpenLog(&env, dir), box.post(), rec.callbacks());
    for (int64_t i = 1; i <= kN; ++i) gc.Append(Z(i), TxnFor(Z(i)));
    REQUIRE(box.RunUntil([&] { return rec.last() == Z(kN); }));
    CHECK(rec.Increasing());
    CHECK(rec.durable.front() >= Z(1));
    CHECK(rec.failures.empty());
    CHECK(gc.last_durable_zxid() == Z(kN));
    CHECK(gc.first_zxid() == Z(1));
    CHECK(gc.records() == kN);
    CHECK(gc.batches() >= 1);
    CHECK(gc.batches() <= gc.records());
    CHECK(gc.batches() == static_cast<int64_t>(rec.durable.size()));  // one completion per batch
    INFO(gc.batches() << " batches for " << gc.records() << " records");
  }
  box.RunPending();
  CHECK(rec.last() == Z(kN));  // nothing after the last
  auto log = OpenLog(&env, dir);
  auto all = ScanAll(*log);
  REQUIRE(Zxids(all) == Counters(1, kN));
  for (const auto& r : all) CHECK(r.txn == TxnFor(r.zxid));
}

TEST_CASE("GroupCommitter: everything appended before destruction is durable afterwards",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/gc-destroy";
  Mailbox box;
  Recorder rec;
  {
    auto log = OpenLog(&env, dir);
    REQUIRE_FALSE(log->Append({{Z(1), TxnFor(Z(1))}}).has_error());  // a committer resumes a log
    GroupCommitter gc(std::move(log), box.post(), rec.callbacks());
    CHECK(gc.last_durable_zxid() == Z(1));
    CHECK(gc.first_zxid() == Z(1));
    for (int64_t i = 2; i <= 500; ++i) gc.Append(Z(i), std::string(static_cast<size_t>(i % 97), 'p'));
    // Destroyed at once: the destructor finishes the queue.
  }
  box.RunPending();
  CHECK(rec.failures.empty());
  CHECK(rec.Increasing());
  CHECK(rec.last() == Z(500));
  env.Crash();  // every batch was synced
  auto log = OpenLog(&env, dir);
  auto all = ScanAll(*log);
  REQUIRE(Zxids(all) == Counters(1, 500));
  for (size_t i = 1; i < all.size(); ++i) {
    CHECK(all[i].txn == std::string(static_cast<size_t>(all[i].zxid % (1LL << 32) % 97), 'p'));
  }
}

TEST_CASE("GroupCommitter: a batch carries at most kBatchBytesMax of txn bytes", "[storage]") {
  FaultEnv env;
  Mailbox box;
  Recorder rec;
  const std::string big(GroupCommitter::kBatchBytesMax / 2 + 1, 'B');
  {
    GroupCommitter gc(OpenLog(&env, "/gc-batch-bytes"), box.post(), rec.callbacks());
    // Any two of these exceed the limit, so however they are taken, each is
    // its own batch.
    for (int64_t i = 1; i <= 3; ++i) gc.Append(Z(i), big);
    REQUIRE(box.RunUntil([&] { return rec.last() == Z(3); }));
    CHECK(gc.batches() == 3);
    CHECK(gc.records() == 3);
    CHECK(rec.durable == Counters(1, 3));
  }
  auto log = OpenLog(&env, "/gc-batch-bytes");
  CHECK(log->last_zxid() == Z(3));
}

TEST_CASE("GroupCommitter: DropThrough removes the records at or below its zxid", "[storage]") {
  FaultEnv env;
  const std::string dir = "/gc-drop";
  Mailbox box;
  Recorder rec;
  {
    GroupCommitter gc(OpenLog(&env, dir), box.post(), rec.callbacks());
    for (int64_t i = 1; i <= 10; ++i) gc.Append(Z(i), TxnFor(Z(i)));
    gc.DropThrough(Z(4));
    gc.Append(Z(11), TxnFor(Z(11)));
    gc.Append(Z(12), TxnFor(Z(12)));
    REQUIRE(box.RunUntil([&] { return rec.last() == Z(12); }));
    // The destructor finishes the drop if it is still queued.
  }
  box.RunPending();
  CHECK(rec.failures.empty());
  env.Crash();  // the drop is synced
  auto log = OpenLog(&env, dir);
  CHECK(log->purged_through() == Z(4));
  CHECK(log->first_zxid() == Z(5));
  CHECK(log->last_zxid() == Z(12));
  CHECK(Zxids(ScanAll(*log)) == Counters(5, 12));
}


// queue together with appends that need more than one batch (more than
// kBatchBytesMax) is applied after the FIRST batch instead of after all of
// them, so a record queued before the DropThrough, at or below its zxid, is
// written after the drop and stays in the log (first_zxid == purged_through).
// group_commit.h promises the drop comes "after any appends queued before it".
TEST_CASE("GroupCommitter: DropThrough applies after every append queued before it, across batches",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/gc-drop-ordering";
  Mailbox box;
  Recorder rec;
  const std::string big(GroupCommitter::kBatchBytesMax / 2 + 1, 'D');
  {
    GroupCommitter gc(OpenLog(&env, dir), box.post(), rec.callbacks());
    // Park the storage thread in the completion of Z(1), then line up two
    // batches' worth of appends and a drop of all of them behind it, so that
    // it takes them in one go.
    box.HoldNextPost();
    gc.Append(Z(1), "small");
    REQUIRE(box.WaitHeld());
    gc.Append(Z(2), big);
    gc.Append(Z(3), big);
    gc.DropThrough(Z(3));
    box.Release();
    REQUIRE(box.RunUntil([&] { return rec.last() == Z(3); }));
  }
  box.RunPending();
  CHECK(rec.failures.empty());
  auto log = OpenLog(&env, dir);
  CHECK(log->purged_through() == Z(3));
  CHECK(Zxids(ScanAll(*log)).empty());  // fails: Z(3) is still there
  CHECK(log->first_zxid() == 0);
}

TEST_CASE("GroupCommitter: after a write error it fails once and writes nothing more", "[storage]") {
  FaultEnv env;
  const std::string dir = "/gc-failstop";
  Mailbox box;
  Recorder rec;
  bool syncs = false;
  SECTION("fsync fails") { syncs = true; }
  SECTION("write fails") { syncs = false; }
  auto fault = [&](bool on) {
    if (syncs) {
      env.FailSyncs(on);
    } else {
      env.FailWrites(on);
    }
  };
  {
    GroupCommitter gc(OpenLog(&env, dir), box.post(), rec.callbacks());
    for (int64_t i = 1; i <= 5; ++i) gc.Append(Z(i), TxnFor(Z(i)));
    REQUIRE(box.RunUntil([&] { return rec.last() == Z(5); }));

    fault(true);
    for (int64_t i = 6; i <= 10; ++i) gc.Append(Z(i), TxnFor(Z(i)));
    REQUIRE(box.RunUntil([&] { return !rec.failures.empty(); }));
    fault(false);  // the disk "recovers": the committer must stay stopped anyway

    for (int64_t i = 11; i <= 20; ++i) gc.Append(Z(i), TxnFor(Z(i)));
    gc.DropThrough(Z(3));
    for (int64_t i = 21; i <= 30; ++i) gc.Append(Z(i), TxnFor(Z(i)));
    CHECK(gc.last_durable_zxid() == Z(5));
    // The destructor drains the rest without writing.
  }
  box.RunPending();
  REQUIRE(rec.failures.size() == 1);
  CHECK(rec.failures[0].kind() == ErrorKind::kIo);
  CHECK(rec.last() == Z(5));
  for (int64_t z : rec.durable) CHECK(z <= Z(5));

  SECTION("reopened as it is") {
    auto log = OpenLog(&env, dir);
    // The failed batch may or may not have reached the file; nothing queued
    // after the failure did, and the drop never ran.
    CHECK(log->last_zxid() >= Z(5));
    CHECK(log->last_zxid() <= Z(10));
    CHECK(log->purged_through() == 0);
    CHECK(log->first_zxid() == Z(1));
  }
  SECTION("reopened after a crash") {
    env.Crash();  // what was never synced is gone
    auto log = OpenLog(&env, dir);
    CHECK(Zxids(ScanAll(*log)) == Counters(1, 5));
    CHECK(log->purged_through() == 0);
  }
}
