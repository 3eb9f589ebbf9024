// Writes snapshot files on the fault-injecting in-memory env and reads them
// back: round trips, a flipped byte in every part of the format, truncation,
// abandoned writers, crashes in a strict directory, listing and purging.
#include "zab/storage/snapshot_file.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "unit/support/fault_env.h"
#include "unit/support/log_records.h"

using cairn::ErrorKind;
using cairn::storage::ListSnapshots;
using cairn::storage::PurgeSnapshots;
using cairn::storage::RemoveTempSnapshots;
using cairn::storage::SnapshotInfo;
using cairn::storage::SnapshotName;
using cairn::storage::SnapshotReader;
using cairn::storage::SnapshotWriter;
using cairn::testing::FaultEnv;
using cairn::testing::Z;

namespace {

// What a reader got out of a file: the chunks, or the first error.
struct ReadBack {
  bool ok = false;
  ErrorKind kind = ErrorKind::kInvalidArgument;
  std::string message;
  int64_t zxid = 0;
  std::vector<std::string> chunks;
};

ReadBack ReadAll(FaultEnv* env, const std::string& path) {
  ReadBack out;
  auto reader = SnapshotReader::Open(env, path);
  if (!reader) {
    out.kind = reader.error().kind();
    out.message = reader.error().message();
    return out;
  }
  out.zxid = reader.value()->zxid();
  for (size_t guard = 0; guard < 100000; ++guard) {
    std::string chunk;
    auto next = reader.value()->Next(&chunk);
    if (!next) {
      out.kind = next.error().kind();
      out.message = next.error().message();
      return out;
    }
    if (!next.value()) {
      out.ok = true;
      // Once done, Next keeps saying so.
      auto again = reader.value()->Next(&chunk);
      if (!again || again.value()) out.ok = false;
      return out;
    }
    out.chunks.push_back(chunk);
  }
  FAIL("reader never reached the footer");
  return out;
}

std::string Committed(FaultEnv* env, const std::string& dir, int64_t zxid,
                      const std::vector<std::string>& chunks) {
  auto w = SnapshotWriter::Create(env, dir, zxid);
  if (!w) FAIL("create: " << w.error().ToString());
  for (const auto& c : chunks) REQUIRE_OK(w.value()->Add(c));
  REQUIRE_OK(w.value()->Commit());
  return w.value()->path();
}

std::vector<std::string> Children(FaultEnv* env, const std::string& dir) {
  std::vector<std::string> names;
  REQUIRE(env->GetChildren(dir, &names).ok());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<int64_t> ListedZxids(FaultEnv* env, const std::string& dir) {
  auto list = ListSnapshots(env, dir);
  if (!list) FAIL("list: " << list.error().ToString());
  std::vector<int64_t> out;
  for (const auto& s : list.value()) {
    CHECK(s.path == dir + "/" + SnapshotName(s.zxid));
    out.push_back(s.zxid);
  }
  return out;
}

const std::vector<std::string> kChunks = {"alpha", "b", std::string(300, 'c')};

}  // namespace

TEST_CASE("SnapshotFile: a committed snapshot reads back its zxid and identical chunks",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/snap-roundtrip";
  std::string binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  const std::vector<std::string> chunks = {"first", binary, std::string(200000, 'z'), "x"};

  auto w = SnapshotWriter::Create(&env, dir, Z(0x2a, 3));
  REQUIRE(w);
  CHECK(w.value()->path() == dir + "/snapshot.000000030000002a");
  for (const auto& c : chunks) REQUIRE_OK(w.value()->Add(c));
  REQUIRE_OK(w.value()->Commit());
  const std::string path = w.value()->path();
  const int64_t written = w.value()->bytes_written();
  w.value().reset();  // a committed writer's destructor keeps the file

  std::string file = env.ReadFile(path);
  CHECK(static_cast<int64_t>(file.size()) == written);
  CHECK(file.substr(0, 8) == "CAIRNSNP");
  size_t payload = 0;
  for (const auto& c : chunks) payload += c.size();
  CHECK(file.size() == 24 + 8 * chunks.size() + payload + 16);

  auto back = ReadAll(&env, path);
  INFO(back.message);
  REQUIRE(back.ok);
  CHECK(back.zxid == Z(0x2a, 3));
  CHECK(back.chunks == chunks);
  CHECK(Children(&env, dir) == std::vector<std::string>{"snapshot.000000030000002a"});
}

TEST_CASE("SnapshotFile: a snapshot with no chunks round-trips", "[storage]") {
  FaultEnv env;
  std::string path = Committed(&env, "/snap-empty", Z(1), {});
  CHECK(env.ReadFile(path).size() == 24 + 16);
  auto back = ReadAll(&env, path);
  REQUIRE(back.ok);
  CHECK(back.zxid == Z(1));
  CHECK(back.chunks.empty());
}

TEST_CASE("SnapshotFile: a flipped byte anywhere in the format is Corruption", "[storage]") {
  FaultEnv env;
  const std::string dir = "/snap-flip";
  const std::string path = Committed(&env, dir, Z(5), kChunks);
  const std::string good = env.ReadFile(path);
  // header 0..23 | chunk "alpha": len 24..27 crc 28..31 payload 32..36 |
  // chunk "b": 37..45 | chunk 300*c: len 46..49 crc 50..53 payload 54..353 |
  // footer: zero 354..357 count 358..365 crc 366..369
  REQUIRE(good.size() == 370);
  struct Flip {
    const char* part;
    size_t offset;
  };
  const std::vector<Flip> flips = {
      {"header magic", 0},         {"header magic", 7},          {"header version", 8},
      {"header version", 11},      {"header zxid", 12},          {"header zxid", 19},
      {"header crc", 20},          {"header crc", 23},           {"chunk length (high)", 24},
      {"chunk length (low)", 27},  {"chunk crc", 28},            {"chunk crc", 31},
      {"chunk payload", 32},       {"chunk payload", 36},        {"1-byte chunk length", 40},
      {"1-byte chunk payload", 45}, {"last chunk length", 46},   {"last chunk crc", 53},
      {"last chunk payload", 54},  {"last chunk payload", 200},  {"last chunk payload", 353},
      {"footer marker", 354},      {"footer marker", 357},       {"footer count", 358},
      {"footer count", 365},       {"footer crc", 366},          {"footer crc", 369},
  };
  for (const auto& flip : flips) {
    INFO(flip.part << " at offset " << flip.offset);
    env.WriteFile(path, good);
    env.FlipByte(path, flip.offset);
    REQUIRE(env.ReadFile(path) != good);
    auto back = ReadAll(&env, path);
    CHECK_FALSE(back.ok);
    CHECK(back.kind == ErrorKind::kCorruption);
    CHECK_THAT(back.message, Catch::Contains(path));
  }
  env.WriteFile(path, good);
  CHECK(ReadAll(&env, path).ok);  // the restored file is fine again
}

TEST_CASE("SnapshotFile: a file truncated at any length is Corruption", "[storage]") {
  FaultEnv env;
  const std::string path = Committed(&env, "/snap-truncated", Z(6), kChunks);
  const std::string good = env.ReadFile(path);
  for (size_t len = 0; len < good.size(); ++len) {
    INFO("truncated to " << len << " of " << good.size() << " bytes");
    env.WriteFile(path, good.substr(0, len));
    auto back = ReadAll(&env, path);
    CHECK_FALSE(back.ok);
    CHECK(back.kind == ErrorKind::kCorruption);
  }
}

TEST_CASE("SnapshotFile: bytes after the footer are Corruption", "[storage]") {
  FaultEnv env;
  const std::string path = Committed(&env, "/snap-trailing", Z(7), kChunks);
  env.WriteFile(path, env.ReadFile(path) + "!");
  auto back = ReadAll(&env, path);
  CHECK_FALSE(back.ok);
  CHECK(back.kind == ErrorKind::kCorruption);
}

TEST_CASE("SnapshotFile: a writer destroyed without Commit leaves no snapshot and no temp file",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/snap-abandoned";
  {
    auto w = SnapshotWriter::Create(&env, dir, Z(8));
    REQUIRE(w);
    REQUIRE_OK(w.value()->Add("partial"));
    CHECK(Children(&env, dir) == std::vector<std::string>{SnapshotName(Z(8)) + ".tmp"});
    CHECK(ListedZxids(&env, dir).empty());  // the temp file is not a snapshot
  }
  CHECK(Children(&env, dir).empty());
  CHECK(ListedZxids(&env, dir).empty());
}

TEST_CASE("SnapshotFile: a large snapshot is synced as it grows, not only at Commit", "[storage]") {
  // Left to the final fsync, 100+ MB of snapshot reach the disk in one
  // burst that the txn log's fsyncs wait behind.
  FaultEnv env;
  auto w = SnapshotWriter::Create(&env, "/snap-large", Z(12));
  REQUIRE(w);
  int before = env.syncs();
  const std::string chunk(1 << 20, 'n');
  for (int i = 0; i < 20; ++i) REQUIRE_OK(w.value()->Add(chunk));
  CHECK(env.syncs() - before >= 2);  // every 8 MiB
  REQUIRE_OK(w.value()->Commit());
  CHECK(ReadAll(&env, w.value()->path()).chunks.size() == 20);
}

TEST_CASE("SnapshotFile: a writer whose Commit fails leaves no snapshot", "[storage]") {
  FaultEnv env;
  const std::string dir = "/snap-commit-fails";
  {
    auto w = SnapshotWriter::Create(&env, dir, Z(9));
    REQUIRE(w);
    REQUIRE_OK(w.value()->Add("data"));
    env.FailSyncs(true);
    auto committed = w.value()->Commit();
    CHECK_FALSE(committed);
    if (!committed) CHECK(committed.error().kind() == ErrorKind::kIo);
    env.FailSyncs(false);
  }
  CHECK(Children(&env, dir).empty());
  CHECK(ListedZxids(&env, dir).empty());
}

TEST_CASE("SnapshotFile: in a strict directory a committed snapshot survives a crash and an "
          "uncommitted temp file never lists",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/snap-strict";
  env.CreateDir(dir);
  env.SetStrictDir(dir);
  const std::string path = Committed(&env, dir, Z(10), kChunks);

  // A temp file as a writer killed mid-snapshot leaves it: data synced,
  // its name never made durable by a directory sync.
  const std::string tmp = dir + "/" + SnapshotName(Z(11)) + ".tmp";
  {
    leveldb::WritableFile* f = nullptr;
    REQUIRE(env.NewWritableFile(tmp, &f).ok());
    REQUIRE(f->Append("CAIRNSNP-partial").ok());
    REQUIRE(f->Sync().ok());
    REQUIRE(f->Close().ok());
    delete f;
  }
  CHECK(ListedZxids(&env, dir) == std::vector<int64_t>{Z(10)});

  SECTION("clean crash") { env.Crash(); }
  SECTION("torn crash") { env.Crash(7); }

  // Surviving at all proves the directory sync (the rename was not durable
  // before it); reading back intact proves the file sync.
  CHECK(ListedZxids(&env, dir) == std::vector<int64_t>{Z(10)});
  CHECK_FALSE(env.FileExists(tmp));
  auto back = ReadAll(&env, path);
  INFO(back.message);
  REQUIRE(back.ok);
  CHECK(back.zxid == Z(10));
  CHECK(back.chunks == kChunks);
}

TEST_CASE("SnapshotFile: ListSnapshots lists newest first and ignores temp files and other names",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/snap-list";
  for (int64_t z : {Z(3), Z(1, 2), Z(7), Z(0x7fffffff, 1)}) env.WriteFile(dir + "/" + SnapshotName(z), "s");
  for (const char* other : {"snapshot.0000000100000009.tmp", "snapshot.123", "snapshot.",
                            "snapshot.000000010000000g", "snapshot.00000001000000033",
                            "xsnapshot.0000000100000004", "LOCK", "other"}) {
    env.WriteFile(dir + "/" + other, "o");
  }
  env.WriteFile("/snap-list2/" + SnapshotName(Z(100)), "elsewhere");

  CHECK(ListedZxids(&env, dir) == std::vector<int64_t>{Z(1, 2), Z(0x7fffffff, 1), Z(7), Z(3)});
  CHECK(ListedZxids(&env, "/snap-list-nothing").empty());
}

TEST_CASE("SnapshotFile: PurgeSnapshots keeps the N newest and returns the oldest kept zxid",
          "[storage]") {
  FaultEnv env;
  const std::string dir = "/snap-purge";
  for (int64_t i = 1; i <= 5; ++i) Committed(&env, dir, Z(i), {"chunk"});
  env.WriteFile(dir + "/" + SnapshotName(Z(1)) + ".tmp", "t");
  env.WriteFile(dir + "/unrelated", "u");

  auto kept = PurgeSnapshots(&env, dir, 2);
  REQUIRE(kept);
  CHECK(kept.value() == Z(4));
  CHECK(ListedZxids(&env, dir) == std::vector<int64_t>{Z(5), Z(4)});
  CHECK(env.FileExists(dir + "/" + SnapshotName(Z(1)) + ".tmp"));  // not its business
  CHECK(env.FileExists(dir + "/unrelated"));
  CHECK(ReadAll(&env, dir + "/" + SnapshotName(Z(4))).ok);

  kept = PurgeSnapshots(&env, dir, 10);  // fewer than retain: nothing removed
  REQUIRE(kept);
  CHECK(kept.value() == Z(4));
  CHECK(ListedZxids(&env, dir) == std::vector<int64_t>{Z(5), Z(4)});

  kept = PurgeSnapshots(&env, dir, 1);
  REQUIRE(kept);
  CHECK(kept.value() == Z(5));
  CHECK(ListedZxids(&env, dir) == std::vector<int64_t>{Z(5)});

  auto none = PurgeSnapshots(&env, "/snap-purge-empty", 3);
  REQUIRE(none);
  CHECK(none.value() == 0);
}

TEST_CASE("SnapshotFile: RemoveTempSnapshots removes only snapshot temp files", "[storage]") {
  FaultEnv env;
  const std::string dir = "/snap-rmtemp";
  Committed(&env, dir, Z(2), {"keep"});
  env.WriteFile(dir + "/" + SnapshotName(Z(3)) + ".tmp", "t");
  env.WriteFile(dir + "/" + SnapshotName(Z(4)) + ".tmp", "t");
  env.WriteFile(dir + "/other.tmp", "o");
  env.WriteFile(dir + "/notes", "n");

  RemoveTempSnapshots(&env, dir);
  CHECK(Children(&env, dir) == std::vector<std::string>{"notes", "other.tmp", SnapshotName(Z(2))});
  CHECK(ReadAll(&env, dir + "/" + SnapshotName(Z(2))).ok);
  RemoveTempSnapshots(&env, "/snap-rmtemp-missing");  // no directory: nothing to do, no error
}

TEST_CASE("SnapshotFile: SnapshotName is 16 lower-case hex digits", "[storage]") {
  CHECK(SnapshotName(0) == "snapshot.0000000000000000");
  CHECK(SnapshotName(Z(0xabc, 0x1f)) == "snapshot.0000001f00000abc");
  CHECK(SnapshotName(0x7fffffffffffffffLL) == "snapshot.7fffffffffffffff");
}
