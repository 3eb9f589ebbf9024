// Checks startup recovery end to end on the fault-injecting in-memory env: a
// reference Database (unit/support/reference_db.h) preps and applies a
// workload while its txns go into a TxnLog and, now and then, WriteSnapshot
// into the snapshot directory; then Recover into a fresh Database must give
// the same tree and sessions, or a Corruption error naming the hole when
// snapshots, log records or the purge mark make a gapless state impossible.
#include "server/recovery.h"

#include <leveldb/db.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/crc32c.h"
#include "base/endian.h"
#include "base/hex.h"
#include "base/ids.h"
#include "server/database.h"
#include "server/snapshotter.h"
#include "unit/support/fault_env.h"
#include "unit/support/reference_db.h"
#include "unit/znode/harness.h"
#include "zab/storage/snapshot_file.h"
#include "zab/storage/txn_log.h"

using namespace cairn::testing;
using cairn::ErrorKind;
using cairn::Hex;
using cairn::MakeZxid;
using cairn::server::Database;
using cairn::server::FollowsInLog;
using cairn::server::RecoveryReport;
using cairn::storage::LogRecord;
using cairn::storage::SnapshotName;
using cairn::storage::TxnLog;
using cairn::storage::TxnLogOptions;
using proto::ErrorCode;
using proto::OpCode;

namespace {

constexpr int64_t kTick = kRefTick;
constexpr int64_t kRecoverAt = 5000000;  // the monotonic clock at recovery (on the tick grid)
constexpr int64_t kThirdSession = 0x0100000000000003LL;
const std::string kSnapDir = "/data/snapshots";
const std::string kLogDir = "/data/txnlog";

constexpr int32_t kPersistent = kPersistentFlag;
constexpr int32_t kEphemeral = kEphemeralFlag;
constexpr int32_t kPersistentSeq = kPersistentSeqFlag;

int64_t Z(uint32_t epoch, uint32_t counter) { return MakeZxid(epoch, counter).value; }

std::string SnapPath(int64_t zxid) { return kSnapDir + "/" + SnapshotName(zxid); }

struct Fixture {
  Fixture() {
    env.CreateDir("/data");
    env.CreateDir(kSnapDir);
    env.CreateDir(kLogDir);
  }
  std::unique_ptr<TxnLog> OpenLog(bool sync = true) {
    auto log = TxnLog::Open(&env, kLogDir, TxnLogOptions{sync});
    INFO((log ? std::string() : log.error().message()));
    REQUIRE(log);
    return std::move(log).value();
  }
  cairn::Result<RecoveryReport> Recover(const TxnLog& log, Database* db) {
    int64_t clock = 0;
    return cairn::server::Recover(&env, kSnapDir, log, kRecoverAt, db, [&] { return clock += 7; });
  }
  // Recover, required to succeed.
  RecoveryReport MustRecover(const TxnLog& log, Database* db) {
    auto r = Recover(log, db);
    INFO((r ? std::string() : r.error().message()));
    REQUIRE(r);
    return r.value();
  }
  // A leveldb handle on the log directory, behind the TxnLog's back
  // (REQUIRES: the TxnLog is closed).
  std::unique_ptr<leveldb::DB> RawLog() {
    leveldb::Options o;
    o.env = &env;
    leveldb::DB* raw = nullptr;
    // Every record of these tests is in the log's one segment.
    auto segments = cairn::storage::ListSegments(&env, kLogDir);
    REQUIRE(segments);
    REQUIRE(segments.value().size() == 1);
    leveldb::Status s = leveldb::DB::Open(o, segments.value()[0].path, &raw);
    INFO(s.ToString());
    REQUIRE(s.ok());
    return std::unique_ptr<leveldb::DB>(raw);
  }

  FaultEnv env;
};

std::string Key(int64_t zxid) {
  std::string k;
  cairn::PutBigEndian64(&k, static_cast<uint64_t>(zxid));
  return k;
}
// A log value whose checksum matches txn.
std::string GoodValue(int64_t zxid, const std::string& txn) {
  std::string v;
  cairn::PutBigEndian32(&v, cairn::Crc32c(Key(zxid) + txn));
  return v + txn;
}

void Put(leveldb::DB* db, int64_t zxid, const std::string& value) {
  leveldb::WriteOptions wo;
  wo.sync = true;
  REQUIRE(db->Put(wo, Key(zxid), value).ok());
}
void Delete(leveldb::DB* db, int64_t zxid) {
  leveldb::WriteOptions wo;
  wo.sync = true;
  REQUIRE(db->Delete(wo, Key(zxid)).ok());
}

int64_t CountAfter(const std::vector<LogRecord>& records, int64_t zxid) {
  return std::count_if(records.begin(), records.end(), [&](const LogRecord& r) { return r.zxid > zxid; });
}

void RequireCorruption(const cairn::Result<RecoveryReport>& r, std::vector<std::string> words) {
  REQUIRE_FALSE(r);
  INFO(r.error().message());
  CHECK(r.error().kind() == ErrorKind::kCorruption);
  for (const auto& w : words) CHECK_THAT(r.error().message(), Catch::Contains(w));
}

}  // namespace

TEST_CASE("Recover: empty directories recover an empty tree", "[server][storage]") {
  Fixture f;
  auto log = f.OpenLog();
  Database db(kTick, ExtendedPrep());
  RecoveryReport report = f.MustRecover(*log, &db);
  CHECK(report.snapshot_zxid == 0);
  CHECK(report.snapshot_path.empty());
  CHECK(report.replayed_txns == 0);
  CHECK(report.last_zxid == 0);
  CHECK(report.rejected_snapshots.empty());
  CHECK(db.tree().NodeCount() == 4);
  CHECK(db.sessions().size() == 0);
}

TEST_CASE("Recover: the log alone replays into the same tree and sessions", "[server][storage]") {
  Fixture f;
  auto log = f.OpenLog();
  ReferenceDb w;
  w.NewEpoch(1);
  for (int round = 0; round < 3; ++round) {
    Workload(w, round);
    w.Flush(*log);
  }
  Database db(kTick, ExtendedPrep());
  RecoveryReport report = f.MustRecover(*log, &db);
  CHECK(report.snapshot_zxid == 0);
  CHECK(report.replayed_txns == static_cast<int64_t>(w.all.size()));
  CHECK(report.last_zxid == w.all.back().zxid);
  CHECK_FALSE(report.torn_tail_zxid.has_value());
  CHECK(report.snapshot_load_ms == 7);  // the phases are timed with the clock given
  CHECK(report.replay_ms == 7);
  RequireSameState(w.db, db);
}

TEST_CASE("Recover: a snapshot plus the log after it equals applying everything",
          "[server][storage]") {
  Fixture f;
  auto log = f.OpenLog();
  ReferenceDb w;
  w.NewEpoch(1);
  Workload(w, 0);
  w.Flush(*log);
  int64_t older = w.Snapshot(&f.env, kSnapDir);
  Workload(w, 1);
  w.Flush(*log);
  int64_t snap = w.Snapshot(&f.env, kSnapDir);
  Workload(w, 2);
  w.NewEpoch(2);  // the log after the snapshot crosses into a new epoch
  Workload(w, 3);
  w.Flush(*log);
  REQUIRE(older < snap);

  ReferenceDb restored;
  RecoveryReport report = f.MustRecover(*log, &restored.db);
  CHECK(report.snapshot_zxid == snap);
  CHECK(report.snapshot_path == SnapPath(snap));
  CHECK(report.rejected_snapshots.empty());
  CHECK(report.replayed_txns == CountAfter(w.all, snap));
  CHECK(report.replayed_txns > 0);
  CHECK(report.last_zxid == w.all.back().zxid);
  RequireSameState(w.db, restored.db);

  // Numbering and prep go on from the recovered state: the same writes give
  // the same zxids, sequential names and outcomes.
  restored.now_ms = w.now_ms;
  restored.cxid = w.cxid;
  for (ReferenceDb* x : {&w, &restored}) {
    x->Create("/queue/item-", kPersistentSeq);
    x->Create("/r0/eph3", kEphemeral, "", kOtherSession);
    x->CloseSession(kSession);
  }
  CHECK(restored.all.back().zxid == w.all.back().zxid);
  CHECK(restored.db.tree().Find("/queue/item-0000000020") != nullptr);
  CHECK(restored.db.tree().EphemeralsOf(kSession).empty());
  RequireSameState(w.db, restored.db);
}

TEST_CASE("Recover: a corrupt newest snapshot falls back to an older one with the same result",
          "[server][storage]") {
  Fixture f;
  auto log = f.OpenLog();
  ReferenceDb w;
  w.NewEpoch(1);
  Workload(w, 0);
  w.Flush(*log);
  int64_t older = w.Snapshot(&f.env, kSnapDir);
  Workload(w, 1);
  w.Flush(*log);
  int64_t newest = w.Snapshot(&f.env, kSnapDir);
  Workload(w, 2);
  w.Flush(*log);
  std::string contents = f.env.ReadFile(SnapPath(newest));
  REQUIRE(contents.size() > 100);

  SECTION("a flipped byte inside a chunk") { f.env.FlipByte(SnapPath(newest), contents.size() / 2); }
  SECTION("a flipped byte in the header") { f.env.FlipByte(SnapPath(newest), 10); }
  SECTION("a flipped byte in the footer") { f.env.FlipByte(SnapPath(newest), contents.size() - 2); }
  SECTION("the file cut short") { f.env.WriteFile(SnapPath(newest), contents.substr(0, contents.size() - 9)); }
  SECTION("the file named for a zxid it does not hold") {
    // The older snapshot's bytes under the newest one's name.
    f.env.WriteFile(SnapPath(newest), f.env.ReadFile(SnapPath(older)));
  }

  Database db(kTick, ExtendedPrep());
  RecoveryReport report = f.MustRecover(*log, &db);
  CHECK(report.snapshot_zxid == older);
  REQUIRE(report.rejected_snapshots.size() == 1);
  CHECK_THAT(report.rejected_snapshots[0], Catch::Contains(SnapPath(newest)));
  CHECK(report.replayed_txns == CountAfter(w.all, older));
  RequireSameState(w.db, db);
}

TEST_CASE("Recover: with every snapshot corrupt and nothing purged, the whole log replays",
          "[server][storage]") {
  Fixture f;
  auto log = f.OpenLog();
  ReferenceDb w;
  w.NewEpoch(1);
  Workload(w, 0);
  w.Flush(*log);
  int64_t a = w.Snapshot(&f.env, kSnapDir);
  Workload(w, 1);
  w.Flush(*log);
  int64_t b = w.Snapshot(&f.env, kSnapDir);
  for (int64_t z : {a, b}) f.env.FlipByte(SnapPath(z), f.env.ReadFile(SnapPath(z)).size() / 2);

  Database db(kTick, ExtendedPrep());
  RecoveryReport report = f.MustRecover(*log, &db);
  CHECK(report.snapshot_zxid == 0);
  CHECK(report.rejected_snapshots.size() == 2);
  CHECK(report.replayed_txns == static_cast<int64_t>(w.all.size()));
  RequireSameState(w.db, db);
}

TEST_CASE("Recover: a leftover temp snapshot is ignored and removed", "[server][storage]") {
  Fixture f;
  auto log = f.OpenLog();
  ReferenceDb w;
  w.NewEpoch(1);
  Workload(w, 0);
  w.Flush(*log);
  int64_t snap = w.Snapshot(&f.env, kSnapDir);
  Workload(w, 1);
  w.Flush(*log);
  std::string tmp = SnapPath(w.db.last_assigned_zxid()) + ".tmp";
  f.env.WriteFile(tmp, "half a snapshot");

  Database db(kTick, ExtendedPrep());
  RecoveryReport report = f.MustRecover(*log, &db);
  CHECK(report.snapshot_zxid == snap);
  CHECK(report.rejected_snapshots.empty());
  CHECK_FALSE(f.env.FileExists(tmp));
  RequireSameState(w.db, db);
}

TEST_CASE("Recover: a log purged behind a snapshot that is gone is refused", "[server][storage]") {
  Fixture f;
  auto log = f.OpenLog();
  ReferenceDb w;
  w.NewEpoch(1);
  Workload(w, 0);
  w.Flush(*log);
  int64_t older = w.Snapshot(&f.env, kSnapDir);
  Workload(w, 1);
  w.Flush(*log);
  int64_t snap = w.Snapshot(&f.env, kSnapDir);
  Workload(w, 2);
  w.Flush(*log);
  REQUIRE(log->DropThrough(snap));

  {
    // With the snapshot at the purge point present, the purge is harmless.
    Database db(kTick, ExtendedPrep());
    RecoveryReport report = f.MustRecover(*log, &db);
    CHECK(report.snapshot_zxid == snap);
    CHECK(report.replayed_txns == CountAfter(w.all, snap));
    RequireSameState(w.db, db);
  }

  SECTION("the snapshot deleted, an older one left") {
    REQUIRE(f.env.RemoveFile(SnapPath(snap)).ok());
    Database db(kTick, ExtendedPrep());
    RequireCorruption(f.Recover(*log, &db),
                      {"dropped", Hex(snap), "no snapshot at or after it", kSnapDir});
  }
  SECTION("every snapshot deleted") {
    REQUIRE(f.env.RemoveFile(SnapPath(snap)).ok());
    REQUIRE(f.env.RemoveFile(SnapPath(older)).ok());
    Database db(kTick, ExtendedPrep());
    RequireCorruption(f.Recover(*log, &db), {"dropped", Hex(snap), "no snapshot at or after it"});
  }
  SECTION("the snapshot corrupt") {
    f.env.FlipByte(SnapPath(snap), f.env.ReadFile(SnapPath(snap)).size() / 2);
    Database db(kTick, ExtendedPrep());
    RequireCorruption(f.Recover(*log, &db), {"dropped", Hex(snap), "do not verify", SnapPath(snap)});
  }
}

TEST_CASE("Recover: a gap in the log is Corruption naming it", "[server][storage]") {
  Fixture f;
  ReferenceDb w;
  w.NewEpoch(1);
  Workload(w, 0);
  int64_t snap = 0;

  SECTION("a record missing in the middle") {
    Workload(w, 1);
    auto log = f.OpenLog();
    size_t hole = w.all.size() / 2;
    std::vector<LogRecord> before(w.all.begin(), w.all.begin() + static_cast<long>(hole));
    std::vector<LogRecord> after(w.all.begin() + static_cast<long>(hole) + 1, w.all.end());
    REQUIRE(log->Append(before));
    REQUIRE(log->Append(after));
    Database db(kTick, ExtendedPrep());
    RequireCorruption(f.Recover(*log, &db),
                      {"gap", Hex(w.all[hole + 1].zxid) + " follows " + Hex(w.all[hole - 1].zxid)});
  }
  SECTION("the record right after the snapshot missing") {
    auto log = f.OpenLog();
    w.Flush(*log);
    snap = w.Snapshot(&f.env, kSnapDir);
    Workload(w, 1);
    w.Flush(*log);
    log.reset();
    Delete(f.RawLog().get(), snap + 1);
    log = f.OpenLog();
    Database db(kTick, ExtendedPrep());
    RequireCorruption(f.Recover(*log, &db),
                      {"gap", Hex(snap + 2) + " follows " + Hex(snap), "the snapshot's zxid"});
  }
  SECTION("a new epoch that does not start at its first counter") {
    auto log = f.OpenLog();
    w.Flush(*log);
    w.NewEpoch(2);
    w.Create("/e2");  // zxid 2:1
    w.Create("/e2b");  // zxid 2:2
    std::vector<LogRecord> skip = {w.all.back()};
    REQUIRE(log->Append(skip));
    Database db(kTick, ExtendedPrep());
    RequireCorruption(f.Recover(*log, &db), {"gap", Hex(Z(2, 2))});
  }
}

TEST_CASE("Recover: a hole in the log behind the snapshot does not matter", "[server][storage]") {
  Fixture f;
  auto log = f.OpenLog();
  ReferenceDb w;
  w.NewEpoch(1);
  Workload(w, 0);
  w.Flush(*log);
  int64_t snap = w.Snapshot(&f.env, kSnapDir);
  Workload(w, 1);
  w.Flush(*log);
  log.reset();
  Delete(f.RawLog().get(), snap - 3);
  log = f.OpenLog();
  Database db(kTick, ExtendedPrep());
  RecoveryReport report = f.MustRecover(*log, &db);
  CHECK(report.snapshot_zxid == snap);
  RequireSameState(w.db, db);
}

TEST_CASE("Recover: a bad record before the tail is Corruption", "[server][storage]") {
  Fixture f;
  ReferenceDb w;
  w.NewEpoch(1);
  {
    auto log = f.OpenLog();
    Workload(w, 0);
    w.Flush(*log);
  }
  const LogRecord& victim = w.all[w.all.size() / 2];
  const LogRecord& other = w.all[w.all.size() / 2 + 3];
  std::vector<std::string> words;
  {
    auto raw = f.RawLog();
    SECTION("its checksum fails") {
      std::string bad = GoodValue(victim.zxid, victim.txn);
      bad[bad.size() - 1] ^= 1;
      Put(raw.get(), victim.zxid, bad);
      words = {Hex(victim.zxid), "checksum"};
    }
    SECTION("its checksum matches but it does not decode") {
      Put(raw.get(), victim.zxid, GoodValue(victim.zxid, "not a txn"));
      words = {Hex(victim.zxid), "does not decode"};
    }
    SECTION("it holds the txn of another zxid") {
      Put(raw.get(), victim.zxid, GoodValue(victim.zxid, other.txn));
      words = {Hex(victim.zxid), "holds a txn for zxid " + Hex(other.zxid)};
    }
  }
  auto log = f.OpenLog();
  CHECK_FALSE(log->torn_tail_zxid().has_value());
  Database db(kTick, ExtendedPrep());
  RequireCorruption(f.Recover(*log, &db), words);
}

TEST_CASE("Recover: a torn last record is dropped at open and recovery goes on without it",
          "[server][storage]") {
  Fixture f;
  ReferenceDb want;  // everything but the last txn
  want.NewEpoch(1);
  Workload(want, 0);
  ReferenceDb w;
  w.NewEpoch(1);
  Workload(w, 0);
  w.Create("/last", kPersistent, "torn");
  {
    auto log = f.OpenLog();
    w.Flush(*log);
  }
  int64_t last = w.all.back().zxid;
  {
    std::string bad = GoodValue(last, w.all.back().txn);
    bad[0] ^= 0x40;
    Put(f.RawLog().get(), last, bad);
  }
  auto log = f.OpenLog();
  REQUIRE(log->torn_tail_zxid() == last);
  CHECK(log->last_zxid() == want.all.back().zxid);
  Database db(kTick, ExtendedPrep());
  RecoveryReport report = f.MustRecover(*log, &db);
  CHECK(report.torn_tail_zxid == last);
  CHECK(report.last_zxid == want.all.back().zxid);
  CHECK(report.replayed_txns == static_cast<int64_t>(want.all.size()));
  CHECK(db.tree().Find("/last") == nullptr);
  RequireSameState(want.db, db);
}

TEST_CASE("Recover: every txn appended with sync on survives a crash", "[server][storage]") {
  Fixture f;
  f.env.SetStrictDir(kSnapDir);  // a snapshot's name too must be made durable
  ReferenceDb w;
  w.NewEpoch(1);
  auto log = f.OpenLog(true);
  int64_t snap = 0;
  for (int round = 0; round < 4; ++round) {
    Workload(w, round);
    w.Flush(*log);
    if (round == 1) snap = w.Snapshot(&f.env, kSnapDir);
  }
  int64_t synced_last = w.all.back().zxid;

  SECTION("nothing unsynced") {
    log.reset();
    f.env.Crash();
    log = f.OpenLog();
    Database db(kTick, ExtendedPrep());
    RecoveryReport report = f.MustRecover(*log, &db);
    CHECK(report.snapshot_zxid == snap);
    CHECK(report.last_zxid == synced_last);
    CHECK_FALSE(report.torn_tail_zxid.has_value());
    RequireSameState(w.db, db);
  }
  SECTION("unsynced appends after them, lost or torn") {
    size_t torn = GENERATE(size_t{0}, size_t{1}, size_t{40}, size_t{300}, size_t{100000});
    INFO("torn bytes kept: " << torn);
    log.reset();
    log = f.OpenLog(false);
    for (int round = 4; round < 6; ++round) {
      Workload(w, round);
      w.Flush(*log);
    }
    log.reset();
    f.env.Crash(torn);
    log = f.OpenLog();
    Database db(kTick, ExtendedPrep());
    RecoveryReport report = f.MustRecover(*log, &db);
    CHECK(report.snapshot_zxid == snap);
    CHECK(report.last_zxid >= synced_last);  // every synced txn is there
    CHECK(report.last_zxid <= w.all.back().zxid);
    if (torn == 0) CHECK(report.last_zxid == synced_last);  // nothing unsynced survives
    if (torn == 100000) CHECK(report.last_zxid == w.all.back().zxid);  // everything does
    if (report.last_zxid == w.all.back().zxid) RequireSameState(w.db, db);
  }
}

TEST_CASE("Recover: sessions from a snapshot get a fresh timeout, and a later closeSession "
          "removes them with their ephemerals",
          "[server][storage]") {
  Fixture f;
  auto log = f.OpenLog();
  ReferenceDb w;
  w.NewEpoch(1);
  Workload(w, 0);  // sessions kSession (4 s) and kOtherSession (10 s)
  w.CreateSession(kThirdSession, 6000);
  w.Create("/r0/eph3", kEphemeral, "", kThirdSession);
  w.Flush(*log);
  w.Snapshot(&f.env, kSnapDir);
  w.CloseSession(kOtherSession);
  const int64_t kFourth = 0x0100000000000004LL;
  w.CreateSession(kFourth, 8000);  // created by the log replay, at recovery time
  w.Flush(*log);

  Database db(kTick, ExtendedPrep());
  f.MustRecover(*log, &db);
  RequireSameState(w.db, db);
  CHECK(db.sessions().Find(kOtherSession) == nullptr);
  CHECK(db.tree().EphemeralsOf(kOtherSession).empty());
  CHECK(db.tree().Find("/r0/eph2") == nullptr);
  CHECK(db.tree().Find("/r0/eph1") != nullptr);
  CHECK(db.tree().EphemeralsOf(kThirdSession) == std::set<std::string>{"/r0/eph3"});

  // Expiry runs from the recovery time, a full timeout for each session.
  auto& sessions = db.sessions();
  CHECK(sessions.Expire(kRecoverAt + 4000 - 1).empty());
  CHECK(sessions.Expire(kRecoverAt + 4000 + kTick) == std::vector<int64_t>{kSession});
  CHECK(sessions.Expire(kRecoverAt + 6000 - 1).empty());
  CHECK(sessions.Expire(kRecoverAt + 6000 + kTick) == std::vector<int64_t>{kThirdSession});
  CHECK(sessions.Expire(kRecoverAt + 8000 - 1).empty());
  CHECK(sessions.Expire(kRecoverAt + 8000 + kTick) == std::vector<int64_t>{kFourth});
}

TEST_CASE("FollowsInLog: the next counter of an epoch, or the start of a later one",
          "[server]") {
  CHECK(FollowsInLog(Z(1, 5), Z(1, 6)));
  CHECK_FALSE(FollowsInLog(Z(1, 5), Z(1, 7)));  // a skipped counter
  CHECK_FALSE(FollowsInLog(Z(1, 5), Z(1, 5)));
  CHECK_FALSE(FollowsInLog(Z(1, 5), Z(1, 4)));
  CHECK(FollowsInLog(Z(1, 5), Z(2, 1)));  // a new epoch starts at counter 1
  CHECK(FollowsInLog(Z(1, 5), Z(4, 1)));  // epochs without txns in between
  CHECK_FALSE(FollowsInLog(Z(1, 5), Z(2, 2)));
  CHECK_FALSE(FollowsInLog(Z(2, 1), Z(1, 6)));  // an older epoch
  CHECK(FollowsInLog(0, Z(0, 1)));
  CHECK(FollowsInLog(0, Z(1, 1)));
  CHECK_FALSE(FollowsInLog(0, Z(1, 2)));
  CHECK(FollowsInLog(Z(1, 0xffffffffu - 1), Z(1, 0xffffffffu)));
}
