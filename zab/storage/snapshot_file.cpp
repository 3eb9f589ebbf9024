#include "zab/storage/snapshot_file.h"

#include <algorithm>
#include <cstdio>

#include "base/assert.h"
#include "base/crc32c.h"
#include "base/endian.h"

namespace cairn::storage {

namespace {

constexpr std::string_view kMagic = "CAIRNSNP";
constexpr uint32_t kVersion = 1;
constexpr std::string_view kPrefix = "snapshot.";
constexpr std::string_view kTmpSuffix = ".tmp";
constexpr size_t kHeaderBytes = 8 + 4 + 8 + 4;
// A chunk above this is corruption: the writer never makes one so large.
constexpr uint32_t kChunkMaxBytes = 256u << 20;

bool ParseName(const std::string& name, int64_t* zxid) {
  if (name.size() != kPrefix.size() + 16 || name.compare(0, kPrefix.size(), kPrefix) != 0) return false;
  uint64_t v = 0;
  for (char c : std::string_view(name).substr(kPrefix.size())) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  *zxid = static_cast<int64_t>(v);
  return true;
}

}  // namespace

std::string SnapshotName(int64_t zxid) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "snapshot.%016llx", static_cast<unsigned long long>(zxid));
  return buf;
}

Result<std::unique_ptr<SnapshotWriter>> SnapshotWriter::Create(StorageEnv* env, const std::string& dir,
                                                               int64_t zxid) {
  std::string final_path = dir + "/" + SnapshotName(zxid);
  std::string tmp = final_path + std::string(kTmpSuffix);
  leveldb::WritableFile* raw = nullptr;
  leveldb::Status s = env->NewWritableFile(tmp, &raw);
  if (!s.ok()) return FromStatus(s, "create snapshot " + tmp);
  std::unique_ptr<SnapshotWriter> w(new SnapshotWriter(env, dir, tmp, final_path,
                                                       std::unique_ptr<leveldb::WritableFile>(raw)));
  std::string header(kMagic);
  PutBigEndian32(&header, kVersion);
  PutBigEndian64(&header, static_cast<uint64_t>(zxid));
  PutBigEndian32(&header, Crc32c(header));
  auto put = w->Put(header);
  if (!put) return put.error();
  return w;
}

SnapshotWriter::~SnapshotWriter() {
  if (committed_) return;
  file_.reset();
  env_->RemoveFile(tmp_path_);  // best effort: a leftover is removed at the next start
}

Result<void> SnapshotWriter::Put(std::string_view bytes) {
  leveldb::Status s = file_->Append(leveldb::Slice(bytes.data(), bytes.size()));
  if (!s.ok()) return FromStatus(s, "write snapshot " + tmp_path_);
  crc_ = Crc32c(bytes, crc_);
  bytes_ += static_cast<int64_t>(bytes.size());
  unsynced_ += bytes.size();
  if (unsynced_ >= kSyncEveryBytes) {
    s = file_->Sync();
    if (!s.ok()) return FromStatus(s, "sync snapshot " + tmp_path_);
    unsynced_ = 0;
  }
  return boost::outcome_v2::success();
}

Result<void> SnapshotWriter::Add(std::string_view chunk) {
  CAIRN_ASSERT(!chunk.empty() && chunk.size() <= kChunkMaxBytes && !committed_);
  std::string head;
  PutBigEndian32(&head, static_cast<uint32_t>(chunk.size()));
  PutBigEndian32(&head, Crc32c(chunk));
  auto put = Put(head);
  if (put) put = Put(chunk);
  if (put) ++chunks_;
  return put;
}

Result<void> SnapshotWriter::Commit() {
  CAIRN_ASSERT(!committed_);
  std::string footer;
  PutBigEndian32(&footer, 0);
  PutBigEndian64(&footer, chunks_);
  auto put = Put(footer);
  if (!put) return put;
  std::string crc;
  PutBigEndian32(&crc, crc_);
  put = Put(crc);
  if (!put) return put;
  leveldb::Status s = file_->Sync();
  if (s.ok()) s = file_->Close();
  if (!s.ok()) return FromStatus(s, "sync snapshot " + tmp_path_);
  file_.reset();
  s = env_->RenameFile(tmp_path_, final_path_);
  if (!s.ok()) return FromStatus(s, "rename snapshot " + tmp_path_);
  committed_ = true;
  s = env_->SyncDir(dir_);
  if (!s.ok()) return FromStatus(s, "sync snapshot directory " + dir_);
  return boost::outcome_v2::success();
}

Result<std::unique_ptr<SnapshotReader>> SnapshotReader::Open(StorageEnv* env, const std::string& path) {
  leveldb::SequentialFile* raw = nullptr;
  leveldb::Status s = env->NewSequentialFile(path, &raw);
  if (!s.ok()) return FromStatus(s, "open snapshot " + path);
  std::unique_ptr<SnapshotReader> r(new SnapshotReader(path, std::unique_ptr<leveldb::SequentialFile>(raw)));
  std::string header;
  auto read = r->ReadExactly(kHeaderBytes, &header);
  if (!read) return read.error();
  std::string_view h(header);
  if (h.substr(0, 8) != kMagic) return r->Bad("not a Cairn snapshot (bad magic)");
  if (GetBigEndian32(h.substr(20)) != Crc32c(h.substr(0, 20))) return r->Bad("header fails its checksum");
  if (GetBigEndian32(h.substr(8)) != kVersion) return r->Bad("unknown snapshot version");
  r->zxid_ = static_cast<int64_t>(GetBigEndian64(h.substr(12)));
  r->crc_ = Crc32c(h);
  return r;
}

Error SnapshotReader::Bad(const std::string& what) const {
  return Corruption("snapshot " + path_ + " offset " + std::to_string(offset_) + ": " + what);
}

Result<void> SnapshotReader::ReadExactly(size_t n, std::string* out) {
  out->clear();
  out->reserve(n);
  if (scratch_.size() < 1 << 16) scratch_.resize(1 << 16);
  while (out->size() < n) {
    size_t want = std::min(n - out->size(), scratch_.size());
    leveldb::Slice got;
    leveldb::Status s = file_->Read(want, &got, scratch_.data());
    if (!s.ok()) return FromStatus(s, "read snapshot " + path_);
    if (got.empty()) return Bad("file ends early (truncated)");
    out->append(got.data(), got.size());
  }
  offset_ += static_cast<int64_t>(n);
  return boost::outcome_v2::success();
}

Result<bool> SnapshotReader::Next(std::string* chunk) {
  if (done_) return false;
  std::string head;
  auto read = ReadExactly(4, &head);
  if (!read) return read.error();
  uint32_t length = GetBigEndian32(head);
  if (length == 0) {
    std::string footer;
    read = ReadExactly(12, &footer);
    if (!read) return read.error();
    if (GetBigEndian64(footer) != chunks_) return Bad("chunk count does not match the footer");
    uint32_t expect = Crc32c(footer.substr(0, 8), Crc32c(head, crc_));
    if (GetBigEndian32(std::string_view(footer).substr(8)) != expect) return Bad("file checksum mismatch");
    leveldb::Slice extra;
    char byte;
    if (file_->Read(1, &extra, &byte).ok() && !extra.empty()) return Bad("bytes after the footer");
    done_ = true;
    return false;
  }
  if (length > kChunkMaxBytes) return Bad("chunk length " + std::to_string(length) + " is implausible");
  std::string crc;
  read = ReadExactly(4, &crc);
  if (read) read = ReadExactly(length, chunk);
  if (!read) return read.error();
  if (GetBigEndian32(crc) != Crc32c(*chunk)) return Bad("chunk fails its checksum");
  crc_ = Crc32c(*chunk, Crc32c(crc, Crc32c(head, crc_)));
  ++chunks_;
  return true;
}

Result<std::vector<SnapshotInfo>> ListSnapshots(StorageEnv* env, const std::string& dir) {
  std::vector<std::string> names;
  leveldb::Status s = env->GetChildren(dir, &names);
  if (!s.ok()) return FromStatus(s, "list snapshots in " + dir);
  std::vector<SnapshotInfo> out;
  for (const auto& name : names) {
    int64_t zxid = 0;
    if (ParseName(name, &zxid)) out.push_back({zxid, dir + "/" + name});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.zxid > b.zxid; });
  return out;
}

void RemoveTempSnapshots(StorageEnv* env, const std::string& dir) {
  std::vector<std::string> names;
  if (!env->GetChildren(dir, &names).ok()) return;
  for (const auto& name : names) {
    if (name.starts_with(kPrefix) && name.ends_with(kTmpSuffix)) env->RemoveFile(dir + "/" + name);
  }
}

Result<int64_t> PurgeSnapshots(StorageEnv* env, const std::string& dir, size_t retain) {
  CAIRN_ASSERT(retain >= 1);
  auto list = ListSnapshots(env, dir);
  if (!list) return list.error();
  auto& snaps = list.value();
  for (size_t i = retain; i < snaps.size(); ++i) {
    leveldb::Status s = env->RemoveFile(snaps[i].path);
    if (!s.ok()) return FromStatus(s, "remove old snapshot " + snaps[i].path);
  }
  if (snaps.empty()) return int64_t{0};
  return snaps[std::min(retain, snaps.size()) - 1].zxid;
}

}  // namespace cairn::storage
