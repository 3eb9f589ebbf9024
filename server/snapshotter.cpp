#include "server/snapshotter.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>

#include "base/hex.h"
#include "server/snapshot_content.h"
#include "session/session_snapshot.h"
#include "zab/storage/snapshot_file.h"

namespace cairn::server {

namespace {

int64_t MonoUs() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
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

Snapshotter::Snapshotter(boost::asio::io_context& io, storage::StorageEnv* env, Database* db,
                         Options options, PurgeLogFn purge_log, ClockFn clock_ms)
    : io_(io),
      env_(env),
      db_(db),
      options_(std::move(options)),
      purge_log_(std::move(purge_log)),
      clock_ms_(std::move(clock_ms)),
      rng_(std::random_device{}()),
      backoff_(io) {
  Rearm();
}

Snapshotter::~Snapshotter() {
  backoff_.cancel();
  writer_.reset();  // abandons an unfinished file
  view_.reset();
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

void Snapshotter::OnApplied(int64_t txns, int64_t txn_bytes) {
  txns_since_ += txns;
  bytes_since_ += txn_bytes;
  if (txns_since_ < txns_due_ && bytes_since_ < bytes_due_) return;
  if (writer_ == nullptr) {
    Start();
    return;
  }
  // Due while the last one is still being written: as ZooKeeper's
  // SyncRequestProcessor ("Too busy to snap, skipping"), skip it and count
  // afresh, so a snapshot slower than snapCount txns is not followed by
  // another at once, and the disk gets pauses between them.
  Rearm();
  ++stats_.skipped;
  spdlog::info("snapshot due while the one at zxid {} is still being written: skipped", Hex(zxid_));
}

void Snapshotter::TakeNow() {
  if (writer_ == nullptr) Start();
}

void Snapshotter::Start() {
  Rearm();
  int64_t zxid = db_->tree().last_processed_zxid();
  if (zxid == stats_.last_zxid) return;  // nothing new since the last one
  int64_t began = MonoUs();
  zxid_ = zxid;
  started_ms_ = clock_ms_();
  ++job_;
  view_ = std::make_unique<znode::SnapshotView>(&db_->tree(), kSnapshotChunkBytes);
  sessions_chunk_ = session::EncodeSessionSnapshot(db_->sessions());
  auto post = [this](std::function<void()> fn) { boost::asio::post(io_, std::move(fn)); };
  writer_ = std::make_unique<storage::SnapshotWriterThread>(
      env_, options_.dir, zxid, post, [this, job = job_](Result<int64_t> bytes) {
        if (job == job_) OnWritten(std::move(bytes));
      },
      options_.write_bytes_per_second);
  stats_.in_progress = true;
  stats_.max_slice_us = MonoUs() - began;
  spdlog::info("snapshot started zxid={} znodes={} sessions={}", Hex(zxid), db_->tree().NodeCount(),
               db_->sessions().size());
  boost::asio::post(io_, [this, job = job_] {
    if (job == job_) Slice();
  });
}

void Snapshotter::Slice() {
  if (view_ == nullptr || writer_ == nullptr) return;
  if (!writer_->HasRoom()) {  // the disk is behind: wait instead of queueing more
    backoff_.expires_after(std::chrono::milliseconds(1));
    backoff_.async_wait([this, job = job_](const boost::system::error_code& ec) {
      if (!ec && job == job_) Slice();
    });
    return;
  }
  int64_t began = MonoUs();
  std::string chunk;
  bool more = view_->Next(kNodesPerSlice, &chunk);
  if (!chunk.empty()) writer_->Push(std::move(chunk));
  if (!more) {
    stats_.last_preserved = view_->preserved();
    view_.reset();  // the tree stops keeping pre-images
    writer_->Push(std::move(sessions_chunk_));
    writer_->Finish();
  }
  stats_.max_slice_us = std::max(stats_.max_slice_us, MonoUs() - began);
  if (more) {
    boost::asio::post(io_, [this, job = job_] {
      if (job == job_) Slice();
    });
  }
}

void Snapshotter::OnWritten(Result<int64_t> bytes) {
  int64_t duration = clock_ms_() - started_ms_;
  // A failure can arrive while slices are still running: stop them.
  ++job_;
  view_.reset();
  writer_.reset();
  backoff_.cancel();
  stats_.in_progress = false;
  if (!bytes) {
    ++stats_.failed;
    spdlog::error("snapshot failed zxid={} reason=\"{}\"", Hex(zxid_), bytes.error().message());
    return;
  }
  ++stats_.taken;
  stats_.last_zxid = zxid_;
  stats_.last_duration_ms = duration;
  stats_.last_bytes = bytes.value();
  spdlog::info("snapshot written zxid={} duration_ms={} bytes={} preserved_nodes={} max_slice_us={}",
               Hex(zxid_), duration, bytes.value(), stats_.last_preserved, stats_.max_slice_us);
  auto oldest = storage::PurgeSnapshots(env_, options_.dir, options_.retain);
  if (!oldest) {
    spdlog::warn("snapshot purge failed reason=\"{}\"", oldest.error().message());
    return;
  }
  purge_log_(oldest.value());
}

}  // namespace cairn::server
