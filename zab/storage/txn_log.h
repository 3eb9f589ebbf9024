// zab/storage/txn_log.h: the durable log of txns (proposals) and epochs, in
// LevelDB. Not thread-safe: one owner at a time (recovery on the core thread
// before serving, then the storage thread).
//
// Layout (repeated in docs/formats.md): under dir,
//   meta/                a LevelDB database of the metadata:
//                        key   = 0xff ++ name ("acceptedEpoch", "currentEpoch",
//                                "purgedThrough", and "sealed/<segment name>"
//                                for each sealed segment: its last zxid)
//                        value = i64 big-endian, then u32 crc32c of those 8 bytes
//   seg-<16 hex digits>/ the records, in segments (zab/storage/log_segment.h),
//                        each named for its first zxid; appends go to the
//                        newest, a new one starts once it holds
//                        segment_bytes, and the one before is sealed
// Records are appended with strictly increasing zxids. With sync on (the
// default, forceSync=yes) Append returns only once the batch is on disk.
// DropThrough records the purge mark, hides the records at or below it, and
// deletes the segments that hold nothing else; the rest go with their
// segment later.
//
// Open checks the last record: if its checksum fails (a torn write), it is
// deleted and reported in torn_tail_zxid(). A bad checksum anywhere else is
// reported by Scan as Corruption: the caller must stop, not skip it.
#pragma once

#include <leveldb/db.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "zab/storage/log_segment.h"
#include "zab/storage/storage_env.h"

namespace cairn::storage {

struct TxnLogOptions {
  bool sync = true;  // fsync every batch (forceSync)
  // A new segment starts once the newest holds this much. The newest
  // segment's records stay in memory too (log_segment.h): up to about twice
  // this, for small records.
  int64_t segment_bytes = int64_t{8} << 20;
};

class TxnLog {
 public:
  // Opens (creating if missing) the log in dir. Fails if another process
  // holds it (LevelDB's LOCK file) or if LevelDB finds its files corrupt.
  static Result<std::unique_ptr<TxnLog>> Open(StorageEnv* env, const std::string& dir,
                                              TxnLogOptions options);
  ~TxnLog();

  // Appends records as one atomic batch.
  // REQUIRES: zxids strictly increasing and above last_zxid().
  Result<void> Append(const std::vector<LogRecord>& records);

  // Calls fn(record) for each record with from <= zxid <= to, in zxid
  // order, verifying each checksum; stops early when fn returns false.
  Result<void> Scan(int64_t from, int64_t to, const std::function<bool(LogRecord&)>& fn) const;
  // The records with from <= zxid <= to, at most max_bytes of txn bytes
  // (but at least one record if any is in range).
  Result<std::vector<LogRecord>> ReadRange(int64_t from, int64_t to, size_t max_bytes) const;

  // Deletes every record above zxid (ZAB's TRUNC). Always synced.
  Result<void> TruncateAfter(int64_t zxid);
  // Deletes every record at or below zxid (purge behind a snapshot) and
  // remembers zxid as purged_through(). Always synced. Segments that hold
  // records above zxid too stay on disk until a later purge covers them.
  Result<void> DropThrough(int64_t zxid);

  // Epochs are synced before these return: ZAB acts on them only after.
  Result<void> SetAcceptedEpoch(int64_t epoch);
  Result<void> SetCurrentEpoch(int64_t epoch);
  int64_t accepted_epoch() const { return accepted_epoch_; }
  int64_t current_epoch() const { return current_epoch_; }

  // 0 when the log holds no record.
  int64_t last_zxid() const { return last_zxid_; }
  // Where reads can start: every record from here to last_zxid() that was
  // appended (and not truncated) is in the log, and none below it is
  // visible. The oldest segment's first record, or purged_through() + 1
  // while that segment still holds records at or below the mark (then it
  // need not be a record's own zxid). 0 when no record is visible.
  int64_t first_zxid() const { return first_zxid_; }
  // Records at or below this zxid were dropped on purpose (0: none).
  int64_t purged_through() const { return purged_through_; }
  // The zxid of the torn last record Open deleted, if it found one.
  std::optional<int64_t> torn_tail_zxid() const { return torn_tail_zxid_; }

  const std::string& dir() const { return dir_; }

 private:
  TxnLog(StorageEnv* env, std::string dir, TxnLogOptions options, std::unique_ptr<leveldb::DB> meta)
      : env_(env), dir_(std::move(dir)), options_(options), meta_(std::move(meta)) {}
  Result<void> Load();
  Result<void> PutMeta(std::string_view name, int64_t value);
  Result<std::optional<int64_t>> GetMeta(std::string_view name) const;
  Result<void> DeleteMeta(std::string_view name);
  // One synced write to the meta database.
  Result<void> WriteMeta(leveldb::WriteBatch* batch, const std::string& doing);
  // Records segments_[i]'s bounds and closes its database.
  Result<void> Seal(size_t i);
  // A segment's memtable: large enough that it never becomes a table
  // while written, even with LevelDB's ~40 bytes a record on small ones.
  int64_t MemtableBytes() const { return options_.segment_bytes * 2; }
  // Closes and deletes segments_[i].
  Result<void> Destroy(size_t i);
  // Recomputes first_zxid_ and last_zxid_ from the segments and the mark.
  void ReloadBounds();

  StorageEnv* env_;
  std::string dir_;
  TxnLogOptions options_;
  std::unique_ptr<leveldb::DB> meta_;
  std::vector<std::unique_ptr<LogSegment>> segments_;  // oldest first
  int64_t accepted_epoch_ = 0;
  int64_t current_epoch_ = 0;
  int64_t last_zxid_ = 0;
  int64_t first_zxid_ = 0;
  int64_t purged_through_ = 0;
  std::optional<int64_t> torn_tail_zxid_;
};

}  // namespace cairn::storage
