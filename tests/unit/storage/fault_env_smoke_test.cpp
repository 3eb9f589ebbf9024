// The fault-injecting env itself: a crash keeps exactly the synced bytes
// and, in a strict directory, only names made durable by SyncDir.
#include <catch2/catch.hpp>

#include "unit/support/fault_env.h"

using cairn::testing::FaultEnv;

TEST_CASE("FaultEnv: a crash keeps synced data and drops the rest", "[storage]") {
  FaultEnv env;
  env.CreateDir("/d");
  leveldb::WritableFile* f = nullptr;
  REQUIRE(env.NewWritableFile("/d/a", &f).ok());
  REQUIRE(f->Append("synced").ok());
  REQUIRE(f->Sync().ok());
  REQUIRE(f->Append("-lost").ok());
  REQUIRE(f->Close().ok());
  delete f;
  env.Crash();
  CHECK(env.ReadFile("/d/a") == "synced");
}

TEST_CASE("FaultEnv: a torn crash keeps a prefix of the unsynced bytes", "[storage]") {
  FaultEnv env;
  env.CreateDir("/d");
  leveldb::WritableFile* f = nullptr;
  REQUIRE(env.NewWritableFile("/d/a", &f).ok());
  REQUIRE(f->Append("abc").ok());
  REQUIRE(f->Sync().ok());
  REQUIRE(f->Append("defgh").ok());
  delete f;
  env.Crash(2);
  CHECK(env.ReadFile("/d/a") == "abcde");
}

TEST_CASE("FaultEnv: in a strict directory a name needs SyncDir to survive", "[storage]") {
  FaultEnv env;
  env.CreateDir("/s");
  env.SetStrictDir("/s");
  for (const char* name : {"/s/synced", "/s/unsynced"}) {
    leveldb::WritableFile* f = nullptr;
    REQUIRE(env.NewWritableFile(name, &f).ok());
    REQUIRE(f->Append("x").ok());
    REQUIRE(f->Sync().ok());
    delete f;
    if (std::string(name) == "/s/synced") REQUIRE(env.SyncDir("/s").ok());
  }
  env.Crash();
  CHECK_FALSE(env.FileExists("/s/unsynced"));
  CHECK(env.FileExists("/s/synced"));
}
