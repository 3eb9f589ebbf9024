#include "zab/storage/txn_log.h"

#include <leveldb/iterator.h>
#include <leveldb/write_batch.h>

#include <optional>

#include "base/assert.h"
#include "base/crc32c.h"
#include "base/endian.h"
#include "base/hex.h"

namespace cairn::storage {

namespace {

constexpr char kMetaPrefix = '\xff';
constexpr std::string_view kAcceptedEpoch = "acceptedEpoch";
constexpr std::string_view kCurrentEpoch = "currentEpoch";
constexpr std::string_view kPurgedThrough = "purgedThrough";

std::string ZxidKey(int64_t zxid) {
  std::string key;
  PutBigEndian64(&key, static_cast<uint64_t>(zxid));
  return key;
}

bool IsTxnKey(const leveldb::Slice& key) { return key.size() == 8 && key[0] != kMetaPrefix; }

int64_t KeyZxid(const leveldb::Slice& key) {
  return static_cast<int64_t>(GetBigEndian64(std::string_view(key.data(), key.size())));
}

std::string MetaKey(std::string_view name) { return std::string(1, kMetaPrefix) + std::string(name); }

std::string EncodeValue(const std::string& key, const std::string& txn) {
  std::string value;
  value.reserve(4 + txn.size());
  PutBigEndian32(&value, Crc32c(txn, Crc32c(key)));
  value += txn;
  return value;
}

// The txn bytes of a record, or nothing if its checksum does not match.
std::optional<std::string_view> DecodeValue(const leveldb::Slice& key, const leveldb::Slice& value) {
  if (value.size() < 4) return std::nullopt;
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
  return ro;
}

}  // namespace

Result<std::unique_ptr<TxnLog>> TxnLog::Open(StorageEnv* env, const std::string& dir,
                                             TxnLogOptions options) {
  leveldb::Options lo;
  lo.env = env;
  lo.create_if_missing = true;
  lo.paranoid_checks = true;  // a corrupt LevelDB file fails Open, never a silent skip
  leveldb::DB* raw = nullptr;
  leveldb::Status s = leveldb::DB::Open(lo, dir, &raw);
  if (!s.ok()) return FromStatus(s, "open txn log " + dir);
  std::unique_ptr<TxnLog> log(new TxnLog(dir, options, std::unique_ptr<leveldb::DB>(raw)));
  auto loaded = log->Load();
  if (!loaded) return loaded.error();
  return log;
}

TxnLog::~TxnLog() = default;

Result<void> TxnLog::Load() {
  for (auto [name, field] : {std::pair{kAcceptedEpoch, &accepted_epoch_},
                             std::pair{kCurrentEpoch, &current_epoch_},
                             std::pair{kPurgedThrough, &purged_through_}}) {
    auto value = GetMeta(name);
    if (!value) return value.error();
    *field = value.value().value_or(0);
  }
  auto bounds = ReloadBounds();
  if (!bounds) return bounds;
  if (last_zxid_ == 0) return boost::outcome_v2::success();
  std::string key = ZxidKey(last_zxid_);
  std::string value;
  leveldb::Status s = db_->Get(Verified(), key, &value);
  if (!s.ok()) return FromStatus(s, "read last txn of " + dir_);
  if (DecodeValue(key, value)) return boost::outcome_v2::success();
  // The last record does not verify: a write torn by a crash. It was never
  // acknowledged (a reply waits for its batch's sync), so dropping it loses
  // nothing anyone was promised.
  leveldb::WriteBatch batch;
  batch.Delete(key);
  auto w = Write(&batch, true, "truncate torn tail of " + dir_);
  if (!w) return w;
  torn_tail_zxid_ = last_zxid_;
  return ReloadBounds();
}

Result<void> TxnLog::ReloadBounds() {
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(Verified()));
  first_zxid_ = last_zxid_ = 0;
  it->SeekToFirst();
  if (it->Valid() && IsTxnKey(it->key())) first_zxid_ = KeyZxid(it->key());
  it->SeekToLast();
  while (it->Valid() && !IsTxnKey(it->key())) it->Prev();
  if (it->Valid()) last_zxid_ = KeyZxid(it->key());
  if (!it->status().ok()) return FromStatus(it->status(), "scan " + dir_);
  return boost::outcome_v2::success();
}

Result<void> TxnLog::Write(leveldb::WriteBatch* batch, bool sync, const std::string& doing) {
  leveldb::WriteOptions wo;
  wo.sync = sync;
  leveldb::Status s = db_->Write(wo, batch);
  if (!s.ok()) return FromStatus(s, doing);
  return boost::outcome_v2::success();
}

Result<void> TxnLog::Append(const std::vector<LogRecord>& records) {
  if (records.empty()) return boost::outcome_v2::success();
  leveldb::WriteBatch batch;
  int64_t prev = last_zxid_;
  for (const auto& r : records) {
    CAIRN_ASSERT(r.zxid > prev);
    prev = r.zxid;
    std::string key = ZxidKey(r.zxid);
    batch.Put(key, EncodeValue(key, r.txn));
  }
  auto w = Write(&batch, options_.sync, "append to txn log " + dir_);
  if (!w) return w;
  if (first_zxid_ == 0) first_zxid_ = records.front().zxid;
  last_zxid_ = records.back().zxid;
  return boost::outcome_v2::success();
}

Result<void> TxnLog::Scan(int64_t from, int64_t to, const std::function<bool(LogRecord&)>& fn) const {
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(Verified()));
  LogRecord record;
  for (it->Seek(ZxidKey(from)); it->Valid() && IsTxnKey(it->key()); it->Next()) {
    record.zxid = KeyZxid(it->key());
    if (record.zxid > to) break;
    auto txn = DecodeValue(it->key(), it->value());
    if (!txn) {
      return Corruption(dir_ + ": txn zxid=" + Hex(record.zxid) +
                        " fails its checksum and is not the last record; refusing to start "
                        "with a hole in the log");
    }
    record.txn.assign(txn->data(), txn->size());
    if (!fn(record)) break;
  }
  if (!it->status().ok()) return FromStatus(it->status(), "scan " + dir_);
  return boost::outcome_v2::success();
}

Result<std::vector<LogRecord>> TxnLog::ReadRange(int64_t from, int64_t to, size_t max_bytes) const {
  std::vector<LogRecord> out;
  size_t bytes = 0;
  auto scanned = Scan(from, to, [&](LogRecord& r) {
    if (!out.empty() && bytes + r.txn.size() > max_bytes) return false;
    bytes += r.txn.size();
    out.push_back(std::move(r));
    return true;
  });
  if (!scanned) return scanned.error();
  return out;
}

Result<void> TxnLog::TruncateAfter(int64_t zxid) {
  leveldb::WriteBatch batch;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(Verified()));
  for (it->Seek(ZxidKey(zxid + 1)); it->Valid() && IsTxnKey(it->key()); it->Next()) {
    batch.Delete(it->key());
  }
  if (!it->status().ok()) return FromStatus(it->status(), "scan " + dir_);
  it.reset();
  auto w = Write(&batch, true, "truncate txn log " + dir_);
  if (!w) return w;
  return ReloadBounds();
}

Result<void> TxnLog::DropThrough(int64_t zxid) {
  if (zxid <= purged_through_) return boost::outcome_v2::success();
  leveldb::WriteBatch batch;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(Verified()));
  for (it->SeekToFirst(); it->Valid() && IsTxnKey(it->key()) && KeyZxid(it->key()) <= zxid; it->Next()) {
    batch.Delete(it->key());
  }
  if (!it->status().ok()) return FromStatus(it->status(), "scan " + dir_);
  it.reset();
  // The mark goes in the same atomic batch as the deletes: recovery must
  // never see the records gone without knowing they were dropped on purpose.
  std::string value;
  PutBigEndian64(&value, static_cast<uint64_t>(zxid));
  PutBigEndian32(&value, Crc32c(value));
  batch.Put(MetaKey(kPurgedThrough), value);
  auto w = Write(&batch, true, "purge txn log " + dir_);
  if (!w) return w;
  purged_through_ = zxid;
  return ReloadBounds();
}

Result<void> TxnLog::PutMeta(std::string_view name, int64_t v) {
  std::string value;
  PutBigEndian64(&value, static_cast<uint64_t>(v));
  PutBigEndian32(&value, Crc32c(value));
  leveldb::WriteBatch batch;
  batch.Put(MetaKey(name), value);
  return Write(&batch, true, "write " + std::string(name) + " to " + dir_);
}

Result<std::optional<int64_t>> TxnLog::GetMeta(std::string_view name) const {
  std::string value;
  leveldb::Status s = db_->Get(Verified(), MetaKey(name), &value);
  if (s.IsNotFound()) return std::optional<int64_t>();
  if (!s.ok()) return FromStatus(s, "read " + std::string(name) + " from " + dir_);
  if (value.size() != 12 || GetBigEndian32(std::string_view(value).substr(8)) !=
                                Crc32c(std::string_view(value).substr(0, 8))) {
    return Corruption(dir_ + ": " + std::string(name) + " fails its checksum");
  }
  return std::optional<int64_t>(static_cast<int64_t>(GetBigEndian64(value)));
}

Result<void> TxnLog::SetAcceptedEpoch(int64_t epoch) {
  auto w = PutMeta(kAcceptedEpoch, epoch);
  if (w) accepted_epoch_ = epoch;
  return w;
}

Result<void> TxnLog::SetCurrentEpoch(int64_t epoch) {
  auto w = PutMeta(kCurrentEpoch, epoch);
  if (w) current_epoch_ = epoch;
  return w;
}

int64_t DirectoryBytes(leveldb::Env* env, const std::string& dir) {
  std::vector<std::string> names;
  if (!env->GetChildren(dir, &names).ok()) return 0;
  int64_t total = 0;
  for (const auto& name : names) {
    uint64_t size = 0;
    if (env->GetFileSize(dir + "/" + name, &size).ok()) total += static_cast<int64_t>(size);
  }
  return total;
}

}  // namespace cairn::storage
