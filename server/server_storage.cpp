// server/server_storage.cpp: the Server's storage side: the data-directory
// lock, recovery at startup, the durable log, snapshots, and fail-stop.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "base/hex.h"
#include "server/server.h"
#include "zab/storage/snapshot_file.h"

namespace cairn::server {

namespace {

// Snapshots are written at most this fast. At full speed a snapshot of a
// million nodes (~220 MB) kept this machine's disk busy for ~0.7 s, the txn
// log's fdatasyncs waited behind it and creates ran at ~75k/s; paced at 48
// MiB/s the log's fsyncs barely notice and creates run at ~95-105k/s
// (docs/benchmarks.md). A million-node snapshot then takes ~5 s, during
// which the log simply keeps growing.
constexpr int64_t kSnapshotWriteBytesPerSecond = int64_t{48} << 20;

}  // namespace

Result<void> Server::OpenStorage() {
  env_->CreateDir(snapshot_dir_);  // may exist; a real failure shows at the lock or the list
  std::string lock_path = config_.data_dir + "/cairn.lock";
  leveldb::Status s = env_->LockFile(lock_path, &data_dir_lock_);
  if (!s.ok()) {
    return IoError("data directory " + config_.data_dir +
                   " is in use by another cairn-server process (cannot lock " + lock_path +
                   ": " + s.ToString() + ")");
  }
  storage::TxnLogOptions options;
  options.sync = config_.force_sync;
  auto log = storage::TxnLog::Open(env_, log_dir_, options);
  if (!log) {
    return Error(log.error().kind(), log.error().message() +
                                         " (is another cairn-server using this dataLogDir?)");
  }
  if (auto torn = log.value()->torn_tail_zxid()) {
    spdlog::warn("txn log had a torn last record; truncated it zxid={} dir={}", Hex(*torn), log_dir_);
  }
  auto recovered = Recover(env_, snapshot_dir_, *log.value(), MonoMs(), &db_, [this] { return MonoMs(); });
  if (!recovered) return recovered.error();
  recovery_ = recovered.value();
  for (const auto& why : recovery_.rejected_snapshots) {
    spdlog::warn("snapshot does not verify; trying an older one reason=\"{}\"", why);
  }
  spdlog::info("recovered snapshot_zxid={} replayed_txns={} last_zxid={} znodes={} sessions={} "
               "snapshot_load_ms={} replay_ms={} snapshot={}",
               Hex(recovery_.snapshot_zxid), recovery_.replayed_txns, Hex(recovery_.last_zxid),
               db_.tree().NodeCount(), db_.sessions().size(), recovery_.snapshot_load_ms,
               recovery_.replay_ms, recovery_.snapshot_path.empty() ? "none" : recovery_.snapshot_path);
  if (!config_.force_sync) {
    spdlog::warn("forceSync=no: txns are acknowledged before they reach the disk; a crash of the "
                 "machine can lose acknowledged writes");
  }

  auto post = [this](std::function<void()> fn) { boost::asio::post(io_, std::move(fn)); };
  storage::GroupCommitter::Callbacks callbacks{[this](int64_t z) { OnDurable(z); },
                                               [this](const Error& e) { FailStop(e); }};
  log_ = std::make_unique<DurableCommitLog>(
      std::make_unique<storage::GroupCommitter>(std::move(log).value(), post, std::move(callbacks)));
  pipeline_.set_log(log_.get());

  Snapshotter::Options snap;
  snap.dir = snapshot_dir_;
  snap.snap_count = config_.snap_count;
  snap.size_limit_bytes = config_.snap_size_limit_kb > 0 ? config_.snap_size_limit_kb * 1024 : 0;
  snap.retain = static_cast<size_t>(std::max(3, config_.snap_retain_count));
  snap.write_bytes_per_second = kSnapshotWriteBytesPerSecond;
  if (config_.snap_retain_count < 3) {
    spdlog::warn("autopurge.snapRetainCount={} is below the minimum; keeping 3 snapshots as "
                 "ZooKeeper does", config_.snap_retain_count);
  }
  snapshotter_ = std::make_unique<Snapshotter>(
      io_, env_, &db_, snap, [this](int64_t z) { log_->committer().DropThrough(z); },
      [this] { return MonoMs(); });
  snapshotter_->set_last_zxid(recovery_.snapshot_zxid);
  return boost::outcome_v2::success();
}

void Server::OnDurable(int64_t last_zxid) {
  if (exit_code_ != 0) return;  // failed: acknowledge nothing more
  pipeline_.OnDurable(last_zxid);
  int64_t records = log_->records_appended();
  int64_t bytes = log_->bytes_appended();
  snapshotter_->OnApplied(records - snapshot_counted_records_, bytes - snapshot_counted_bytes_);
  snapshot_counted_records_ = records;
  snapshot_counted_bytes_ = bytes;
}

void Server::FailStop(const Error& error) {
  if (exit_code_ != 0) return;
  exit_code_ = 3;
  spdlog::critical("storage failed; stopping without acknowledging anything more reason=\"{}\"",
                   error.message());
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  tick_timer_.cancel();
  auto conns = connections_;
  for (auto& [id, c] : conns) c->Close("");
  io_.stop();
}

Server::StorageStatus Server::storage_status() const {
  StorageStatus st;
  if (log_ != nullptr) {
    auto& committer = log_->committer();
    st.last_logged_zxid = committer.last_durable_zxid();
    st.log_batches = committer.batches();
    st.log_records = committer.records();
  }
  st.log_bytes = storage::DirectoryBytes(env_, log_dir_);
  auto snaps = storage::ListSnapshots(env_, snapshot_dir_);
  st.snapshots_on_disk = snaps ? static_cast<int64_t>(snaps.value().size()) : 0;
  if (snapshotter_ != nullptr) st.snapshots = snapshotter_->stats();
  return st;
}

}  // namespace cairn::server
