// zab/core/config.h: what a Peer is told at construction. Pure values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zab/core/types.h"

namespace cairn::zab {

struct PeerConfig {
  Sid self = 0;
  std::vector<Sid> voters;  // the ensemble, self included; a majority is a quorum

  // Time is counted in ticks (the server's tickTime).
  int init_limit = 10;     // discovery and sync must finish within this many ticks
  int sync_limit = 5;      // a follower must hear its leader, a leader a quorum, this often
  int vote_resend_min = 2;   // election: resend the vote after this many quiet ticks,
  int vote_resend_max = 16;  // doubling up to this
  int finalize_ticks = 1;    // wait after a quorum agrees, for a better vote
  int followerinfo_resend = 2;  // a follower repeats FOLLOWERINFO until answered

  size_t proposal_batch_max = 256;  // entries per PROPOSAL message
  size_t sync_entries_max = 100000;  // more behind than this: SNAP instead of DIFF
  // The highest counter a leader uses; reaching it starts a new epoch
  // (ZooKeeper's rollover). Lower it in tests to exercise the rollover.
  uint32_t counter_max = 0xffffffffu;

  // Seeds the jitter of timeouts. Give each incarnation of a server its own
  // seed: link ids and the leader's terms of office are drawn from it, and
  // telling an old incarnation's messages from a new one's (acks, sync
  // probes) relies on them differing.
  uint64_t seed = 1;
};

// What a Peer recovered from storage.
struct DurableState {
  Epoch accepted_epoch = 0;
  Epoch current_epoch = 0;
  // The state machine (its latest snapshot) is at this zxid: committed.
  Zxid snapshot_zxid = 0;
  // The logged entries above snapshot_zxid, ascending. Some may not be
  // committed; the leader of the next epoch decides.
  std::vector<Entry> log;
};

}  // namespace cairn::zab
