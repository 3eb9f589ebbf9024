// zab/storage/storage_env.h: the filesystem that durable storage runs on.
// Thread-safe (as leveldb::Env is).
//
// LevelDB's Env (files, renames, locks) plus the one thing it lacks: a
// directory fsync, which makes a rename or a new file's name durable.
// Production uses the POSIX filesystem; tests wrap an in-memory Env with a
// fault-injecting one that can lose everything not yet synced.
#pragma once

#include <leveldb/env.h>

#include <string>

#include "base/error.h"

namespace cairn::storage {

class StorageEnv : public leveldb::EnvWrapper {
 public:
  explicit StorageEnv(leveldb::Env* target) : leveldb::EnvWrapper(target) {}
  // Makes the names of dir's entries (creates, renames, removes) durable.
  virtual leveldb::Status SyncDir(const std::string& dir) = 0;
};

// The process-wide POSIX environment (never destroyed).
StorageEnv* PosixStorageEnv();

// A leveldb::Status as an Error (IO, or corruption when LevelDB says so),
// prefixed with what was being done.
Error FromStatus(const leveldb::Status& status, const std::string& doing);

}  // namespace cairn::storage
