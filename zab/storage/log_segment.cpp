#include "zab/storage/log_segment.h"

#include <leveldb/iterator.h>
#include <leveldb/write_batch.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <set>

#include "base/assert.h"
#include "base/crc32c.h"
#include "base/endian.h"
#include "base/hex.h"

namespace cairn::storage {

namespace {

constexpr std::string_view kSegmentPrefix = "seg-";
constexpr size_t kSegmentNameLength = 4 + 16;

std::string ZxidKey(int64_t zxid) {
  std::string key;
  PutBigEndian64(&key, static_cast<uint64_t>(zxid));
  return key;
}

int64_t KeyZxid(const leveldb::Slice& key) {
  return static_cast<int64_t>(GetBigEndian64(std::string_view(key.data(), key.size())));
}

// Into *value, which the caller reuses from record to record (the batch
// copies it).
void EncodeValue(const std::string& key, const std::string& txn, std::string* value) {
  value->clear();
  PutBigEndian32(value, Crc32c(txn, Crc32c(key)));
  value->append(txn);
}

// The txn bytes of a record, or nothing if its checksum does not match.
std::optional<std::string_view> DecodeValue(const leveldb::Slice& key, const leveldb::Slice& value) {
  if (key.size() != 8 || value.size() < 4) return std::nullopt;
  std::string_view v(value.data(), value.size());
  std::string_view txn = v.substr(4);
  if (GetBigEndian32(v) != Crc32c(txn, Crc32c(std::string_view(key.data(), key.size())))) {
    return std::nullopt;
  }
  return txn;
}

leveldb::ReadOptions Verified() {
  leveldb::ReadOptions ro;
  ro.verify_checksums = true;
  ro.fill_cache = false;  // the log is read once, at recovery or sync
  return ro;
}

leveldb::Options SegmentOptions(StorageEnv* env, bool create, int64_t memtable_bytes) {
  leveldb::Options o;
  o.env = env;
  o.create_if_missing = create;
  o.error_if_exists = create;
  o.paranoid_checks = true;  // a corrupt LevelDB file fails Open, never a silent skip
  // Txns are mostly small and unique; compressing them costs more CPU than
  // the disk it saves.
  o.compression = leveldb::kNoCompression;
  // Never a table file while the segment is written (log_segment.h).
  o.write_buffer_size = static_cast<size_t>(std::max(memtable_bytes, int64_t{4} << 20));
  return o;
}

Result<std::unique_ptr<leveldb::DB>> OpenDb(const leveldb::Options& options, const std::string& path) {
  leveldb::DB* raw = nullptr;
  leveldb::Status s = leveldb::DB::Open(options, path, &raw);
  if (!s.ok()) return FromStatus(s, "open txn log segment " + path);
  return std::unique_ptr<leveldb::DB>(raw);
}

}  // namespace

std::string SegmentName(int64_t first_zxid) {
  char name[32];
  std::snprintf(name, sizeof name, "seg-%016" PRIx64, static_cast<uint64_t>(first_zxid));
  return name;
}

Result<std::unique_ptr<LogSegment>> LogSegment::Open(StorageEnv* env, const std::string& path,
                                                     bool create, int64_t memtable_bytes) {
  if (create) env->CreateDir(path);  // may exist already: LevelDB decides
  // Without reuse_logs: a torn record at the end of LevelDB's log file is
  // dropped into a table here, and appends go to a fresh log file.
  auto db = OpenDb(SegmentOptions(env, create, memtable_bytes), path);
  if (!db) return db.error();
  std::unique_ptr<LogSegment> segment(new LogSegment(env, path, memtable_bytes));
  segment->db_ = std::move(db).value();
  segment->bytes_ = DirectoryBytes(env, path);
  auto bounds = segment->ReloadBounds(segment->db_.get());
  if (!bounds) return bounds.error();
  return segment;
}

std::unique_ptr<LogSegment> LogSegment::Sealed(StorageEnv* env, std::string path, int64_t first_zxid,
                                               int64_t last_zxid, int64_t memtable_bytes) {
  std::unique_ptr<LogSegment> segment(new LogSegment(env, std::move(path), memtable_bytes));
  segment->first_zxid_ = first_zxid;
  segment->last_zxid_ = last_zxid;
  segment->bytes_ = DirectoryBytes(env, segment->path_);
  return segment;
}

LogSegment::~LogSegment() = default;

Result<leveldb::DB*> LogSegment::Db(bool writable, std::unique_ptr<leveldb::DB>* opened) const {
  if (!sealed()) return db_.get();
  leveldb::Options o = SegmentOptions(env_, false, memtable_bytes_);
  // Reading replays LevelDB's log file into memory and writes nothing; a
  // change needs a database that may rewrite its files.
  o.reuse_logs = !writable;
  auto db = OpenDb(o, path_);
  if (!db) return db.error();
  *opened = std::move(db).value();
  return opened->get();
}

void LogSegment::Seal() {
  db_.reset();
  bytes_ = DirectoryBytes(env_, path_);
}

Result<void> LogSegment::Write(leveldb::DB* db, leveldb::WriteBatch* batch, bool sync,
                               const std::string& doing) {
  leveldb::WriteOptions wo;
  wo.sync = sync;
  leveldb::Status s = db->Write(wo, batch);
  if (!s.ok()) return FromStatus(s, doing);
  return boost::outcome_v2::success();
}

Result<void> LogSegment::ReloadBounds(leveldb::DB* db) {
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(Verified()));
  first_zxid_ = last_zxid_ = 0;
  it->SeekToFirst();
  if (it->Valid()) first_zxid_ = KeyZxid(it->key());
  it->SeekToLast();
  if (it->Valid()) last_zxid_ = KeyZxid(it->key());
  if (!it->status().ok()) return FromStatus(it->status(), "scan " + path_);
  return boost::outcome_v2::success();
}

Result<void> LogSegment::Append(const std::vector<LogRecord>& records, bool sync) {
  CAIRN_ASSERT(!sealed());
  if (records.empty()) return boost::outcome_v2::success();
  leveldb::WriteBatch batch;
  std::string value;
  int64_t prev = last_zxid_;
  for (const auto& r : records) {
    CAIRN_ASSERT(r.zxid > prev);
    prev = r.zxid;
    std::string key = ZxidKey(r.zxid);
    EncodeValue(key, r.txn, &value);
    batch.Put(key, value);
  }
  auto w = Write(db_.get(), &batch, sync, "append to txn log " + path_);
  if (!w) return w;
  bytes_ += static_cast<int64_t>(batch.ApproximateSize());
  if (first_zxid_ == 0) first_zxid_ = records.front().zxid;
  last_zxid_ = records.back().zxid;
  return boost::outcome_v2::success();
}

Result<void> LogSegment::Sync() {
  CAIRN_ASSERT(!sealed());
  leveldb::WriteBatch empty;
  return Write(db_.get(), &empty, true, "sync txn log " + path_);
}

Result<bool> LogSegment::Scan(int64_t from, int64_t to,
                              const std::function<bool(LogRecord&)>& fn) const {
  std::unique_ptr<leveldb::DB> opened;
  auto db = Db(/*writable=*/false, &opened);
  if (!db) return db.error();
  std::unique_ptr<leveldb::Iterator> it(db.value()->NewIterator(Verified()));
  LogRecord record;
  for (it->Seek(ZxidKey(from)); it->Valid(); it->Next()) {
    record.zxid = KeyZxid(it->key());
    if (record.zxid > to) break;
    auto txn = DecodeValue(it->key(), it->value());
    if (!txn) {
      return Corruption(path_ + ": txn zxid=" + Hex(record.zxid) +
                        " fails its checksum and is not the last record; refusing to start "
                        "with a hole in the log");
    }
    record.txn.assign(txn->data(), txn->size());
    if (!fn(record)) return false;
  }
  if (!it->status().ok()) return FromStatus(it->status(), "scan " + path_);
  return true;
}

Result<void> LogSegment::TruncateAfter(int64_t zxid) {
  std::unique_ptr<leveldb::DB> opened;
  auto opened_db = Db(/*writable=*/true, &opened);
  if (!opened_db) return opened_db.error();
  leveldb::DB* db = opened_db.value();
  leveldb::WriteBatch batch;
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(Verified()));
  for (it->Seek(ZxidKey(zxid + 1)); it->Valid(); it->Next()) batch.Delete(it->key());
  if (!it->status().ok()) return FromStatus(it->status(), "scan " + path_);
  it.reset();
  auto w = Write(db, &batch, true, "truncate txn log " + path_);
  if (!w) return w;
  return ReloadBounds(db);
}

Result<std::optional<int64_t>> LogSegment::DropTornTail() {
  if (last_zxid_ == 0 || sealed()) return std::optional<int64_t>();
  std::string key = ZxidKey(last_zxid_);
  std::string value;
  leveldb::Status s = db_->Get(Verified(), key, &value);
  if (!s.ok()) return FromStatus(s, "read last txn of " + path_);
  if (DecodeValue(key, value)) return std::optional<int64_t>();
  // The last record does not verify: a write torn by a crash. It was never
  // acknowledged (a reply waits for its batch's sync), so dropping it loses
  // nothing anyone was promised.
  int64_t torn = last_zxid_;
  leveldb::WriteBatch batch;
  batch.Delete(key);
  auto w = Write(db_.get(), &batch, true, "truncate torn tail of " + path_);
  if (!w) return w.error();
  auto bounds = ReloadBounds(db_.get());
  if (!bounds) return bounds.error();
  return std::optional<int64_t>(torn);
}

Result<std::vector<SegmentEntry>> ListSegments(StorageEnv* env, const std::string& dir) {
  std::vector<std::string> children;
  leveldb::Status s = env->GetChildren(dir, &children);
  if (!s.ok()) return FromStatus(s, "list " + dir);
  // An in-memory Env lists nested files as "seg-.../CURRENT"; a real one
  // lists the directory itself.
  std::set<std::string> names;
  for (const auto& child : children) names.insert(child.substr(0, child.find('/')));
  std::vector<SegmentEntry> out;
  for (const auto& name : names) {
    if (name.size() != kSegmentNameLength || name.compare(0, kSegmentPrefix.size(), kSegmentPrefix) != 0) {
      continue;
    }
    uint64_t zxid = 0;
    if (std::sscanf(name.c_str() + kSegmentPrefix.size(), "%16" SCNx64, &zxid) != 1) continue;
    if (SegmentName(static_cast<int64_t>(zxid)) != name) continue;
    SegmentEntry e;
    e.first_zxid = static_cast<int64_t>(zxid);
    e.path = dir + "/" + name;
    e.complete = env->FileExists(e.path + "/CURRENT");
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(),
            [](const SegmentEntry& a, const SegmentEntry& b) { return a.first_zxid < b.first_zxid; });
  return out;
}

Result<void> DestroySegment(StorageEnv* env, const std::string& dir, const std::string& path) {
  // Without CURRENT the database is an incomplete segment from now on, in
  // any state a crash leaves it.
  std::string current = path + "/CURRENT";
  if (env->FileExists(current)) {
    leveldb::Status s = env->RemoveFile(current);
    if (s.ok()) s = env->SyncDir(path);
    if (!s.ok()) return FromStatus(s, "remove txn log segment " + path);
  }
  leveldb::Options o;
  o.env = env;
  leveldb::Status s = leveldb::DestroyDB(path, o);
  if (s.ok()) s = env->SyncDir(dir);
  if (!s.ok()) return FromStatus(s, "remove txn log segment " + path);
  return boost::outcome_v2::success();
}

int64_t DirectoryBytes(leveldb::Env* env, const std::string& dir) {
  std::vector<std::string> names;
  if (!env->GetChildren(dir, &names).ok()) return 0;
  int64_t total = 0;
  for (const auto& name : names) {
    if (name == "." || name == "..") continue;
    std::string path = dir + "/" + name;
    uint64_t size = 0;
    std::vector<std::string> below;
    if (env->GetChildren(path, &below).ok() && !below.empty()) {
      total += DirectoryBytes(env, path);
    } else if (env->GetFileSize(path, &size).ok()) {
      total += static_cast<int64_t>(size);
    }
  }
  return total;
}

}  // namespace cairn::storage
