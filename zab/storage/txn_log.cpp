#include "zab/storage/txn_log.h"

#include <leveldb/write_batch.h>

#include <algorithm>
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
constexpr std::string_view kSealPrefix = "sealed/";

// The meta name under which a sealed segment's last zxid is kept.
std::string SealName(const std::string& segment_path) {
  std::string name(kSealPrefix);
  name.append(segment_path.substr(segment_path.rfind('/') + 1));
  return name;
}

std::string MetaKey(std::string_view name) {
  std::string key(1, kMetaPrefix);
  key.append(name);  // not operator+: GCC 12 at -O3 warns falsely (-Wrestrict) on it
  return key;
}

leveldb::ReadOptions Verified() {
  leveldb::ReadOptions ro;
  ro.verify_checksums = true;
  return ro;
}

}  // namespace

Result<std::unique_ptr<TxnLog>> TxnLog::Open(StorageEnv* env, const std::string& dir,
                                             TxnLogOptions options) {
  env->CreateDir(dir);  // may exist already
  std::string meta_dir = dir + "/meta";
  env->CreateDir(meta_dir);
  leveldb::Options lo;
  lo.env = env;
  lo.create_if_missing = true;
  lo.paranoid_checks = true;  // a corrupt LevelDB file fails Open, never a silent skip
  leveldb::DB* raw = nullptr;
  leveldb::Status s = leveldb::DB::Open(lo, meta_dir, &raw);
  if (!s.ok()) return FromStatus(s, "open txn log " + dir);
  std::unique_ptr<TxnLog> log(new TxnLog(env, dir, options, std::unique_ptr<leveldb::DB>(raw)));
  auto loaded = log->Load();
  if (!loaded) return loaded.error();
  return log;
}

TxnLog::~TxnLog() = default;

Result<void> TxnLog::Load() {
  for (auto [name, field] :
       {std::pair{kAcceptedEpoch, &accepted_epoch_}, std::pair{kCurrentEpoch, &current_epoch_},
        std::pair{kPurgedThrough, &purged_through_}}) {
    auto value = GetMeta(name);
    if (!value) return value.error();
    *field = value.value().value_or(0);
  }
  auto listed = ListSegments(env_, dir_);
  if (!listed) return listed.error();
  for (const auto& entry : listed.value()) {
    if (!entry.complete) {  // a creation or deletion a crash cut short
      auto destroyed = DestroySegment(env_, dir_, entry.path);
      if (!destroyed) return destroyed;
      continue;
    }
    auto seal = GetMeta(SealName(entry.path));
    if (!seal) return seal.error();
    if (seal.value()) {
      if (*seal.value() < entry.first_zxid) {
        return Corruption(entry.path + ": its seal record says it ends at zxid " +
                          Hex(*seal.value()) + ", before its first record");
      }
      segments_.push_back(LogSegment::Sealed(env_, entry.path, entry.first_zxid, *seal.value(),
                                             MemtableBytes()));
      continue;
    }
    auto segment = LogSegment::Open(env_, entry.path, false, MemtableBytes());
    if (!segment) return segment.error();
    segments_.push_back(std::move(segment).value());
  }
  // Empty segments (created, then a crash before their first batch) go;
  // so does what a purge a crash interrupted left (the mark is written
  // first).
  for (size_t i = segments_.size(); i-- > 0;) {
    if (segments_[i]->last_zxid() != 0) continue;
    auto destroyed = Destroy(i);
    if (!destroyed) return destroyed;
  }
  while (!segments_.empty() && segments_.front()->last_zxid() <= purged_through_) {
    auto destroyed = Destroy(0);
    if (!destroyed) return destroyed;
  }
  // Only the segment written last can end in a torn record.
  for (size_t i = segments_.size(); i-- > 0;) {
    if (segments_[i]->last_zxid() == 0) continue;
    auto torn = segments_[i]->DropTornTail();
    if (!torn) return torn.error();
    torn_tail_zxid_ = torn.value();
    break;
  }
  // Appends go to a new segment or the newest; the older ones need no
  // memory (a log written before segments were sealed has such).
  for (size_t i = 0; i + 1 < segments_.size(); ++i) {
    if (segments_[i]->sealed()) continue;
    auto sealed = Seal(i);
    if (!sealed) return sealed;
  }
  ReloadBounds();
  return boost::outcome_v2::success();
}

void TxnLog::ReloadBounds() {
  first_zxid_ = last_zxid_ = 0;
  for (const auto& s : segments_) {
    if (s->last_zxid() <= purged_through_) continue;  // empty, or hidden by the mark
    if (first_zxid_ == 0) {
      if (s->first_zxid() > purged_through_) {
        first_zxid_ = s->first_zxid();
      } else {
        // The segment straddles the mark. Not a scan for its first visible
        // record: a sealed segment would be replayed whole for it, after
        // every purge.
        first_zxid_ = purged_through_ + 1;
      }
    }
    last_zxid_ = s->last_zxid();
  }
}

Result<void> TxnLog::Seal(size_t i) {
  // The record first: a segment without one is opened, and checked, whole.
  auto marked = PutMeta(SealName(segments_[i]->path()), segments_[i]->last_zxid());
  if (!marked) return marked;
  segments_[i]->Seal();
  return boost::outcome_v2::success();
}

Result<void> TxnLog::Destroy(size_t i) {
  std::string path = segments_[i]->path();
  if (segments_[i]->sealed()) {
    // Before the segment goes: a later segment may take its name.
    auto unmarked = DeleteMeta(SealName(path));
    if (!unmarked) return unmarked;
  }
  segments_.erase(segments_.begin() + static_cast<std::ptrdiff_t>(i));  // closes it
  return DestroySegment(env_, dir_, path);
}

Result<void> TxnLog::Append(const std::vector<LogRecord>& records) {
  if (records.empty()) return boost::outcome_v2::success();
  CAIRN_ASSERT(records.front().zxid > last_zxid_);
  if (segments_.empty() || segments_.back()->sealed() ||
      segments_.back()->bytes() >= options_.segment_bytes) {
    if (!segments_.empty() && !segments_.back()->sealed()) {
      if (!options_.sync) {
        // Without per-batch syncs, close the old segment's data off before
        // a newer one exists: a crash must not tear a record behind the
        // newest.
        auto synced = segments_.back()->Sync();
        if (!synced) return synced;
      }
      auto sealed = Seal(segments_.size() - 1);
      if (!sealed) return sealed;
    }
    std::string path = dir_ + "/" + SegmentName(records.front().zxid);
    auto segment = LogSegment::Open(env_, path, true, MemtableBytes());
    if (!segment) return segment.error();
    leveldb::Status s = env_->SyncDir(path);
    if (s.ok()) s = env_->SyncDir(dir_);
    if (!s.ok()) return FromStatus(s, "create txn log segment " + path);
    segments_.push_back(std::move(segment).value());
  }
  auto appended = segments_.back()->Append(records, options_.sync);
  if (!appended) return appended;
  if (first_zxid_ == 0) first_zxid_ = records.front().zxid;
  last_zxid_ = records.back().zxid;
  return boost::outcome_v2::success();
}

Result<void> TxnLog::Scan(int64_t from, int64_t to,
                          const std::function<bool(LogRecord&)>& fn) const {
  from = std::max(from, purged_through_ + 1);
  for (const auto& s : segments_) {
    if (s->last_zxid() < from) continue;
    if (s->first_zxid() > to) break;
    auto scanned = s->Scan(from, to, fn);
    if (!scanned) return scanned.error();
    if (!scanned.value()) break;
  }
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
  // Newest first, so that a crash part-way leaves a log without holes.
  while (!segments_.empty() && segments_.back()->first_zxid() > zxid) {
    auto destroyed = Destroy(segments_.size() - 1);
    if (!destroyed) return destroyed;
  }
  if (!segments_.empty() && segments_.back()->last_zxid() > zxid) {
    LogSegment& back = *segments_.back();
    // A sealed segment loses its seal record first: after a crash part-way
    // it is opened and checked whole instead of trusted to end where it did.
    if (back.sealed()) {
      auto unmarked = DeleteMeta(SealName(back.path()));
      if (!unmarked) return unmarked;
    }
    auto truncated = back.TruncateAfter(zxid);
    if (!truncated) return truncated;
    if (back.sealed()) {
      auto marked = PutMeta(SealName(back.path()), back.last_zxid());
      if (!marked) return marked;
    }
  }
  ReloadBounds();
  return boost::outcome_v2::success();
}

Result<void> TxnLog::DropThrough(int64_t zxid) {
  if (zxid <= purged_through_) return boost::outcome_v2::success();
  // The mark goes first: recovery must never see records gone without
  // knowing they were dropped on purpose.
  auto marked = PutMeta(kPurgedThrough, zxid);
  if (!marked) return marked;
  purged_through_ = zxid;
  while (!segments_.empty() && segments_.front()->last_zxid() <= zxid) {
    auto destroyed = Destroy(0);
    if (!destroyed) return destroyed;
  }
  ReloadBounds();
  return boost::outcome_v2::success();
}

Result<void> TxnLog::PutMeta(std::string_view name, int64_t v) {
  std::string value;
  PutBigEndian64(&value, static_cast<uint64_t>(v));
  PutBigEndian32(&value, Crc32c(value));
  leveldb::WriteBatch batch;
  batch.Put(MetaKey(name), value);
  return WriteMeta(&batch, "write " + std::string(name) + " to " + dir_);
}

Result<void> TxnLog::DeleteMeta(std::string_view name) {
  leveldb::WriteBatch batch;
  batch.Delete(MetaKey(name));
  return WriteMeta(&batch, "delete " + std::string(name) + " from " + dir_);
}

Result<void> TxnLog::WriteMeta(leveldb::WriteBatch* batch, const std::string& doing) {
  leveldb::WriteOptions wo;
  wo.sync = true;
  leveldb::Status s = meta_->Write(wo, batch);
  if (!s.ok()) return FromStatus(s, doing);
  return boost::outcome_v2::success();
}

Result<std::optional<int64_t>> TxnLog::GetMeta(std::string_view name) const {
  std::string value;
  leveldb::Status s = meta_->Get(Verified(), MetaKey(name), &value);
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

}  // namespace cairn::storage
