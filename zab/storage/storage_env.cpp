#include "zab/storage/storage_env.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cairn::storage {

namespace {

class PosixEnv final : public StorageEnv {
 public:
  PosixEnv() : StorageEnv(leveldb::Env::Default()) {}

  leveldb::Status SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return leveldb::Status::IOError(dir, std::strerror(errno));
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return leveldb::Status::IOError("fsync " + dir, std::strerror(err));
    return leveldb::Status::OK();
  }
};

}  // namespace

StorageEnv* PosixStorageEnv() {
  static PosixEnv* env = new PosixEnv();  // lives as long as the process
  return env;
}

Error FromStatus(const leveldb::Status& status, const std::string& doing) {
  std::string message = doing + ": " + status.ToString();
  if (status.IsCorruption()) return Corruption(std::move(message));
  return IoError(std::move(message));
}

}  // namespace cairn::storage
