#include "unit/support/fault_env.h"

#include <leveldb/helpers/memenv.h>

#include <algorithm>

namespace cairn::testing {

namespace {

class FaultFile : public leveldb::WritableFile {
 public:
  FaultFile(FaultEnv* env, std::string path, leveldb::WritableFile* target)
      : env_(env), path_(std::move(path)), target_(target) {}
  leveldb::Status Append(const leveldb::Slice& data) override {
    leveldb::Status s = env_->OnAppend(path_, data.size());
    return s.ok() ? target_->Append(data) : s;
  }
  leveldb::Status Close() override { return target_->Close(); }
  leveldb::Status Flush() override { return target_->Flush(); }
  leveldb::Status Sync() override {
    leveldb::Status s = target_->Sync();
    return s.ok() ? env_->OnSync(path_) : s;
  }

 private:
  FaultEnv* env_;
  std::string path_;
  std::unique_ptr<leveldb::WritableFile> target_;
};

}  // namespace

MemEnvHolder::MemEnvHolder() : mem_(leveldb::NewMemEnv(leveldb::Env::Default())) {}

FaultEnv::FaultEnv() : StorageEnv(mem_.get()) {}

FaultEnv::~FaultEnv() = default;

std::string FaultEnv::DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

void FaultEnv::SetStrictDir(const std::string& dir) {
  std::lock_guard lock(mu_);
  strict_dirs_.insert(dir);
}

void FaultEnv::FailSyncs(bool on) {
  std::lock_guard lock(mu_);
  fail_syncs_ = on;
}

void FaultEnv::FailWrites(bool on) {
  std::lock_guard lock(mu_);
  fail_writes_ = on;
}

void FaultEnv::HoldAppends(bool on) {
  {
    std::lock_guard lock(mu_);
    hold_appends_ = on;
  }
  if (!on) released_.notify_all();
}

int FaultEnv::appends_held() const {
  std::lock_guard lock(mu_);
  return appends_held_;
}

int FaultEnv::syncs() const {
  std::lock_guard lock(mu_);
  return syncs_;
}

leveldb::Status FaultEnv::NewWritableFile(const std::string& f, leveldb::WritableFile** r) {
  leveldb::WritableFile* target = nullptr;
  leveldb::Status s = mem_->NewWritableFile(f, &target);
  if (!s.ok()) return s;
  {
    std::lock_guard lock(mu_);
    states_[f] = FileState{0, 0, strict_dirs_.count(DirOf(f)) == 0};
  }
  *r = new FaultFile(this, f, target);
  return s;
}

leveldb::Status FaultEnv::NewAppendableFile(const std::string& f, leveldb::WritableFile** r) {
  uint64_t existing = 0;
  bool existed = mem_->GetFileSize(f, &existing).ok();
  leveldb::WritableFile* target = nullptr;
  leveldb::Status s = mem_->NewAppendableFile(f, &target);
  if (!s.ok()) return s;
  {
    std::lock_guard lock(mu_);
    auto& st = states_[f];
    if (!existed) st = FileState{0, 0, strict_dirs_.count(DirOf(f)) == 0};
    st.size = existing;
  }
  *r = new FaultFile(this, f, target);
  return s;
}

leveldb::Status FaultEnv::RenameFile(const std::string& src, const std::string& dst) {
  leveldb::Status s = mem_->RenameFile(src, dst);
  if (!s.ok()) return s;
  std::lock_guard lock(mu_);
  FileState st = states_[src];
  states_.erase(src);
  if (strict_dirs_.count(DirOf(dst))) st.name_durable = false;
  states_[dst] = st;
  return s;
}

leveldb::Status FaultEnv::RemoveFile(const std::string& f) {
  leveldb::Status s = mem_->RemoveFile(f);
  std::lock_guard lock(mu_);
  states_.erase(f);
  return s;
}

void FaultEnv::MarkDirSynced(const std::string& dir) {
  for (auto& [path, st] : states_) {
    if (DirOf(path) == dir) st.name_durable = true;
  }
}

leveldb::Status FaultEnv::SyncDir(const std::string& dir) {
  std::lock_guard lock(mu_);
  if (fail_syncs_) return leveldb::Status::IOError(dir, "injected fsync failure");
  ++syncs_;
  MarkDirSynced(dir);
  return leveldb::Status::OK();
}

leveldb::Status FaultEnv::OnAppend(const std::string& path, size_t n) {
  std::unique_lock lock(mu_);
  if (hold_appends_) {
    ++appends_held_;
    released_.wait(lock, [this] { return !hold_appends_; });
    --appends_held_;
  }
  if (fail_writes_) return leveldb::Status::IOError(path, "injected write failure");
  states_[path].size += n;
  return leveldb::Status::OK();
}

leveldb::Status FaultEnv::OnSync(const std::string& path) {
  std::lock_guard lock(mu_);
  if (fail_syncs_) return leveldb::Status::IOError(path, "injected fsync failure");
  ++syncs_;
  auto& st = states_[path];
  st.synced = st.size;
  if (path.find("/MANIFEST") != std::string::npos) MarkDirSynced(DirOf(path));
  return leveldb::Status::OK();
}

std::string FaultEnv::ReadFile(const std::string& path) {
  std::string out;
  leveldb::ReadFileToString(mem_.get(), path, &out);
  return out;
}

void FaultEnv::WriteFile(const std::string& path, const std::string& contents) {
  leveldb::WriteStringToFile(mem_.get(), contents, path);
}

void FaultEnv::FlipByte(const std::string& path, size_t offset) {
  std::string contents = ReadFile(path);
  if (offset < contents.size()) contents[offset] ^= 0x5a;
  WriteFile(path, contents);
}

void FaultEnv::Crash(size_t torn_bytes) {
  std::lock_guard lock(mu_);
  for (auto it = states_.begin(); it != states_.end();) {
    auto& [path, st] = *it;
    if (!st.name_durable) {
      mem_->RemoveFile(path);
      it = states_.erase(it);
      continue;
    }
    if (st.synced < st.size) {
      size_t keep = st.synced + std::min(torn_bytes, st.size - st.synced);
      std::string contents;
      leveldb::ReadFileToString(mem_.get(), path, &contents);
      contents.resize(std::min(keep, contents.size()));
      leveldb::WriteStringToFile(mem_.get(), contents, path);
      st.size = st.synced = contents.size();
    }
    ++it;
  }
}

}  // namespace cairn::testing
