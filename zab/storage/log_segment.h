// zab/storage/log_segment.h: one segment of the txn log, a LevelDB database
// holding the records of one contiguous stretch of zxids. Not thread-safe:
// its TxnLog's owner calls it.
//
// The txn log is a sequence of segments so that purging behind a snapshot
// deletes whole databases instead of writing a tombstone per record (which
// LevelDB would then have to compact away, at a cost that measured a third
// of the write throughput). Records are appended only to the newest segment.
//
// A segment is written with a memtable larger than the segment itself, so
// LevelDB does not turn it into table files while it is written (only a
// batch that overflows the memtable, or a restart, which turns the newest
// segment's log file into a table, makes one): its records live in
// LevelDB's own log file and, while the segment is open, in memory
// (flushing each memtable to a table and compacting the tables had cost the
// write path ~8% of its CPU, for files only recovery and ZAB's sync read).
// Once the log moves to a newer segment the old one is sealed: its database
// is closed, which frees that memory, and each later read opens it for the
// read's length with LevelDB's reuse_logs, replaying its log file into a
// memtable and writing no record, table or manifest of its own (LevelDB
// still starts a fresh info LOG, and finishes any compaction a segment with
// tables is due).
//
// Record layout (repeated in docs/formats.md):
//   key   = zxid as 8 bytes big-endian (zxids are positive)
//   value = u32 crc32c(key ++ txn) big-endian, then the txn bytes
// A segment's directory is `seg-<first zxid as 16 hex digits>`. A segment
// directory without LevelDB's CURRENT file is one whose creation or
// deletion a crash interrupted; it holds no record anyone relies on (a
// record is appended only after creation completed, and deletion removes
// CURRENT first), so Open of the log removes it.
#pragma once

#include <leveldb/db.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "zab/storage/storage_env.h"

namespace cairn::storage {

struct LogRecord {
  int64_t zxid = 0;
  std::string txn;
};

class LogSegment {
 public:
  // Opens the segment at path; creates an empty one if `create`. Records up
  // to about memtable_bytes stay in memory until Seal (see above).
  static Result<std::unique_ptr<LogSegment>> Open(StorageEnv* env, const std::string& path,
                                                  bool create, int64_t memtable_bytes);
  // A segment sealed earlier, known by the bounds its log recorded, not
  // opened until something reads it.
  static std::unique_ptr<LogSegment> Sealed(StorageEnv* env, std::string path, int64_t first_zxid,
                                            int64_t last_zxid, int64_t memtable_bytes);
  ~LogSegment();

  // Appends records as one atomic batch, synced if `sync`.
  // REQUIRES: not sealed; zxids strictly increasing and above last_zxid().
  Result<void> Append(const std::vector<LogRecord>& records, bool sync);
  // Calls fn for each record with from <= zxid <= to, verifying checksums.
  // Returns false if fn stopped the scan.
  Result<bool> Scan(int64_t from, int64_t to, const std::function<bool(LogRecord&)>& fn) const;
  // Deletes every record above zxid, synced. A sealed segment stays sealed.
  Result<void> TruncateAfter(int64_t zxid);
  // If the last record fails its checksum (a torn write), deletes it and
  // returns its zxid. A sealed segment was synced whole: it has none.
  Result<std::optional<int64_t>> DropTornTail();
  // Writes an empty synced batch: everything appended before is on disk.
  // REQUIRES: not sealed.
  Result<void> Sync();
  // Closes the database for good, freeing its memtable; reads still work.
  // REQUIRES: everything appended is synced.
  void Seal();
  bool sealed() const { return db_ == nullptr; }

  // 0 when the segment holds no record.
  int64_t first_zxid() const { return first_zxid_; }
  int64_t last_zxid() const { return last_zxid_; }
  // Approximate bytes on disk: the files at Open plus what was appended since.
  int64_t bytes() const { return bytes_; }
  const std::string& path() const { return path_; }

 private:
  LogSegment(StorageEnv* env, std::string path, int64_t memtable_bytes)
      : env_(env), path_(std::move(path)), memtable_bytes_(memtable_bytes) {}
  // The database to read or change: the open one, or for a sealed segment
  // one opened into *opened for the caller's length (`writable`: one that
  // may write, without reusing LevelDB's log file).
  Result<leveldb::DB*> Db(bool writable, std::unique_ptr<leveldb::DB>* opened) const;
  static Result<void> Write(leveldb::DB* db, leveldb::WriteBatch* batch, bool sync,
                            const std::string& doing);
  Result<void> ReloadBounds(leveldb::DB* db);

  StorageEnv* env_;
  std::string path_;
  int64_t memtable_bytes_;
  std::unique_ptr<leveldb::DB> db_;  // null once sealed
  int64_t first_zxid_ = 0;
  int64_t last_zxid_ = 0;
  int64_t bytes_ = 0;
};

// The name of the segment whose first record is zxid.
std::string SegmentName(int64_t first_zxid);
// The segments under dir, oldest first, as (first zxid, path); whether each
// is complete (has CURRENT) in `complete`.
struct SegmentEntry {
  int64_t first_zxid = 0;
  std::string path;
  bool complete = false;
};
Result<std::vector<SegmentEntry>> ListSegments(StorageEnv* env, const std::string& dir);
// Deletes a segment's database so that a crash part-way leaves an
// incomplete segment (CURRENT goes first), never a corrupt one.
// REQUIRES: the segment is closed.
Result<void> DestroySegment(StorageEnv* env, const std::string& dir, const std::string& path);

// Total size of the files in dir and the directories below it.
int64_t DirectoryBytes(leveldb::Env* env, const std::string& dir);

}  // namespace cairn::storage
