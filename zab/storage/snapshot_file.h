// zab/storage/snapshot_file.h: snapshot files, written atomically and read
// back verified. The content is opaque chunks (the server encodes the tree
// and the sessions into them). Not thread-safe; a writer or reader belongs to
// whoever created it (the snapshot child process, or recovery).
//
// Format (repeated in docs/formats.md), integers big-endian:
//   file   := header chunk* footer
//   header := "CAIRNSNP" u32 version(=1) i64 zxid u32 crc32c(previous 20 bytes)
//   chunk  := u32 length (>= 1) u32 crc32c(payload) payload
//   footer := u32 0  u64 chunk_count  u32 crc32c(every byte before this field)
// A file is named snapshot.<zxid as 16 hex digits>; it is written as
// <name>.tmp, fsynced, renamed, and the directory fsynced, so a name that
// exists is a complete file unless the disk corrupted it afterwards.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "zab/storage/storage_env.h"

namespace cairn::storage {

class SnapshotWriter {
 public:
  // Starts dir/snapshot.<zxid>.tmp.
  static Result<std::unique_ptr<SnapshotWriter>> Create(StorageEnv* env, const std::string& dir,
                                                        int64_t zxid);
  // Removes the temp file unless Commit succeeded.
  ~SnapshotWriter();

  // REQUIRES: !chunk.empty(), Commit not yet called.
  Result<void> Add(std::string_view chunk);
  // Footer, fsync, close, rename to the final name, directory fsync.
  Result<void> Commit();

  const std::string& path() const { return final_path_; }
  int64_t bytes_written() const { return bytes_; }

 private:
  SnapshotWriter(StorageEnv* env, std::string dir, std::string tmp, std::string final_path,
                 std::unique_ptr<leveldb::WritableFile> file)
      : env_(env), dir_(std::move(dir)), tmp_path_(std::move(tmp)),
        final_path_(std::move(final_path)), file_(std::move(file)) {}
  Result<void> Put(std::string_view bytes);

  StorageEnv* env_;
  std::string dir_;
  std::string tmp_path_;
  std::string final_path_;
  std::unique_ptr<leveldb::WritableFile> file_;
  uint32_t crc_ = 0;
  uint64_t chunks_ = 0;
  int64_t bytes_ = 0;
  // Synced as it grows: left to the final fsync, the kernel writes a
  // snapshot of 100+ MB back in one burst, and the txn log's fdatasyncs
  // (same disk, same ext4 journal) wait behind it for hundreds of ms. A
  // small step keeps each burst of writeback short.
  static constexpr size_t kSyncEveryBytes = 1 << 20;
  size_t unsynced_ = 0;
  bool committed_ = false;
};

class SnapshotReader {
 public:
  // Reads and checks the header.
  static Result<std::unique_ptr<SnapshotReader>> Open(StorageEnv* env, const std::string& path);

  int64_t zxid() const { return zxid_; }
  // The next chunk into *chunk; false once the footer has been read and
  // verified. Any mismatch or short read is Corruption naming the offset.
  Result<bool> Next(std::string* chunk);

 private:
  SnapshotReader(std::string path, std::unique_ptr<leveldb::SequentialFile> file)
      : path_(std::move(path)), file_(std::move(file)) {}
  Result<void> ReadExactly(size_t n, std::string* out);
  Error Bad(const std::string& what) const;

  std::string path_;
  std::unique_ptr<leveldb::SequentialFile> file_;
  std::string scratch_;
  int64_t zxid_ = 0;
  uint32_t crc_ = 0;
  uint64_t chunks_ = 0;
  int64_t offset_ = 0;
  bool done_ = false;
};

struct SnapshotInfo {
  int64_t zxid = 0;
  std::string path;
};
// The snapshots in dir, newest first (temp files excluded).
Result<std::vector<SnapshotInfo>> ListSnapshots(StorageEnv* env, const std::string& dir);
// Removes temp files a crashed writer left behind.
void RemoveTempSnapshots(StorageEnv* env, const std::string& dir);
// Keeps the newest `retain` (REQUIRES: >= 1) snapshots and removes the rest; returns the
// zxid of the oldest kept one (0 if there is none).
Result<int64_t> PurgeSnapshots(StorageEnv* env, const std::string& dir, size_t retain);

std::string SnapshotName(int64_t zxid);

}  // namespace cairn::storage
