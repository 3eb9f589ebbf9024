// Exercises TxnLog on the fault-injecting in-memory env (and once on the real
// filesystem, for LevelDB's lock): reads, truncation, purge and epochs across
// reopen, crashes with and without sync, torn writes, and records corrupted
// behind the log's back through a raw LevelDB handle.
#include "zab/storage/txn_log.h"

#include <leveldb/db.h>
#include <leveldb/iterator.h>
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/crc32c.h"
#include "base/endian.h"
#include "base/hex.h"
#include "unit/support/fault_env.h"
#include "unit/support/log_records.h"

using cairn::ErrorKind;
using cairn::storage::LogRecord;
using cairn::storage::TxnLog;
using cairn::storage::TxnLogOptions;
using cairn::testing::Counters;
using cairn::testing::FaultEnv;
using cairn::testing::ScanAll;
using cairn::testing::Z;
using cairn::testing::Zxids;

namespace {

int64_t Counter(int64_t zxid) { return zxid & 0xffffffff; }

std::string TxnFor(int64_t zxid) { return "txn-" + cairn::Hex(zxid) + std::string(zxid % 7, '.'); }

std::unique_ptr<TxnLog> OpenLog(cairn::storage::StorageEnv* env, const std::string& dir,
                                bool sync = true) {
  auto log = TxnLog::Open(env, dir, TxnLogOptions{sync});
  if (!log) FAIL("open " << dir << ": " << log.error().ToString());
  return std::move(log).value();
}

// Appends counters [from, to] of epoch 1, one batch per record.
void AppendEach(TxnLog* log, int64_t from, int64_t to) {
  for (int64_t i = from; i <= to; ++i) REQUIRE_OK(log->Append({LogRecord{Z(i), TxnFor(Z(i))}}));
}

// The record layout of txn_log.h, rebuilt independently.
std::string Key(int64_t zxid) {
  std::string key;
  cairn::PutBigEndian64(&key, static_cast<uint64_t>(zxid));
  return key;
}
std::string Value(int64_t zxid, const std::string& txn) {
  std::string value;
  cairn::PutBigEndian32(&value, cairn::Crc32c(Key(zxid) + txn));
  return value + txn;
}

std::unique_ptr<leveldb::DB> RawDb(leveldb::Env* env, const std::string& dir) {
  leveldb::Options o;
  o.env = env;
  leveldb::DB* raw = nullptr;
  leveldb::Status s = leveldb::DB::Open(o, dir, &raw);
  if (!s.ok()) FAIL("raw open " << dir << ": " << s.ToString());
  return std::unique_ptr<leveldb::DB>(raw);
}

// The directory of the segment holding zxid (the log must be closed).
std::string SegmentOf(cairn::storage::StorageEnv* env, const std::string& dir, int64_t zxid) {
  auto listed = cairn::storage::ListSegments(env, dir);
  REQUIRE(listed);
  std::string path;
  for (const auto& e : listed.value()) {
    if (e.first_zxid <= zxid) path = e.path;
  }
  REQUIRE(!path.empty());
  return path;
}

// Overwrites one record's value behind the TxnLog's back (the log must be closed).
void PutRaw(cairn::storage::StorageEnv* env, const std::string& dir, int64_t zxid,
            const std::string& value) {
  auto db = RawDb(env, SegmentOf(env, dir, zxid));
  leveldb::WriteOptions wo;
  wo.sync = true;
  leveldb::Status s = db->Put(wo, Key(zxid), value);
  REQUIRE(s.ok());
}

// Records 1..n, each checked against the bytes it was written with.
void CheckPrefix(const std::vector<LogRecord>& records, int64_t n) {
  REQUIRE(Zxids(records) == Counters(1, n));
  for (const auto& r : records) CHECK(r.txn == TxnFor(r.zxid));
}

}  // namespace

TEST_CASE("TxnLog: an empty log has zero bounds and scans nothing", "[storage]") {
  FaultEnv env;
  auto log = OpenLog(&env, "/txn-empty");
  CHECK(log->last_zxid() == 0);
  CHECK(log->first_zxid() == 0);
  CHECK(log->purged_through() == 0);
  CHECK(log->accepted_epoch() == 0);
  CHECK(log->current_epoch() == 0);
  CHECK_FALSE(log->torn_tail_zxid().has_value());
  CHECK(ScanAll(*log).empty());
  CHECK(log->dir() == "/txn-empty");
  REQUIRE_OK(log->Append({}));  // an empty batch is a no-op
  CHECK(log->last_zxid() == 0);
}

TEST_CASE("TxnLog: appended records read back in zxid order with their bytes", "[storage]") {
  FaultEnv env;
  auto log = OpenLog(&env, "/txn-append");
  // Batches of different sizes, zxids with gaps and an epoch change.
  const std::vector<int64_t> zxids = {Z(1), Z(2), Z(3), Z(10), Z(11), Z(1, 2), Z(5, 2), Z(0x7fffffff, 3)};
  REQUIRE_OK(log->Append({{zxids[0], TxnFor(zxids[0])}}));
  REQUIRE_OK(log->Append({{zxids[1], TxnFor(zxids[1])}, {zxids[2], TxnFor(zxids[2])},
                          {zxids[3], TxnFor(zxids[3])}}));
  REQUIRE_OK(log->Append({{zxids[4], ""}}));  // an empty txn is a record too
  REQUIRE_OK(log->Append({{zxids[5], TxnFor(zxids[5])}, {zxids[6], std::string(100000, 'x')}}));
  REQUIRE_OK(log->Append({{zxids[7], std::string("\0\xff\x00", 3)}}));
  CHECK(log->first_zxid() == zxids.front());
  CHECK(log->last_zxid() == zxids.back());

  auto all = ScanAll(*log);
  REQUIRE(Zxids(all) == zxids);
  CHECK(all[0].txn == TxnFor(zxids[0]));
  CHECK(all[3].txn == TxnFor(zxids[3]));
  CHECK(all[4].txn.empty());
  CHECK(all[6].txn == std::string(100000, 'x'));
  CHECK(all[7].txn == std::string("\0\xff\x00", 3));

  SECTION("Scan honours inclusive bounds that need not be record zxids") {
    std::vector<int64_t> seen;
    REQUIRE_OK(log->Scan(Z(2), Z(10), [&](LogRecord& r) {
      seen.push_back(r.zxid);
      return true;
    }));
    CHECK(seen == std::vector<int64_t>{Z(2), Z(3), Z(10)});
    seen.clear();
    REQUIRE_OK(log->Scan(Z(4), Z(2, 2), [&](LogRecord& r) {
      seen.push_back(r.zxid);
      return true;
    }));
    CHECK(seen == std::vector<int64_t>{Z(10), Z(11), Z(1, 2)});
  }
  SECTION("Scan stops when the callback returns false") {
    int calls = 0;
    REQUIRE_OK(log->Scan(0, cairn::testing::kMaxZxid, [&](LogRecord&) { return ++calls < 3; }));
    CHECK(calls == 3);
  }
  SECTION("Scan beyond the last record sees nothing") {
    int calls = 0;
    REQUIRE_OK(log->Scan(zxids.back() + 1, cairn::testing::kMaxZxid, [&](LogRecord&) { return ++calls > 0; }));
    CHECK(calls == 0);
  }
}

TEST_CASE("TxnLog: records are stored in the documented key and value layout", "[storage]") {
  FaultEnv env;
  {
    auto log = OpenLog(&env, "/txn-layout");
    AppendEach(log.get(), 1, 3);
    REQUIRE_OK(log->SetAcceptedEpoch(7));
  }
  // The records, in one segment named for the first of them.
  auto listed = cairn::storage::ListSegments(&env, "/txn-layout");
  REQUIRE(listed);
  REQUIRE(listed.value().size() == 1);
  CHECK(listed.value()[0].path == "/txn-layout/seg-0000000100000001");
  auto db = RawDb(&env, listed.value()[0].path);
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(leveldb::ReadOptions()));
  it->SeekToFirst();
  for (int64_t i = 1; i <= 3; ++i) {
    REQUIRE(it->Valid());
    CHECK(it->key().ToString() == Key(Z(i)));
    CHECK(it->value().ToString() == Value(Z(i), TxnFor(Z(i))));
    it->Next();
  }
  CHECK_FALSE(it->Valid());
  // The metadata in its own database, under 0xff-prefixed keys.
  auto meta = RawDb(&env, "/txn-layout/meta");
  std::unique_ptr<leveldb::Iterator> m(meta->NewIterator(leveldb::ReadOptions()));
  m->SeekToFirst();
  REQUIRE(m->Valid());
  CHECK(m->key().ToString() == "\xff" "acceptedEpoch");
  std::string v;
  cairn::PutBigEndian64(&v, 7);
  cairn::PutBigEndian32(&v, cairn::Crc32c(v));
  CHECK(m->value().ToString() == v);
}

TEST_CASE("TxnLog: ReadRange honours its bounds and max_bytes but returns at least one record",
          "[storage]") {
  FaultEnv env;
  auto log = OpenLog(&env, "/txn-readrange");
  for (int64_t i = 1; i <= 10; ++i) REQUIRE_OK(log->Append({{Z(i), std::string(100, 'a' + i)}}));

  auto range = [&](int64_t from, int64_t to, size_t max_bytes) {
    auto r = log->ReadRange(from, to, max_bytes);
    if (!r) FAIL("ReadRange: " << r.error().ToString());
    return Zxids(r.value());
  };
  CHECK(range(Z(3), Z(7), 1 << 20) == Counters(3, 7));
  CHECK(range(0, cairn::testing::kMaxZxid, 1 << 20) == Counters(1, 10));
  CHECK(range(Z(3), Z(7), 300) == Counters(3, 5));  // exactly fits
  CHECK(range(Z(3), Z(7), 299) == Counters(3, 4));
  CHECK(range(Z(3), Z(7), 100) == Counters(3, 3));
  CHECK(range(Z(3), Z(7), 1) == Counters(3, 3));  // too small, still one record
  CHECK(range(Z(3), Z(7), 0) == Counters(3, 3));
  CHECK(range(Z(7), Z(7), 0) == Counters(7, 7));
  CHECK(range(Z(11), cairn::testing::kMaxZxid, 1 << 20).empty());
  CHECK(range(Z(6), Z(5), 1 << 20).empty());  // from > to

  auto bytes = log->ReadRange(Z(2), Z(2), 1 << 20);
  REQUIRE(bytes);
  REQUIRE(bytes.value().size() == 1);
  CHECK(bytes.value()[0].txn == std::string(100, 'a' + 2));
}

TEST_CASE("TxnLog: TruncateAfter deletes every record above the zxid, durably", "[storage]") {
  FaultEnv env;
  const std::string dir = "/txn-truncate";
  {
    auto log = OpenLog(&env, dir);
    AppendEach(log.get(), 1, 10);
    REQUIRE_OK(log->TruncateAfter(Z(12)));  // above the end: nothing to do
    CHECK(log->last_zxid() == Z(10));
    REQUIRE_OK(log->TruncateAfter(Z(6)));
    CHECK(log->last_zxid() == Z(6));
    CHECK(log->first_zxid() == Z(1));
    CheckPrefix(ScanAll(*log), 6);
    // The truncated zxids can be written again, with new contents.
    REQUIRE_OK(log->Append({{Z(7), "second-7"}}));
    CHECK(log->last_zxid() == Z(7));
  }
  env.Crash();  // TruncateAfter is always synced
  {
    auto log = OpenLog(&env, dir);
    CHECK(log->last_zxid() == Z(7));
    auto all = ScanAll(*log);
    REQUIRE(Zxids(all) == Counters(1, 7));
    CHECK(all.back().txn == "second-7");
    REQUIRE_OK(log->TruncateAfter(0));
    CHECK(log->last_zxid() == 0);
    CHECK(log->first_zxid() == 0);
    CHECK(ScanAll(*log).empty());
  }
  auto log = OpenLog(&env, dir);
  CHECK(log->last_zxid() == 0);
  CHECK(ScanAll(*log).empty());
}

TEST_CASE("TxnLog: DropThrough deletes records at or below the zxid and remembers it across reopen",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/txn-drop";
  {
    auto log = OpenLog(&env, dir);
    AppendEach(log.get(), 1, 10);
    REQUIRE_OK(log->DropThrough(Z(4)));
    CHECK(log->purged_through() == Z(4));
    CHECK(log->first_zxid() == Z(5));
    CHECK(log->last_zxid() == Z(10));
    CHECK(Zxids(ScanAll(*log)) == Counters(5, 10));
    REQUIRE_OK(log->DropThrough(Z(2)));  // behind the mark: nothing changes
    CHECK(log->purged_through() == Z(4));
  }
  env.Crash();  // DropThrough is always synced
  {
    auto log = OpenLog(&env, dir);
    CHECK(log->purged_through() == Z(4));
    CHECK(log->first_zxid() == Z(5));
    CHECK(log->last_zxid() == Z(10));
    CHECK(Zxids(ScanAll(*log)) == Counters(5, 10));
    // Dropping past the end empties the log but keeps the mark.
    REQUIRE_OK(log->DropThrough(Z(20)));
    CHECK(log->purged_through() == Z(20));
    CHECK(log->first_zxid() == 0);
    CHECK(log->last_zxid() == 0);
  }
  env.Crash();
  auto log = OpenLog(&env, dir);
  CHECK(log->purged_through() == Z(20));
  CHECK(log->first_zxid() == 0);
  CHECK(log->last_zxid() == 0);
  CHECK(ScanAll(*log).empty());
  REQUIRE_OK(log->Append({{Z(21), TxnFor(Z(21))}}));
  CHECK(log->first_zxid() == Z(21));
  CHECK(log->last_zxid() == Z(21));
}

TEST_CASE("TxnLog: epochs persist across reopen and a crash", "[storage]") {
  FaultEnv env;
  const std::string dir = "/txn-epochs";
  {
    auto log = OpenLog(&env, dir);
    REQUIRE_OK(log->SetAcceptedEpoch(3));
    REQUIRE_OK(log->SetCurrentEpoch(2));
    CHECK(log->accepted_epoch() == 3);
    CHECK(log->current_epoch() == 2);
  }
  env.Crash();  // epochs are synced before the setters return
  {
    auto log = OpenLog(&env, dir);
    CHECK(log->accepted_epoch() == 3);
    CHECK(log->current_epoch() == 2);
    // Metadata alone is not a record.
    CHECK(log->last_zxid() == 0);
    CHECK(log->first_zxid() == 0);
    REQUIRE_OK(log->SetCurrentEpoch(3));
    REQUIRE_OK(log->SetAcceptedEpoch(0x7fffffffffLL));
  }
  env.Crash();
  auto log = OpenLog(&env, dir);
  CHECK(log->accepted_epoch() == 0x7fffffffffLL);
  CHECK(log->current_epoch() == 3);
}

TEST_CASE("TxnLog: reopen preserves last and first zxid", "[storage]") {
  FaultEnv env;
  const std::string dir = "/txn-reopen";
  {
    auto log = OpenLog(&env, dir);
    AppendEach(log.get(), 3, 9);
    REQUIRE_OK(log->SetAcceptedEpoch(1));  // a metadata key after the records
  }
  {
    auto log = OpenLog(&env, dir);
    CHECK(log->first_zxid() == Z(3));
    CHECK(log->last_zxid() == Z(9));
    CHECK_FALSE(log->torn_tail_zxid().has_value());
    AppendEach(log.get(), 10, 12);
  }
  auto log = OpenLog(&env, dir);
  CHECK(log->first_zxid() == Z(3));
  CHECK(log->last_zxid() == Z(12));
  CHECK(Zxids(ScanAll(*log)) == Counters(3, 12));
}

TEST_CASE("TxnLog: every record appended with sync survives a crash", "[storage]") {
  FaultEnv env;
  const std::string dir = "/txn-synced-crash";
  {
    auto log = OpenLog(&env, dir, /*sync=*/true);
    AppendEach(log.get(), 1, 50);
    std::vector<LogRecord> batch;
    for (int64_t i = 51; i <= 60; ++i) batch.push_back({Z(i), TxnFor(Z(i))});
    REQUIRE_OK(log->Append(batch));
  }
  env.Crash();
  {
    auto log = OpenLog(&env, dir);
    CHECK(log->last_zxid() == Z(60));
    CHECK_FALSE(log->torn_tail_zxid().has_value());
    CheckPrefix(ScanAll(*log), 60);
    AppendEach(log.get(), 61, 70);
  }
  env.Crash();  // a second crash after recovery rewrote LevelDB's files
  auto log = OpenLog(&env, dir);
  CheckPrefix(ScanAll(*log), 70);
}

TEST_CASE("TxnLog: unsynced records may be lost in a crash but the log reopens as a prefix",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/txn-unsynced-crash";
  {
    auto log = OpenLog(&env, dir, /*sync=*/true);
    AppendEach(log.get(), 1, 5);
  }
  {
    auto log = OpenLog(&env, dir, /*sync=*/false);
    AppendEach(log.get(), 6, 40);
  }
  env.Crash();
  auto log = OpenLog(&env, dir);
  int64_t last = log->last_zxid();
  INFO("survived through " << cairn::Hex(last));
  CHECK(last >= Z(5));
  CHECK(last <= Z(40));
  CheckPrefix(ScanAll(*log), Counter(last));
  // And the log carries on from where it stopped.
  REQUIRE_OK(log->Append({{last + 1, TxnFor(last + 1)}}));
  CHECK(log->last_zxid() == last + 1);
}

TEST_CASE("TxnLog: a torn crash never loses a synced record and never fails Open", "[storage]") {
  for (size_t torn : {0, 1, 2, 3, 6, 7, 8, 11, 12, 19, 30, 31, 40, 57, 64, 100, 150, 333, 1000,
                      4096, 100000}) {
    INFO("torn_bytes = " << torn);
    FaultEnv env;
    const std::string dir = "/txn-torn-" + std::to_string(torn);
    {
      auto log = OpenLog(&env, dir, /*sync=*/true);
      AppendEach(log.get(), 1, 5);
    }
    {
      auto log = OpenLog(&env, dir, /*sync=*/false);
      AppendEach(log.get(), 6, 40);
      REQUIRE_OK(log->Append({{Z(41), std::string(70000, 'w')}}));  // spans LevelDB log blocks
    }
    env.Crash(torn);
    auto opened = TxnLog::Open(&env, dir, TxnLogOptions{});
    REQUIRE(opened);
    auto& log = opened.value();
    int64_t last = log->last_zxid();
    INFO("survived through " << cairn::Hex(last));
    CHECK(last >= Z(5));
    auto all = ScanAll(*log);
    REQUIRE(Zxids(all) == Counters(1, Counter(last)));
    for (const auto& r : all) {
      if (r.zxid == Z(41)) {
        CHECK(r.txn == std::string(70000, 'w'));
      } else {
        CHECK(r.txn == TxnFor(r.zxid));
      }
    }
  }
}

TEST_CASE("TxnLog: a last record failing its checksum is deleted at Open and reported",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/txn-torn-tail";
  {
    auto log = OpenLog(&env, dir);
    AppendEach(log.get(), 1, 5);
    REQUIRE_OK(log->SetCurrentEpoch(1));  // metadata sorts after the bad record
  }
  SECTION("the txn bytes changed under a stale checksum") {
    std::string bad = Value(Z(5), TxnFor(Z(5)));
    bad.back() ^= 0x01;
    PutRaw(&env, dir, Z(5), bad);
  }
  SECTION("the checksum itself is wrong") {
    std::string bad = Value(Z(5), TxnFor(Z(5)));
    bad[0] ^= 0x40;
    PutRaw(&env, dir, Z(5), bad);
  }
  SECTION("the value is shorter than a checksum") {
    PutRaw(&env, dir, Z(5), "ab");
  }
  {
    auto log = OpenLog(&env, dir);
    REQUIRE(log->torn_tail_zxid().has_value());
    CHECK(*log->torn_tail_zxid() == Z(5));
    CHECK(log->last_zxid() == Z(4));
    CHECK(log->first_zxid() == Z(1));
    CHECK(log->current_epoch() == 1);
    CheckPrefix(ScanAll(*log), 4);
  }
  env.Crash();  // the deletion was synced
  auto log = OpenLog(&env, dir);
  CHECK_FALSE(log->torn_tail_zxid().has_value());
  CHECK(log->last_zxid() == Z(4));
  CheckPrefix(ScanAll(*log), 4);
  AppendEach(log.get(), 5, 5);
  CheckPrefix(ScanAll(*log), 5);
}

TEST_CASE("TxnLog: an earlier record failing its checksum makes Scan fail with Corruption naming it",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/txn-corrupt-middle";
  {
    auto log = OpenLog(&env, dir);
    AppendEach(log.get(), 1, 5);
  }
  std::string bad = Value(Z(3), TxnFor(Z(3)));
  bad[5] ^= 0x10;
  PutRaw(&env, dir, Z(3), bad);

  auto log = OpenLog(&env, dir);  // only the last record is checked at Open
  CHECK_FALSE(log->torn_tail_zxid().has_value());
  CHECK(log->last_zxid() == Z(5));

  std::vector<int64_t> seen;
  auto scanned = log->Scan(0, cairn::testing::kMaxZxid, [&](LogRecord& r) {
    seen.push_back(r.zxid);
    return true;
  });
  REQUIRE_FALSE(scanned);
  CHECK(scanned.error().kind() == ErrorKind::kCorruption);
  CHECK_THAT(scanned.error().message(), Catch::Contains(cairn::Hex(Z(3))));
  CHECK(seen == Counters(1, 2));  // it stops at the hole, never skips it

  auto range = log->ReadRange(Z(2), Z(4), 1 << 20);
  REQUIRE_FALSE(range);
  CHECK(range.error().kind() == ErrorKind::kCorruption);

  // Ranges that avoid the bad record still read.
  auto after = log->ReadRange(Z(4), cairn::testing::kMaxZxid, 1 << 20);
  REQUIRE(after);
  CHECK(Zxids(after.value()) == Counters(4, 5));
}

namespace {

// A fresh directory on the real filesystem, removed with everything in it.
struct TempDir {
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cairn-txnlog-XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    if (made == nullptr) FAIL("mkdtemp " << tmpl);
    path = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string path;
};

}  // namespace

TEST_CASE("TxnLog: a second Open of a directory fails while the first holds it", "[storage]") {
  TempDir tmp;
  const std::string dir = tmp.path + "/log";
  auto* env = cairn::storage::PosixStorageEnv();
  {
    auto first = OpenLog(env, dir);
    AppendEach(first.get(), 1, 3);
    auto second = TxnLog::Open(env, dir, TxnLogOptions{});
    REQUIRE_FALSE(second);
    CHECK(second.error().kind() == ErrorKind::kIo);
    CHECK_THAT(second.error().message(), Catch::Contains(dir));
    // The failed attempt did not disturb the holder.
    AppendEach(first.get(), 4, 4);
    CHECK(first->last_zxid() == Z(4));
  }
  auto again = OpenLog(env, dir);  // released on close
  CheckPrefix(ScanAll(*again), 4);
}

// ---- segments ---------------------------------------------------------------

namespace {

// A log whose segments roll after a few hundred bytes.
std::unique_ptr<TxnLog> OpenSmallSegments(cairn::storage::StorageEnv* env, const std::string& dir,
                                          bool sync = true) {
  TxnLogOptions o;
  o.sync = sync;
  o.segment_bytes = 300;
  auto log = TxnLog::Open(env, dir, o);
  if (!log) FAIL("open " << dir << ": " << log.error().ToString());
  return std::move(log).value();
}

// The first zxids of the segments on disk, oldest first.
std::vector<int64_t> SegmentFirsts(cairn::storage::StorageEnv* env, const std::string& dir) {
  auto listed = cairn::storage::ListSegments(env, dir);
  REQUIRE(listed);
  std::vector<int64_t> out;
  for (const auto& e : listed.value()) {
    CHECK(e.complete);
    out.push_back(e.first_zxid);
  }
  return out;
}

// Records 1..60 in a log of small segments, closed again; the segments'
// first zxids, oldest first.
std::vector<int64_t> WriteSmallSegments(cairn::storage::StorageEnv* env, const std::string& dir) {
  {
    auto log = OpenSmallSegments(env, dir);
    AppendEach(log.get(), 1, 60);
  }
  std::vector<int64_t> firsts = SegmentFirsts(env, dir);
  REQUIRE(firsts.size() >= 4);
  return firsts;
}

}  // namespace

TEST_CASE("TxnLog: records span segments and read back, reopen and truncate across them",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/txn-segments";
  {
    auto log = OpenSmallSegments(&env, dir);
    AppendEach(log.get(), 1, 60);
    CheckPrefix(ScanAll(*log), 60);
  }
  std::vector<int64_t> firsts = SegmentFirsts(&env, dir);
  REQUIRE(firsts.size() >= 4);
  CHECK(firsts.front() == Z(1));
  env.Crash();
  auto log = OpenSmallSegments(&env, dir);
  CHECK(log->first_zxid() == Z(1));
  CHECK(log->last_zxid() == Z(60));
  CheckPrefix(ScanAll(*log), 60);
  auto range = log->ReadRange(firsts[1] - 2, firsts[2] + 1, 1 << 20);  // crosses two boundaries
  REQUIRE(range);
  CHECK(Zxids(range.value()) == Counters(Counter(firsts[1]) - 2, Counter(firsts[2]) + 1));

  // Truncating into the second segment deletes every newer one.
  REQUIRE_OK(log->TruncateAfter(firsts[1] + 1));
  CHECK(log->last_zxid() == firsts[1] + 1);
  CHECK(SegmentFirsts(&env, dir) == std::vector<int64_t>{firsts[0], firsts[1]});
  CheckPrefix(ScanAll(*log), Counter(firsts[1]) + 1);
  // Truncating to the end of a segment leaves no empty one behind.
  REQUIRE_OK(log->TruncateAfter(firsts[1] - 1));
  CHECK(SegmentFirsts(&env, dir) == std::vector<int64_t>{firsts[0]});
  REQUIRE_OK(log->Append({{firsts[1], "again"}}));
  log.reset();
  env.Crash();
  log = OpenSmallSegments(&env, dir);
  CHECK(log->last_zxid() == firsts[1]);
}

TEST_CASE("TxnLog: DropThrough deletes the segments behind the mark and hides the rest",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/txn-segment-drop";
  auto log = OpenSmallSegments(&env, dir);
  AppendEach(log.get(), 1, 60);
  std::vector<int64_t> firsts = SegmentFirsts(&env, dir);
  REQUIRE(firsts.size() >= 4);
  // Through the middle of the third segment: the first two go, the third
  // stays but shows only the records above the mark.
  const int64_t mark = firsts[2] + 1;
  REQUIRE_OK(log->DropThrough(mark));
  std::vector<int64_t> left = SegmentFirsts(&env, dir);
  CHECK(left == std::vector<int64_t>(firsts.begin() + 2, firsts.end()));
  CHECK(log->first_zxid() == mark + 1);
  CHECK(Zxids(ScanAll(*log)) == Counters(Counter(mark) + 1, 60));
  auto below = log->ReadRange(Z(1), mark, 1 << 20);
  REQUIRE(below);
  CHECK(below.value().empty());
  log.reset();
  env.Crash();
  log = OpenSmallSegments(&env, dir);
  CHECK(log->purged_through() == mark);
  CHECK(log->first_zxid() == mark + 1);
  CHECK(Zxids(ScanAll(*log)) == Counters(Counter(mark) + 1, 60));
}

TEST_CASE("TxnLog: Open removes segments a crash left half created or half deleted",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/txn-segment-crash";
  const std::vector<int64_t> firsts = WriteSmallSegments(&env, dir);
  const std::string oldest = dir + "/" + cairn::storage::SegmentName(firsts[0]);
  const std::string newest = dir + "/" + cairn::storage::SegmentName(firsts.back());
  SECTION("a deletion behind the purge mark cut short") {
    {
      auto log = OpenSmallSegments(&env, dir);
      REQUIRE_OK(log->DropThrough(firsts[1] - 1));  // exactly the oldest segment
    }
    // As if the crash came before the segment was gone: its files are back
    // without CURRENT, the state DestroySegment leaves first.
    env.WriteFile(oldest + "/000003.log", "leftover");
    auto log = OpenSmallSegments(&env, dir);
    CHECK(SegmentFirsts(&env, dir) == std::vector<int64_t>(firsts.begin() + 1, firsts.end()));
    CHECK(log->first_zxid() == firsts[1]);
    CHECK(Zxids(ScanAll(*log)) == Counters(Counter(firsts[1]), 60));
  }
  SECTION("a creation cut short before CURRENT existed") {
    const std::string next = dir + "/" + cairn::storage::SegmentName(Z(61));
    env.WriteFile(next + "/MANIFEST-000001", "partial");
    auto log = OpenSmallSegments(&env, dir);
    CHECK(SegmentFirsts(&env, dir) == firsts);
    CHECK(log->last_zxid() == Z(60));
    REQUIRE_OK(log->Append({{Z(61), TxnFor(Z(61))}}));
    CheckPrefix(ScanAll(*log), 61);
  }
  SECTION("an empty newest segment") {
    {
      auto log = OpenSmallSegments(&env, dir);
      REQUIRE_OK(log->TruncateAfter(firsts.back()));
      REQUIRE_OK(log->TruncateAfter(firsts.back() - 1));  // its last record goes
    }
    CHECK(env.FileExists(newest + "/CURRENT") == false);
    auto log = OpenSmallSegments(&env, dir);
    CHECK(log->last_zxid() == firsts.back() - 1);
  }
}

TEST_CASE("TxnLog: without sync, a crash across segment rolls still leaves a prefix",
          "[storage]") {
  for (size_t torn : {0, 7, 100}) {
    INFO("torn_bytes = " << torn);
    FaultEnv env;
    const std::string dir = "/txn-segment-unsynced-" + std::to_string(torn);
    {
      auto log = OpenSmallSegments(&env, dir, /*sync=*/true);
      AppendEach(log.get(), 1, 10);
    }
    {
      auto log = OpenSmallSegments(&env, dir, /*sync=*/false);
      AppendEach(log.get(), 11, 80);
    }
    env.Crash(torn);
    auto log = OpenSmallSegments(&env, dir);
    int64_t last = log->last_zxid();
    CHECK(last >= Z(10));
    CheckPrefix(ScanAll(*log), Counter(last));
  }
}

TEST_CASE("TxnLog: a sealed segment is LevelDB's log file alone, read without being rewritten",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/txn-segment-sealed";
  auto log = OpenSmallSegments(&env, dir);
  AppendEach(log.get(), 1, 60);
  std::vector<int64_t> firsts = SegmentFirsts(&env, dir);
  REQUIRE(firsts.size() >= 4);
  const std::string second = dir + "/" + cairn::storage::SegmentName(firsts[1]);
  auto files = [&] {
    std::vector<std::string> names;
    REQUIRE(env.GetChildren(second, &names).ok());
    std::sort(names.begin(), names.end());
    return names;
  };
  const std::vector<std::string> before = files();
  std::string log_file;
  for (const auto& name : before) {
    CHECK(name.find(".ldb") == std::string::npos);  // never a table while it filled
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0) log_file = name;
  }
  REQUIRE_FALSE(log_file.empty());
  CheckPrefix(ScanAll(*log), 60);
  CHECK(files() == before);  // reading it wrote nothing

  // Open takes a sealed segment's bounds from its seal record and leaves its
  // files alone; a read still checks every record.
  log.reset();
  env.FlipByte(second + "/" + log_file, 10);
  log = OpenSmallSegments(&env, dir);
  CHECK(log->first_zxid() == Z(1));
  CHECK(log->last_zxid() == Z(60));
  auto scanned = log->Scan(Z(1), Z(60), [](LogRecord&) { return true; });
  REQUIRE_FALSE(scanned);
  CHECK_THAT(scanned.error().ToString(), Catch::Contains(second));
  // Records in other segments read as before.
  auto tail = log->ReadRange(firsts[2], Z(60), 1 << 20);
  REQUIRE(tail);
  CHECK(Zxids(tail.value()) == Counters(Counter(firsts[2]), 60));
}

TEST_CASE("TxnLog: a segment filling up is never turned into LevelDB tables", "[storage]") {
  FaultEnv env;
  const std::string dir = "/txn-segment-memtable";
  TxnLogOptions o;
  o.segment_bytes = int64_t{6} << 20;  // above LevelDB's default 4 MiB memtable
  auto opened = TxnLog::Open(&env, dir, o);
  REQUIRE(opened);
  auto log = std::move(opened).value();
  const std::string payload(1000, 'p');
  int64_t zxid = 0;
  for (int batch = 0; batch < 55; ++batch) {  // ~5.5 MB in one segment
    std::vector<LogRecord> records;
    for (int i = 0; i < 100; ++i) records.push_back({Z(++zxid), payload});
    REQUIRE_OK(log->Append(records));
  }
  std::vector<int64_t> firsts = SegmentFirsts(&env, dir);
  REQUIRE(firsts.size() == 1);
  std::vector<std::string> names;
  REQUIRE(env.GetChildren(dir + "/" + cairn::storage::SegmentName(firsts[0]), &names).ok());
  for (const auto& name : names) CHECK(name.find(".ldb") == std::string::npos);
  CHECK(log->last_zxid() == Z(zxid));
}

namespace {

// The seal records in the log's meta database (the log must be closed):
// segment name -> last zxid, as txn_log.h lays them out.
std::map<std::string, int64_t> SealRecords(leveldb::Env* env, const std::string& dir) {
  auto db = RawDb(env, dir + "/meta");
  std::map<std::string, int64_t> out;
  const std::string prefix = std::string(1, '\xff') + "sealed/";
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(leveldb::ReadOptions()));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string_view value(it->value().data(), it->value().size());
    REQUIRE(value.size() == 12);
    CHECK(cairn::GetBigEndian32(value.substr(8)) == cairn::Crc32c(value.substr(0, 8)));
    out[it->key().ToString().substr(prefix.size())] =
        static_cast<int64_t>(cairn::GetBigEndian64(value));
  }
  return out;
}

void PutSealRecord(leveldb::Env* env, const std::string& dir, const std::string& segment,
                   int64_t last) {
  auto db = RawDb(env, dir + "/meta");
  std::string value;
  cairn::PutBigEndian64(&value, static_cast<uint64_t>(last));
  cairn::PutBigEndian32(&value, cairn::Crc32c(value));
  leveldb::WriteOptions wo;
  wo.sync = true;
  REQUIRE(db->Put(wo, std::string(1, '\xff') + "sealed/" + segment, value).ok());
}

}  // namespace

TEST_CASE("TxnLog: every segment but the newest is sealed, and truncating into one reseals it",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/txn-segment-reseal";
  const std::vector<int64_t> firsts = WriteSmallSegments(&env, dir);
  auto seals = SealRecords(&env, dir);
  CHECK(seals.size() == firsts.size() - 1);
  for (size_t i = 0; i + 1 < firsts.size(); ++i) {
    CHECK(seals[cairn::storage::SegmentName(firsts[i])] == firsts[i + 1] - 1);
  }
  {
    auto log = OpenSmallSegments(&env, dir);
    REQUIRE_OK(log->TruncateAfter(firsts[1] + 1));  // into the sealed second segment
  }
  seals = SealRecords(&env, dir);
  CHECK(seals.size() == 2);
  CHECK(seals[cairn::storage::SegmentName(firsts[1])] == firsts[1] + 1);
  env.Crash();
  auto log = OpenSmallSegments(&env, dir);
  CHECK(log->last_zxid() == firsts[1] + 1);
  CheckPrefix(ScanAll(*log), Counter(firsts[1]) + 1);
  // Appends go to a new segment after a sealed one, named for their first zxid.
  REQUIRE_OK(log->Append({{firsts[1] + 2, TxnFor(firsts[1] + 2)}}));
  log.reset();
  CHECK(SegmentFirsts(&env, dir) == std::vector<int64_t>{firsts[0], firsts[1], firsts[1] + 2});
  log = OpenSmallSegments(&env, dir);
  CheckPrefix(ScanAll(*log), Counter(firsts[1]) + 2);
}

TEST_CASE("TxnLog: a log without seal records is opened whole and sealed at Open", "[storage]") {
  // Written before seal records existed, or a truncation that a crash cut
  // between deleting a seal record and writing the new one.
  FaultEnv env;
  const std::string dir = "/txn-segment-unsealed";
  const std::vector<int64_t> firsts = WriteSmallSegments(&env, dir);
  {
    const auto seals = SealRecords(&env, dir);  // before the meta database is open here
    auto db = RawDb(&env, dir + "/meta");
    leveldb::WriteOptions wo;
    wo.sync = true;
    for (const auto& [name, last] : seals) {
      REQUIRE(db->Delete(wo, std::string(1, '\xff') + "sealed/" + name).ok());
    }
  }
  REQUIRE(SealRecords(&env, dir).empty());
  {
    auto log = OpenSmallSegments(&env, dir);
    CHECK(log->first_zxid() == Z(1));
    CHECK(log->last_zxid() == Z(60));
    CheckPrefix(ScanAll(*log), 60);
  }
  CHECK(SealRecords(&env, dir).size() == firsts.size() - 1);
}

TEST_CASE("TxnLog: a crash after sealing the newest segment, before the next had a record",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/txn-segment-sealed-newest";
  const std::vector<int64_t> firsts = WriteSmallSegments(&env, dir);
  PutSealRecord(&env, dir, cairn::storage::SegmentName(firsts.back()), Z(60));
  env.Crash();
  auto log = OpenSmallSegments(&env, dir);
  CHECK(log->last_zxid() == Z(60));
  REQUIRE_OK(log->Append({{Z(61), TxnFor(Z(61))}}));
  log.reset();
  std::vector<int64_t> now = SegmentFirsts(&env, dir);
  CHECK(now.back() == Z(61));
  CHECK(now.size() == firsts.size() + 1);
  env.Crash();
  log = OpenSmallSegments(&env, dir);
  CheckPrefix(ScanAll(*log), 61);
}

TEST_CASE("TxnLog: a seal record ending before its segment's first record is Corruption",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/txn-segment-bad-seal";
  const std::vector<int64_t> firsts = WriteSmallSegments(&env, dir);
  const std::string name = cairn::storage::SegmentName(firsts[1]);
  PutSealRecord(&env, dir, name, firsts[1] - 1);
  TxnLogOptions o;
  o.segment_bytes = 300;
  auto log = TxnLog::Open(&env, dir, o);
  REQUIRE_FALSE(log);
  CHECK_THAT(log.error().ToString(), Catch::Contains(name));
}

TEST_CASE("TxnLog: over a segment straddling the purge mark, first_zxid is the mark + 1",
          "[storage]") {
  // Not the first record above the mark, which a new epoch puts further on:
  // finding it would mean reading the segment, for a sealed one replaying it
  // whole, after every purge. Reads from mark + 1 return exactly the
  // records above the mark.
  FaultEnv env;
  const std::string dir = "/txn-first-across-epochs";
  auto log = OpenLog(&env, dir);
  AppendEach(log.get(), 1, 10);
  for (int64_t i = 1; i <= 5; ++i) REQUIRE_OK(log->Append({LogRecord{Z(i, 2), TxnFor(Z(i, 2))}}));
  REQUIRE_OK(log->DropThrough(Z(10)));
  CHECK(log->first_zxid() == Z(10) + 1);
  auto rest = log->ReadRange(log->first_zxid(), log->last_zxid(), 1 << 20);
  REQUIRE(rest);
  CHECK(Zxids(rest.value()) == std::vector<int64_t>{Z(1, 2), Z(2, 2), Z(3, 2), Z(4, 2), Z(5, 2)});
  log.reset();
  log = OpenLog(&env, dir);
  CHECK(log->first_zxid() == Z(10) + 1);
}
