// Drives the Snapshotter on an io_context over the fault-injecting env, with
// writes applied between its slices as the core thread would: the committed
// snapshot holds exactly the tree and sessions at the zxid it started at;
// the txn and size triggers fire inside their jittered windows; old
// snapshots and the log behind them are purged; a failed snapshot is
// counted and the next one succeeds; a stalled disk makes the slices wait
// rather than queue without bound.
#include "server/snapshotter.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "server/snapshot_content.h"
#include "unit/support/fault_env.h"
#include "unit/support/reference_db.h"
#include "zab/storage/snapshot_file.h"

using namespace cairn::testing;
using cairn::server::Database;
using cairn::server::Snapshotter;
using cairn::storage::ListSnapshots;
using cairn::storage::SnapshotReader;
using proto::OpCode;

namespace {

const std::string kDir = "/snapshots";

struct Fixture {
  explicit Fixture(Snapshotter::Options options = Defaults()) {
    env.CreateDir(kDir);
    snapshotter = std::make_unique<Snapshotter>(
        io, &env, &w.db, std::move(options), [this](int64_t zxid) { purged.push_back(zxid); },
        [this] { return clock_ms += 5; });
  }
  static Snapshotter::Options Defaults() {
    Snapshotter::Options o;
    o.dir = kDir;
    o.snap_count = 1000000;  // only TakeNow starts one
    o.retain = 3;
    return o;
  }

  // Runs the loop until the snapshot in progress ends, calling between()
  // after each handler (bounded in count and time).
  void RunSnapshot(const std::function<void()>& between = [] {}) {
    for (int i = 0; i < 100000 && snapshotter->stats().in_progress; ++i) {
      io.run_one_for(std::chrono::milliseconds(5));
      between();
    }
    REQUIRE_FALSE(snapshotter->stats().in_progress);
  }
  // Loads the snapshot at zxid into a fresh Database.
  std::unique_ptr<Database> Load(int64_t zxid) {
    auto reader = SnapshotReader::Open(&env, kDir + "/" + cairn::storage::SnapshotName(zxid));
    INFO((reader ? std::string() : reader.error().message()));
    REQUIRE(reader);
    REQUIRE(reader.value()->zxid() == zxid);
    auto db = std::make_unique<Database>(kRefTick, ExtendedPrep());
    auto loaded = cairn::server::LoadSnapshotContent(reader.value().get(), 0, db.get());
    INFO((loaded ? std::string() : loaded.error().message()));
    REQUIRE(loaded);
    return db;
  }
  std::vector<int64_t> OnDisk() {
    auto listed = ListSnapshots(&env, kDir);
    REQUIRE(listed);
    std::vector<int64_t> zxids;
    for (const auto& s : listed.value()) zxids.push_back(s.zxid);
    return zxids;
  }

  FaultEnv env;
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  ReferenceDb w;
  std::vector<int64_t> purged;
  int64_t clock_ms = 0;
  std::unique_ptr<Snapshotter> snapshotter;
};

// Enough nodes for several slices.
constexpr int kNodes = 3 * static_cast<int>(Snapshotter::kNodesPerSlice) + 100;

void Populate(ReferenceDb& w) {
  w.NewEpoch(1);
  Workload(w, 0);
  w.Create("/big");
  for (int i = 0; i < kNodes; ++i) w.Create("/big/n" + std::to_string(i), kPersistentFlag, "x");
}

}  // namespace

TEST_CASE("Snapshotter: a sliced snapshot holds the state at its zxid while writes go on",
          "[server][storage]") {
  Fixture f;
  Populate(f.w);
  ReferenceDb frozen;  // stops where the snapshot starts
  Populate(frozen);
  const int64_t zxid = f.w.db.tree().last_processed_zxid();
  REQUIRE(frozen.db.tree().last_processed_zxid() == zxid);

  f.snapshotter->TakeNow();
  REQUIRE(f.snapshotter->stats().in_progress);
  // Between slices: change nodes the view has not reached yet and ones it
  // has, delete some, add some, end a session with ephemerals.
  int step = 0;
  f.RunSnapshot([&] {
    if (step >= 60) return;
    int i = (step * 211) % kNodes;
    std::string path = "/big/n" + std::to_string(i);
    switch (step % 4) {
      case 0: f.w.Must(OpCode::kSetData, SetDataBody(path, "changed")); break;
      case 1: f.w.Must(OpCode::kDelete, DeleteBody(path)); break;
      case 2: f.w.Create("/big/added" + std::to_string(step)); break;
      case 3: f.w.Must(OpCode::kSetAcl, SetAclBody(path, WorldAcl(proto::perms::kRead))); break;
    }
    if (step == 30) f.w.CloseSession(kOtherSession);
    ++step;
  });
  CHECK(step > 4);  // writes really ran between slices
  const auto& stats = f.snapshotter->stats();
  CHECK(stats.taken == 1);
  CHECK(stats.failed == 0);
  CHECK(stats.last_zxid == zxid);
  CHECK(stats.last_preserved > 0);  // the view kept pre-images of nodes it had not reached
  CHECK(stats.last_bytes > kNodes * 10);
  CHECK(stats.last_duration_ms > 0);
  CHECK(f.w.db.tree().last_processed_zxid() > zxid);

  auto loaded = f.Load(zxid);
  RequireSameState(frozen.db, *loaded);
  CHECK(f.purged == std::vector<int64_t>{zxid});  // one snapshot: the log through it can go
}

TEST_CASE("Snapshotter: the txn count starts one between snapCount/2 and snapCount",
          "[server][storage]") {
  Snapshotter::Options o = Fixture::Defaults();
  o.snap_count = 100;
  Fixture f(o);
  f.w.NewEpoch(1);
  Workload(f.w, 0);
  f.snapshotter->OnApplied(49, 4900);
  CHECK_FALSE(f.snapshotter->stats().in_progress);
  f.snapshotter->OnApplied(51, 5100);  // 100 in all: past any draw in [50, 100)
  CHECK(f.snapshotter->stats().in_progress);
  f.RunSnapshot();
  CHECK(f.snapshotter->stats().taken == 1);
  // Nothing applied since: a due snapshot at the same zxid is skipped.
  f.snapshotter->OnApplied(100, 0);
  CHECK_FALSE(f.snapshotter->stats().in_progress);
  CHECK(f.OnDisk().size() == 1);
}

TEST_CASE("Snapshotter: one due while the last is still written is skipped, and counting starts over",
          "[server][storage]") {
  Snapshotter::Options o = Fixture::Defaults();
  o.snap_count = 100;
  Fixture f(o);
  Populate(f.w);  // several slices: the snapshot stays in progress across OnApplied calls
  f.snapshotter->OnApplied(100, 0);
  REQUIRE(f.snapshotter->stats().in_progress);
  f.w.Create("/during");
  f.snapshotter->OnApplied(100, 0);  // due again while the first is written
  CHECK(f.snapshotter->stats().skipped == 1);
  f.RunSnapshot();
  CHECK(f.snapshotter->stats().taken == 1);
  // The skip started the count over: the first finishing does not start
  // another at once, only as many txns again do.
  f.snapshotter->OnApplied(49, 0);
  CHECK_FALSE(f.snapshotter->stats().in_progress);
  f.snapshotter->OnApplied(51, 0);
  CHECK(f.snapshotter->stats().in_progress);
  f.RunSnapshot();
  CHECK(f.snapshotter->stats().taken == 2);
  CHECK(f.snapshotter->stats().skipped == 1);
}

TEST_CASE("Snapshotter: the txn bytes start one between half the size limit and the limit",
          "[server][storage]") {
  Snapshotter::Options o = Fixture::Defaults();
  o.size_limit_bytes = 10000;
  Fixture f(o);
  f.w.NewEpoch(1);
  Workload(f.w, 0);
  f.snapshotter->OnApplied(1, 4999);
  CHECK_FALSE(f.snapshotter->stats().in_progress);
  f.snapshotter->OnApplied(1, 5001);
  CHECK(f.snapshotter->stats().in_progress);
  f.RunSnapshot();
  CHECK(f.snapshotter->stats().taken == 1);
}

TEST_CASE("Snapshotter: keeps the newest snapRetainCount and purges the log through the oldest kept",
          "[server][storage]") {
  Fixture f;
  f.w.NewEpoch(1);
  std::vector<int64_t> taken;
  for (int round = 0; round < 5; ++round) {
    Workload(f.w, round);
    f.snapshotter->TakeNow();
    f.RunSnapshot();
    taken.push_back(f.w.db.tree().last_processed_zxid());
  }
  CHECK(f.snapshotter->stats().taken == 5);
  CHECK(f.OnDisk() == std::vector<int64_t>{taken[4], taken[3], taken[2]});
  REQUIRE(f.purged.size() == 5);
  CHECK(f.purged.back() == taken[2]);
  CHECK(f.purged[1] == taken[0]);  // two on disk: the older one bounds the log
}

TEST_CASE("Snapshotter: a failed snapshot is counted, leaves no file, and the next one succeeds",
          "[server][storage]") {
  Fixture f;
  Populate(f.w);
  SECTION("a write error") { f.env.FailWrites(true); }
  SECTION("an fsync error") { f.env.FailSyncs(true); }
  f.snapshotter->TakeNow();
  f.RunSnapshot();
  CHECK(f.snapshotter->stats().failed == 1);
  CHECK(f.snapshotter->stats().taken == 0);
  CHECK(f.snapshotter->stats().last_zxid == 0);
  CHECK(f.purged.empty());
  f.env.FailWrites(false);
  f.env.FailSyncs(false);
  std::vector<std::string> names;
  f.env.GetChildren(kDir, &names);
  for (const auto& n : names) CHECK((n == "." || n == ".."));

  f.w.Create("/after");
  f.snapshotter->TakeNow();
  f.RunSnapshot();
  CHECK(f.snapshotter->stats().taken == 1);
  CHECK(f.OnDisk() == std::vector<int64_t>{f.w.db.tree().last_processed_zxid()});
  RequireSameState(f.w.db, *f.Load(f.w.db.tree().last_processed_zxid()));
}

TEST_CASE("Snapshotter: with the disk stalled the slices wait, then finish the same snapshot",
          "[server][storage]") {
  Fixture f;
  f.w.NewEpoch(1);
  f.w.Create("/big");
  // More slices than the writer queues.
  const int nodes = static_cast<int>(Snapshotter::kNodesPerSlice *
                                     (cairn::storage::SnapshotWriterThread::kQueuedChunksMax + 4));
  for (int i = 0; i < nodes; ++i) f.w.Create("/big/n" + std::to_string(i));
  const int64_t zxid = f.w.db.tree().last_processed_zxid();
  f.env.HoldAppends(true);
  f.snapshotter->TakeNow();
  // Run the loop for a while: the slices stop at the queue bound and wait
  // on the backoff timer instead of encoding the whole tree into memory.
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  while (std::chrono::steady_clock::now() < until) f.io.run_one_for(std::chrono::milliseconds(5));
  CHECK(f.snapshotter->stats().in_progress);
  CHECK(f.env.appends_held() == 1);
  f.w.Create("/during-stall");  // the core thread stays free to apply writes
  f.env.HoldAppends(false);
  f.RunSnapshot();
  CHECK(f.snapshotter->stats().taken == 1);
  auto loaded = f.Load(zxid);
  CHECK(loaded->tree().NodeCount() + 1 == f.w.db.tree().NodeCount());
  CHECK(loaded->tree().Find("/during-stall") == nullptr);
}
