#include "server/snapshotter.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>

#include "base/hex.h"
#include "server/snapshot_content.h"
#include "zab/storage/snapshot_file.h"

namespace cairn::server {

namespace {

int64_t MonoUs() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

// The snapshot child: a copy-on-write image of the parent at one zxid. It
// touches nothing but the Database and the snapshot file, and leaves with
// _exit so that no destructor or atexit handler of the parent's runs twice.
[[noreturn]] void RunChild(storage::StorageEnv* env, const std::string& dir, const Database& db,
                           pid_t parent) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the server
  if (::getppid() != parent) ::_exit(3);
  ::signal(SIGINT, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  // Drop the parent's sockets and files (a listening socket held here would
  // keep a restarted server from binding its port).
  ::close_range(3, ~0U, 0);
  auto written = WriteSnapshot(env, dir, db);
  if (!written) {
    std::string line = "cairn-server snapshot child: " + written.error().message() + "\n";
    ssize_t ignored = ::write(2, line.data(), line.size());
    (void)ignored;
    ::_exit(1);
  }
  ::_exit(0);
}

}  // namespace

Result<int64_t> WriteSnapshot(storage::StorageEnv* env, const std::string& dir, const Database& db) {
  auto writer = storage::SnapshotWriter::Create(env, dir, db.tree().last_processed_zxid());
  if (!writer) return writer.error();
  auto content = WriteSnapshotContent(db, writer.value().get());
  if (!content) return content.error();
  auto committed = writer.value()->Commit();
  if (!committed) return committed.error();
  return writer.value()->bytes_written();
}

Snapshotter::Snapshotter(boost::asio::io_context& io, storage::StorageEnv* env, Options options,
                         PurgeLogFn purge_log, ClockFn clock_ms)
    : io_(io),
      env_(env),
      options_(std::move(options)),
      purge_log_(std::move(purge_log)),
      clock_ms_(std::move(clock_ms)),
      rng_(std::random_device{}()) {
  Rearm();
}

Snapshotter::~Snapshotter() {
  if (child_ > 0) {
    ::kill(child_, SIGKILL);
    int status = 0;
    ::waitpid(child_, &status, 0);
  }
}

void Snapshotter::Rearm() {
  // As ZooKeeper's SyncRequestProcessor: half the limit plus a random share
  // of the other half.
  int64_t half = std::max<int64_t>(1, options_.snap_count / 2);
  txns_due_ = half + static_cast<int64_t>(rng_() % static_cast<uint64_t>(half));
  if (options_.size_limit_bytes > 0) {
    int64_t half_bytes = std::max<int64_t>(1, options_.size_limit_bytes / 2);
    bytes_due_ = half_bytes + static_cast<int64_t>(rng_() % static_cast<uint64_t>(half_bytes));
  } else {
    bytes_due_ = INT64_MAX;
  }
  txns_since_ = 0;
  bytes_since_ = 0;
}

void Snapshotter::OnApplied(const Database& db, int64_t txns, int64_t txn_bytes) {
  txns_since_ += txns;
  bytes_since_ += txn_bytes;
  if (child_ > 0) return;  // one at a time; the next starts once it is done
  if (txns_since_ >= txns_due_ || bytes_since_ >= bytes_due_) Start(db);
}

void Snapshotter::TakeNow(const Database& db) {
  if (child_ <= 0) Start(db);
}

void Snapshotter::Start(const Database& db) {
  int64_t zxid = db.tree().last_processed_zxid();
  Rearm();
  if (zxid == stats_.last_zxid) return;  // nothing new since the last one
  int64_t before = MonoUs();
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) RunChild(env_, options_.dir, db, parent);
  stats_.last_fork_us = MonoUs() - before;
  if (pid < 0) {
    ++stats_.failed;
    spdlog::error("snapshot not started: fork failed zxid={} error=\"{}\"", Hex(zxid), std::strerror(errno));
    return;
  }
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) {  // Linux < 5.3: cannot watch the child; do not leave it unwatched
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ++stats_.failed;
    spdlog::error("snapshot not started: pidfd_open failed error=\"{}\"", std::strerror(errno));
    return;
  }
  child_ = pid;
  child_zxid_ = zxid;
  child_started_ms_ = clock_ms_();
  stats_.in_progress = true;
  spdlog::info("snapshot started zxid={} pid={} fork_us={}", Hex(zxid), pid, stats_.last_fork_us);
  child_exit_ = std::make_unique<boost::asio::posix::stream_descriptor>(io_, fd);
  child_exit_->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                          [this](const boost::system::error_code& ec) {
                            if (ec) return;  // cancelled: the destructor reaps the child
                            int status = 0;
                            ::waitpid(child_, &status, 0);
                            OnChildExit(status);
                          });
}

void Snapshotter::OnChildExit(int status) {
  child_exit_.reset();
  child_ = -1;
  stats_.in_progress = false;
  int64_t duration = clock_ms_() - child_started_ms_;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    ++stats_.failed;
    spdlog::error("snapshot failed zxid={} status={} (the child's reason is on stderr)",
                  Hex(child_zxid_), status);
    return;
  }
  ++stats_.taken;
  stats_.last_zxid = child_zxid_;
  stats_.last_duration_ms = duration;
  uint64_t size = 0;
  env_->GetFileSize(options_.dir + "/" + storage::SnapshotName(child_zxid_), &size);
  stats_.last_bytes = static_cast<int64_t>(size);
  spdlog::info("snapshot written zxid={} duration_ms={} bytes={}", Hex(child_zxid_), duration, size);
  auto oldest = storage::PurgeSnapshots(env_, options_.dir, options_.retain);
  if (!oldest) {
    spdlog::warn("snapshot purge failed error=\"{}\"", oldest.error().message());
    return;
  }
  purge_log_(oldest.value());
}

}  // namespace cairn::server
