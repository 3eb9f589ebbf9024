// tests/unit/support/fault_env.h: a fault-injecting filesystem for storage
// tests, in the manner of LevelDB's fault_injection_test: an in-memory Env
// whose files remember how much of them was synced, so that Crash() can
// throw away everything a power cut would.
//
// Model: a file's data survives a crash only up to its last Sync() (a torn
// write may keep a prefix of the rest). In a directory marked strict, a
// file's *name* survives only once SyncDir(dir) ran after it was created or
// renamed; in other directories names are durable at once (LevelDB relies on
// the filesystem ordering its CURRENT rename, so its own directory is not
// strict). Sync() of a MANIFEST file syncs its directory, as PosixEnv does.
// Thread-safe (LevelDB calls it from its background thread).
#pragma once

#include <cstddef>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "zab/storage/storage_env.h"

namespace cairn::testing {

// Owns the in-memory env; a base so that it exists before StorageEnv wraps it.
struct MemEnvHolder {
  MemEnvHolder();
  std::unique_ptr<leveldb::Env> mem_;
};

class FaultEnv : private MemEnvHolder, public storage::StorageEnv {
 public:
  FaultEnv();
  ~FaultEnv() override;

  void SetStrictDir(const std::string& dir);
  // The power cut. REQUIRES: no file of this env is open (close the
  // TxnLog / SnapshotWriter first). Unsynced data is dropped, keeping up to
  // torn_bytes of it per file.
  void Crash(size_t torn_bytes = 0);

  void FailSyncs(bool on);   // Sync() and SyncDir() return IOError
  void FailWrites(bool on);  // Append() returns IOError
  // While on, Append() blocks (a disk that has fallen behind); off releases
  // the writers. Turn it off before closing anything that may be appending.
  void HoldAppends(bool on);
  int appends_held() const;  // Append() calls blocked right now
  int syncs() const;

  // Test helpers on the underlying files.
  std::string ReadFile(const std::string& path);
  void WriteFile(const std::string& path, const std::string& contents);
  void FlipByte(const std::string& path, size_t offset);

  // storage::StorageEnv / leveldb::Env.
  leveldb::Status NewWritableFile(const std::string& f, leveldb::WritableFile** r) override;
  leveldb::Status NewAppendableFile(const std::string& f, leveldb::WritableFile** r) override;
  leveldb::Status RenameFile(const std::string& s, const std::string& t) override;
  leveldb::Status RemoveFile(const std::string& f) override;
  leveldb::Status SyncDir(const std::string& dir) override;

  // Called by the files this env hands out.
  leveldb::Status OnAppend(const std::string& path, size_t n);
  leveldb::Status OnSync(const std::string& path);

 private:
  struct FileState {
    size_t size = 0;
    size_t synced = 0;
    bool name_durable = true;
  };
  static std::string DirOf(const std::string& path);
  void MarkDirSynced(const std::string& dir);  // REQUIRES: mu_ held

  mutable std::mutex mu_;  // held briefly by any thread touching states_ or the switches
  std::map<std::string, FileState> states_;
  std::set<std::string> strict_dirs_;
  bool fail_syncs_ = false;
  bool fail_writes_ = false;
  bool hold_appends_ = false;
  int appends_held_ = 0;
  std::condition_variable released_;  // hold_appends_ turned off
  int syncs_ = 0;
};

}  // namespace cairn::testing
