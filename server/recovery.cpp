#include "server/recovery.h"

#include "base/hex.h"
#include "base/ids.h"
#include "server/snapshot_content.h"
#include "zab/storage/snapshot_file.h"
#include "znode/txn.h"

namespace cairn::server {

bool FollowsInLog(int64_t prev_zxid, int64_t next_zxid) {
  auto prev = Zxid(prev_zxid), next = Zxid(next_zxid);
  if (EpochOf(next) == EpochOf(prev)) return CounterOf(next) == CounterOf(prev) + 1;
  return EpochOf(next) > EpochOf(prev) && CounterOf(next) <= 1;
}

namespace {

// Loads the newest snapshot that verifies into db; reports the others.
Result<void> LoadNewestSnapshot(storage::StorageEnv* env, const std::string& dir, int64_t now_mono_ms,
                                Database* db, RecoveryReport* report) {
  storage::RemoveTempSnapshots(env, dir);
  auto list = storage::ListSnapshots(env, dir);
  if (!list) return list.error();
  for (const auto& snap : list.value()) {
    auto reader = storage::SnapshotReader::Open(env, snap.path);
    Result<void> loaded = reader ? LoadSnapshotContent(reader.value().get(), now_mono_ms, db)
                                 : Result<void>(reader.error());
    if (loaded && reader.value()->zxid() != snap.zxid) {
      loaded = Corruption("snapshot " + snap.path + " holds zxid " + Hex(reader.value()->zxid()));
    }
    if (loaded) {
      report->snapshot_zxid = snap.zxid;
      report->snapshot_path = snap.path;
      return boost::outcome_v2::success();
    }
    report->rejected_snapshots.push_back(loaded.error().message());
    db->Reset();
  }
  return boost::outcome_v2::success();
}

}  // namespace

Result<RecoveryReport> Recover(storage::StorageEnv* env, const std::string& snapshot_dir,
                               const storage::TxnLog& log, int64_t now_mono_ms, Database* db,
                               const std::function<int64_t()>& clock_ms) {
  RecoveryReport report;
  report.torn_tail_zxid = log.torn_tail_zxid();
  int64_t started = clock_ms();
  auto loaded = LoadNewestSnapshot(env, snapshot_dir, now_mono_ms, db, &report);
  if (!loaded) return loaded.error();
  report.snapshot_load_ms = clock_ms() - started;
  int64_t base = report.snapshot_zxid;

  if (log.purged_through() > base) {
    std::string why = report.rejected_snapshots.empty()
                          ? "no snapshot at or after it exists in " + snapshot_dir
                          : "the snapshots after it do not verify (" + report.rejected_snapshots.front() + ")";
    return Corruption("txn log " + log.dir() + " dropped every txn through zxid " +
                      Hex(log.purged_through()) + " behind a snapshot, but " + why +
                      "; refusing to start without those txns (restore the snapshot, or move "
                      "the data directories aside to start empty)");
  }

  started = clock_ms();
  int64_t prev = base;
  Result<void> bad = boost::outcome_v2::success();
  auto scanned = log.Scan(base + 1, INT64_MAX, [&](storage::LogRecord& record) {
    if (!FollowsInLog(prev, record.zxid)) {
      bad = Corruption("txn log " + log.dir() + " has a gap: zxid " + Hex(record.zxid) + " follows " +
                       Hex(prev) + (prev == base && base != 0 ? " (the snapshot's zxid)" : ""));
      return false;
    }
    auto txn = znode::DecodeTxn(record.txn);
    if (!txn || txn.value().header.zxid != record.zxid) {
      bad = Corruption("txn log " + log.dir() + ": record zxid=" + Hex(record.zxid) +
                       (txn ? " holds a txn for zxid " + Hex(txn.value().header.zxid)
                            : " does not decode: " + txn.error().message()));
      return false;
    }
    db->Apply(txn.value(), now_mono_ms);
    prev = record.zxid;
    ++report.replayed_txns;
    return true;
  });
  if (!scanned) return scanned.error();
  if (!bad) return bad.error();
  report.replay_ms = clock_ms() - started;
  report.last_zxid = prev;
  db->set_last_zxid(prev);
  return report;
}

}  // namespace cairn::server
