// Checks startup recovery end to end on the fault-injecting in-memory env: a
// reference Database preps and applies a workload while its txns go into a
// TxnLog and, now and then, WriteSnapshot into the snapshot directory; then
// Recover into a fresh Database must give the same tree and sessions, or a
// Corruption error naming the hole when snapshots, log records or the
// purge mark make a gapless state impossible.
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

constexpr int64_t kTick = 2000;
constexpr int64_t kRecoverAt = 5000000;  // the monotonic clock at recovery (on the tick grid)
constexpr int64_t kThirdSession = 0x0100000000000003LL;
const std::string kSnapDir = "/data/snapshots";
const std::string kLogDir = "/data/txnlog";

constexpr int32_t kPersistent = static_cast<int32_t>(proto::CreateMode::kPersistent);
constexpr int32_t kEphemeral = static_cast<int32_t>(proto::CreateMode::kEphemeral);
constexpr int32_t kPersistentSeq = static_cast<int32_t>(proto::CreateMode::kPersistentSequential);

int64_t Z(uint32_t epoch, uint32_t counter) { return MakeZxid(epoch, counter).value; }

znode::PrepOptions Extended() {
  znode::PrepOptions o;
  o.extended_types_enabled = true;
  return o;
}

std::string SnapPath(int64_t zxid) { return kSnapDir + "/" + SnapshotName(zxid); }

// The reference: preps and applies txns on its own Database and keeps their
// encodings for the log.
class Writer {
 public:
  Writer() : db(kTick, Extended()) {}

  // The next txns are numbered from the start of epoch.
  void NewEpoch(uint32_t epoch) { db.set_last_zxid(Z(epoch, 0)); }

  znode::ApplyResult Commit(const znode::Txn& txn) {
    auto applied = db.Apply(txn, 0);
    std::string bytes;
    znode::EncodeTxn(txn, &bytes);
    unlogged.push_back(LogRecord{txn.header.zxid, bytes});
    all.push_back(unlogged.back());
    return applied.result;
  }
  znode::ApplyResult Write(OpCode op, const std::string& body, int64_t session = kSession) {
    znode::WriteRequest req;
    req.op = op;
    req.body = body;
    req.session_id = session;
    req.cxid = ++cxid;
    req.auth = &auth;
    return Commit(db.prep().PrepWrite(req, db.NextZxid(), Time()));
  }
  void Must(OpCode op, const std::string& body, int64_t session = kSession) {
    auto r = Write(op, body, session);
    INFO("op " << static_cast<int>(op) << " at zxid " << Hex(db.last_assigned_zxid()));
    REQUIRE(r.err == ErrorCode::kOk);
  }
  void Create(const std::string& path, int32_t flags = kPersistent, const std::string& data = "",
              int64_t session = kSession, proto::AclList acl = OpenAcl()) {
    Must(OpCode::kCreate, CreateBody(path, data, flags, std::move(acl)), session);
  }
  void CreateSession(int64_t id, int32_t timeout_ms) {
    std::string passwd(16, static_cast<char>('a' + (id & 0xf)));
    Commit(db.prep().PrepCreateSession(id, timeout_ms, passwd, db.NextZxid(), Time()));
  }
  void CloseSession(int64_t id) { Commit(db.prep().PrepCloseSession(id, db.NextZxid(), Time())); }

  // Appends what was not logged yet, as one batch.
  void Flush(TxnLog& log) {
    auto appended = log.Append(unlogged);
    INFO((appended ? std::string() : appended.error().message()));
    REQUIRE(appended);
    unlogged.clear();
  }
  // Writes a snapshot of the current state; returns its zxid.
  int64_t Snapshot(cairn::storage::StorageEnv* env) {
    auto written = cairn::server::WriteSnapshot(env, kSnapDir, db);
    INFO((written ? std::string() : written.error().message()));
    REQUIRE(written);
    return db.tree().last_processed_zxid();
  }
  int64_t Time() { return now_ms += 10; }

  Database db;
  std::vector<LogRecord> unlogged;
  std::vector<LogRecord> all;
  znode::AuthIds auth;
  int32_t cxid = 0;
  int64_t now_ms = 1700000000000LL;
};

// One round of every kind of write; deterministic, so two writers that run
// the same rounds hold the same state.
void Workload(Writer& w, int round) {
  std::string dir = "/r" + std::to_string(round);
  if (round == 0) {
    w.CreateSession(kSession, 4000);
    w.CreateSession(kOtherSession, 10000);
    w.Create("/queue");
  }
  w.Create(dir, kPersistent, "round");
  for (int i = 0; i < 20; ++i) w.Create(dir + "/n" + std::to_string(i), kPersistent, "v" + std::to_string(i));
  for (int i = 0; i < 5; ++i) w.Create("/queue/item-", kPersistentSeq, dir);
  w.Create(dir + "/eph1", kEphemeral, "", kSession);
  w.Create(dir + "/eph2", kEphemeral, "", kOtherSession);
  w.Must(OpCode::kSetData, SetDataBody(dir + "/n3", "changed"));
  w.Must(OpCode::kSetData, SetDataBody(dir + "/n3", "changed again", 1));
  w.Must(OpCode::kDelete, DeleteBody(dir + "/n4"));
  w.Must(OpCode::kSetAcl, SetAclBody(dir + "/n5", WorldAcl(proto::perms::kRead)));
  w.Must(OpCode::kCreateContainer,
         CreateBody(dir + "/box", "", static_cast<int32_t>(proto::CreateMode::kContainer)));
  w.Create(dir + "/box/item");
  w.Must(OpCode::kMulti,
         MultiBuilder().Create(dir + "/m").SetData(dir + "/n6", "m").Delete(dir + "/n7").Body());
  // Failed requests are txns too (ErrorTxn), and take a zxid.
  CHECK(w.Write(OpCode::kDelete, DeleteBody("/no/such/node")).err == ErrorCode::kNoNode);
  CHECK(w.Write(OpCode::kSetData, SetDataBody(dir + "/n5", "denied")).err == ErrorCode::kNoAuth);
  w.Must(OpCode::kCreateTtl, CreateBody(dir + "/ttl", "t",
                                        static_cast<int32_t>(proto::CreateMode::kPersistentWithTtl),
                                        OpenAcl(), 60000));
}

std::string ChildPath(const std::string& parent, const std::string& child) {
  return parent == "/" ? "/" + child : parent + "/" + child;
}

std::string DiffNode(const znode::DataTree& ta, const znode::Node& a, const znode::DataTree& tb,
                     const znode::Node& b) {
  std::string d;
  auto field = [&](const char* name, bool same) {
    if (!same) d += std::string(d.empty() ? "" : ", ") + name;
  };
  field("data", a.data == b.data);
  field("data_null", a.data_null == b.data_null);
  field("acl", ta.AclOf(a) == tb.AclOf(b));
  field("czxid", a.czxid == b.czxid);
  field("mzxid", a.mzxid == b.mzxid);
  field("pzxid", a.pzxid == b.pzxid);
  field("ctime", a.ctime == b.ctime);
  field("mtime", a.mtime == b.mtime);
  field("version", a.version == b.version);
  field("cversion", a.cversion == b.cversion);
  field("aversion", a.aversion == b.aversion);
  field("ephemeral_owner", a.ephemeral_owner == b.ephemeral_owner);
  field("children", a.children == b.children);
  return d;
}

// Requires that got holds want's tree, sessions (ids, timeouts, passwords)
// and zxid counter.
void RequireSameState(const Database& want, const Database& got) {
  const znode::DataTree& a = want.tree();
  const znode::DataTree& b = got.tree();
  CHECK(b.NodeCount() == a.NodeCount());
  CHECK(b.ApproximateDataSize() == a.ApproximateDataSize());
  CHECK(b.last_processed_zxid() == a.last_processed_zxid());
  CHECK(got.last_assigned_zxid() == want.last_assigned_zxid());
  CHECK(b.Containers() == a.Containers());
  CHECK(b.TtlNodes() == a.TtlNodes());
  CHECK(b.AllEphemerals() == a.AllEphemerals());

  std::vector<std::string> diffs;
  std::vector<std::string> stack = {"/"};
  while (!stack.empty() && diffs.size() < 10) {
    std::string path = std::move(stack.back());
    stack.pop_back();
    const znode::Node* x = a.Find(path);
    const znode::Node* y = b.Find(path);
    REQUIRE(x != nullptr);
    if (y == nullptr) {
      diffs.push_back(path + ": missing");
    } else if (std::string d = DiffNode(a, *x, b, *y); !d.empty()) {
      diffs.push_back(path + ": " + d);
    }
    for (const auto& c : x->children) stack.push_back(ChildPath(path, c));
  }
  std::string all;
  for (const auto& d : diffs) all += "\n  " + d;
  INFO("first differences:" << all);
  CHECK(diffs.empty());

  REQUIRE(got.sessions().size() == want.sessions().size());
  for (const auto& [id, s] : want.sessions().all()) {
    INFO("session " << Hex(id));
    const cairn::session::Session* r = got.sessions().Find(id);
    REQUIRE(r != nullptr);
    CHECK(r->timeout_ms == s.timeout_ms);
    CHECK(r->passwd == s.passwd);
  }
}

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
    leveldb::Status s = leveldb::DB::Open(o, kLogDir, &raw);
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
  Database db(kTick, Extended());
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
  Writer w;
  w.NewEpoch(1);
  for (int round = 0; round < 3; ++round) {
    Workload(w, round);
    w.Flush(*log);
  }
  Database db(kTick, Extended());
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
  Writer w;
  w.NewEpoch(1);
  Workload(w, 0);
  w.Flush(*log);
  int64_t older = w.Snapshot(&f.env);
  Workload(w, 1);
  w.Flush(*log);
  int64_t snap = w.Snapshot(&f.env);
  Workload(w, 2);
  w.NewEpoch(2);  // the log after the snapshot crosses into a new epoch
  Workload(w, 3);
  w.Flush(*log);
  REQUIRE(older < snap);

  Writer restored;
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
  for (Writer* x : {&w, &restored}) {
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
  Writer w;
  w.NewEpoch(1);
  Workload(w, 0);
  w.Flush(*log);
  int64_t older = w.Snapshot(&f.env);
  Workload(w, 1);
  w.Flush(*log);
  int64_t newest = w.Snapshot(&f.env);
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

  Database db(kTick, Extended());
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
  Writer w;
  w.NewEpoch(1);
  Workload(w, 0);
  w.Flush(*log);
  int64_t a = w.Snapshot(&f.env);
  Workload(w, 1);
  w.Flush(*log);
  int64_t b = w.Snapshot(&f.env);
  for (int64_t z : {a, b}) f.env.FlipByte(SnapPath(z), f.env.ReadFile(SnapPath(z)).size() / 2);

  Database db(kTick, Extended());
  RecoveryReport report = f.MustRecover(*log, &db);
  CHECK(report.snapshot_zxid == 0);
  CHECK(report.rejected_snapshots.size() == 2);
  CHECK(report.replayed_txns == static_cast<int64_t>(w.all.size()));
  RequireSameState(w.db, db);
}

TEST_CASE("Recover: a leftover temp snapshot is ignored and removed", "[server][storage]") {
  Fixture f;
  auto log = f.OpenLog();
  Writer w;
  w.NewEpoch(1);
  Workload(w, 0);
  w.Flush(*log);
  int64_t snap = w.Snapshot(&f.env);
  Workload(w, 1);
  w.Flush(*log);
  std::string tmp = SnapPath(w.db.last_assigned_zxid()) + ".tmp";
  f.env.WriteFile(tmp, "half a snapshot");

  Database db(kTick, Extended());
  RecoveryReport report = f.MustRecover(*log, &db);
  CHECK(report.snapshot_zxid == snap);
  CHECK(report.rejected_snapshots.empty());
  CHECK_FALSE(f.env.FileExists(tmp));
  RequireSameState(w.db, db);
}

TEST_CASE("Recover: a log purged behind a snapshot that is gone is refused", "[server][storage]") {
  Fixture f;
  auto log = f.OpenLog();
  Writer w;
  w.NewEpoch(1);
  Workload(w, 0);
  w.Flush(*log);
  int64_t older = w.Snapshot(&f.env);
  Workload(w, 1);
  w.Flush(*log);
  int64_t snap = w.Snapshot(&f.env);
  Workload(w, 2);
  w.Flush(*log);
  REQUIRE(log->DropThrough(snap));

  {
    // With the snapshot at the purge point present, the purge is harmless.
    Database db(kTick, Extended());
    RecoveryReport report = f.MustRecover(*log, &db);
    CHECK(report.snapshot_zxid == snap);
    CHECK(report.replayed_txns == CountAfter(w.all, snap));
    RequireSameState(w.db, db);
  }

  SECTION("the snapshot deleted, an older one left") {
    REQUIRE(f.env.RemoveFile(SnapPath(snap)).ok());
    Database db(kTick, Extended());
    RequireCorruption(f.Recover(*log, &db),
                      {"dropped", Hex(snap), "no snapshot at or after it", kSnapDir});
  }
  SECTION("every snapshot deleted") {
    REQUIRE(f.env.RemoveFile(SnapPath(snap)).ok());
    REQUIRE(f.env.RemoveFile(SnapPath(older)).ok());
    Database db(kTick, Extended());
    RequireCorruption(f.Recover(*log, &db), {"dropped", Hex(snap), "no snapshot at or after it"});
  }
  SECTION("the snapshot corrupt") {
    f.env.FlipByte(SnapPath(snap), f.env.ReadFile(SnapPath(snap)).size() / 2);
    Database db(kTick, Extended());
    RequireCorruption(f.Recover(*log, &db), {"dropped", Hex(snap), "do not verify", SnapPath(snap)});
  }
}

TEST_CASE("Recover: a gap in the log is Corruption naming it", "[server][storage]") {
  Fixture f;
  Writer w;
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
    Database db(kTick, Extended());
    RequireCorruption(f.Recover(*log, &db),
                      {"gap", Hex(w.all[hole + 1].zxid) + " follows " + Hex(w.all[hole - 1].zxid)});
  }
  SECTION("the record right after the snapshot missing") {
    auto log = f.OpenLog();
    w.Flush(*log);
    snap = w.Snapshot(&f.env);
    Workload(w, 1);
    w.Flush(*log);
    log.reset();
    Delete(f.RawLog().get(), snap + 1);
    log = f.OpenLog();
    Database db(kTick, Extended());
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
    Database db(kTick, Extended());
    RequireCorruption(f.Recover(*log, &db), {"gap", Hex(Z(2, 2))});
  }
}

TEST_CASE("Recover: a hole in the log behind the snapshot does not matter", "[server][storage]") {
  Fixture f;
  auto log = f.OpenLog();
  Writer w;
  w.NewEpoch(1);
  Workload(w, 0);
  w.Flush(*log);
  int64_t snap = w.Snapshot(&f.env);
  Workload(w, 1);
  w.Flush(*log);
  log.reset();
  Delete(f.RawLog().get(), snap - 3);
  log = f.OpenLog();
  Database db(kTick, Extended());
  RecoveryReport report = f.MustRecover(*log, &db);
  CHECK(report.snapshot_zxid == snap);
  RequireSameState(w.db, db);
}

TEST_CASE("Recover: a bad record before the tail is Corruption", "[server][storage]") {
  Fixture f;
  Writer w;
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
  Database db(kTick, Extended());
  RequireCorruption(f.Recover(*log, &db), words);
}

TEST_CASE("Recover: a torn last record is dropped at open and recovery goes on without it",
          "[server][storage]") {
  Fixture f;
  Writer want;  // everything but the last txn
  want.NewEpoch(1);
  Workload(want, 0);
  Writer w;
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
  Database db(kTick, Extended());
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
  Writer w;
  w.NewEpoch(1);
  auto log = f.OpenLog(true);
  int64_t snap = 0;
  for (int round = 0; round < 4; ++round) {
    Workload(w, round);
    w.Flush(*log);
    if (round == 1) snap = w.Snapshot(&f.env);
  }
  int64_t synced_last = w.all.back().zxid;

  SECTION("nothing unsynced") {
    log.reset();
    f.env.Crash();
    log = f.OpenLog();
    Database db(kTick, Extended());
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
    Database db(kTick, Extended());
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
  Writer w;
  w.NewEpoch(1);
  Workload(w, 0);  // sessions kSession (4 s) and kOtherSession (10 s)
  w.CreateSession(kThirdSession, 6000);
  w.Create("/r0/eph3", kEphemeral, "", kThirdSession);
  w.Flush(*log);
  w.Snapshot(&f.env);
  w.CloseSession(kOtherSession);
  const int64_t kFourth = 0x0100000000000004LL;
  w.CreateSession(kFourth, 8000);  // created by the log replay, at recovery time
  w.Flush(*log);

  Database db(kTick, Extended());
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
