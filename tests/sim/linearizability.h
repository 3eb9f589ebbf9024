// tests/sim/linearizability.h: a bounded linearizability checker for the
// histories the simulator records against its key-value register. Pure and
// single-threaded: no clock, no RNG, no globals; each call owns its data.
//
// Model. Every key is an independent register whose initial value is absent
// (""). A write sets the value (a write of "" deletes the key); a read
// returns it. Operation A precedes operation B in real time iff
// A.ret < B.call, so operations with equal call and ret times overlap. A
// history is linearizable iff some total order of its operations respects
// real-time precedence and register semantics.
//
// Unknown outcomes. A write with ok == false or ret == kPending (the client
// gave up, timed out or crashed) may take effect at any time after its call,
// or never: the checker treats its ret as +infinity. A read with
// ret == kPending or ok == false observed nothing and is dropped. Leave out
// operations known to have had no effect (e.g. a write rejected with an
// error).
//
// Method. The history is split by key and each key is checked on its own
// (P-compositionality, as Porcupine does). Within a key, a depth-first
// Wing & Gong search linearizes one operation at a time, with Lowe's memo of
// the states (set of linearized operations, current value) already explored
// in vain, plus two reductions that keep the verdict (a read that sees the
// current value is taken at once; the only writer of an observed value must
// precede its first reader's return). Written values need not be unique.
// Each key's search stops after max_states_per_key distinct states and
// reports gave_up instead of running on: 1e6 states of a 300-op key take
// about 1 s and 100 MB. Cost grows with concurrency per key, not length: at
// ~30 overlapping ops a 300-op key is settled in well under the default
// bound; at ~60 it may give up.
//
// On a proven violation the failing key's operations are shrunk, by sound
// removals only, to a small set that still cannot be linearized: dropping
// any one read of it, or any write whose value no read of it observes, makes
// the rest linearizable (unless the shrinking hit the bound; the explanation
// says so). Its violation implies the whole history's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace cairn::sim {

// The ret of an operation whose outcome is unknown.
inline constexpr int64_t kPending = std::numeric_limits<int64_t>::max();

// One client operation on one key, with logical times (simulator steps).
// REQUIRES: call != kPending; ret == kPending or call <= ret.
struct Operation {
  enum Kind { kWrite, kRead };

  int client = 0;
  Kind kind = kWrite;
  std::string key;
  std::string value;  // write: the value written; read: the value seen, "" = absent
  int64_t call = 0;
  int64_t ret = kPending;
  bool ok = true;  // false: the outcome is unknown (see the file comment)
};

// Exactly one of three verdicts:
//   ok                  every key was proven linearizable;
//   !ok && !gave_up     some key was proven not linearizable;
//   !ok && gave_up      no violation found, but some key hit the bound, so
//                       the verdict is unknown.
struct LinearizabilityResult {
  bool ok = true;
  bool gave_up = false;
  // Empty when ok. Otherwise the failing key and its conflicting set, one
  // operation a line in call order, or the keys that hit the bound.
  std::string explanation;
  // On a proven violation: indices into the history of the conflicting set
  // (all on one key), ascending.
  std::vector<size_t> conflict;
  // Distinct search states over all keys checked (not counting shrinking).
  size_t states_explored = 0;
};

// Checks every key of history, in key order, stopping at the first key with
// a proven violation. Keys that gave up before it are noted in its
// explanation.
// REQUIRES: max_states_per_key >= 1; every operation meets Operation's
// REQUIRES (checked with CAIRN_ASSERT).
LinearizabilityResult CheckLinearizable(const std::vector<Operation>& history,
                                        size_t max_states_per_key = 1'000'000);

// "#7 client 2 read \"v3\" [40, 52]" — one line of an explanation, for the
// simulator's own traces. index is the operation's position in its history.
std::string DescribeOperation(const Operation& op, size_t index);

}  // namespace cairn::sim
