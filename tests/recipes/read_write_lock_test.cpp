// ReadWriteLock against a real server: readers share, a writer excludes,
// a reader queued behind a writer waits for it, and a downgrade.
#include "recipes/read_write_lock.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "client/fixture.h"

namespace cairn::recipes {
namespace {

using client::ErrorCode;
using namespace cairn::client::testing;

bool WaitNodes(Mutex& lock, size_t n) {
  return WaitUntil([&] {
    auto p = lock.Participants();
    return p.ok() && p.value.size() == n;
  });
}

// A lock attempt on its own thread (and session), whose outcome the test polls.
class Attempt {
 public:
  Attempt(const std::string& path, bool write) : zk_(Connect()), rw_(*zk_, path) {
    thread_ = std::thread([this, write] {
      Mutex& lock = write ? rw_.write_lock() : rw_.read_lock();
      auto r = lock.TryLock(2 * kDeadline);  // bounded, so the destructor's join is too
      held_ = r.ok();
      while (!release_) std::this_thread::sleep_for(Millis(5));
      if (r.ok()) lock.Unlock();
    });
  }
  ~Attempt() {
    release_ = true;
    thread_.join();
  }
  bool held() const { return held_; }
  bool WaitHeld() const {
    return WaitUntil([&] { return held_.load(); });
  }
  void Release() { release_ = true; }

 private:
  std::unique_ptr<client::BlockingClient> zk_;
  ReadWriteLock rw_;
  std::atomic<bool> held_{false}, release_{false};
  std::thread thread_;
};

TEST_CASE("rwlock: readers share; a writer waits for them; readers behind it wait for it",
          "[recipes]") {
  auto admin = Connect();
  const std::string path = TestRoot(*admin) + "/rw";
  ReadWriteLock view(*admin, path);
  Attempt r1(path, false);
  REQUIRE(r1.WaitHeld());
  Attempt r2(path, false);
  REQUIRE(r2.WaitHeld());  // two readers at once
  Attempt w1(path, true);
  REQUIRE(WaitNodes(view.write_lock(), 3));
  Attempt r3(path, false);  // arrives after the writer
  REQUIRE(WaitNodes(view.write_lock(), 4));
  std::this_thread::sleep_for(kQuiet);
  CHECK(!w1.held());
  CHECK(!r3.held());
  r1.Release();
  r2.Release();
  REQUIRE(w1.WaitHeld());
  std::this_thread::sleep_for(kQuiet);
  CHECK(!r3.held());  // the writer holds alone
  w1.Release();
  CHECK(r3.WaitHeld());
}

TEST_CASE("rwlock: a writer holding the lock may take the read lock and downgrade", "[recipes]") {
  auto zk = Connect();
  const std::string path = TestRoot(*zk) + "/rw";
  ReadWriteLock rw(*zk, path);
  REQUIRE(rw.write_lock().Lock().ok());
  auto read = rw.read_lock().TryLock(Millis(2000));
  REQUIRE(read.ok());
  CHECK(read.value.node.find("__READ__") != std::string::npos);
  rw.write_lock().Unlock();  // downgraded: still reading
  CHECK(rw.read_lock().IsHeldByCurrentThread());
  Attempt writer(path, true);
  std::this_thread::sleep_for(kQuiet);
  CHECK(!writer.held());
  Attempt reader(path, false);
  std::this_thread::sleep_for(kQuiet);
  CHECK(!reader.held());  // behind the waiting writer
  rw.read_lock().Unlock();
  CHECK(writer.WaitHeld());
  writer.Release();
  CHECK(reader.WaitHeld());
}

}  // namespace
}  // namespace cairn::recipes
