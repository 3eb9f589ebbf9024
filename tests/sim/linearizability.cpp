// tests/sim/linearizability.cpp: the per-key Wing & Gong search with a memo
// of explored states, the shrinking of a violation to a small conflicting
// set, and the report. See linearizability.h for the model.
#include "sim/linearizability.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "base/assert.h"

namespace cairn::sim {

namespace {

constexpr size_t kNone = static_cast<size_t>(-1);
constexpr int32_t kAbsent = 0;  // the interned id of "" in every key

// One operation of one key's sub-history, as the search sees it.
struct KeyOp {
  int64_t call;
  int64_t ret;  // kPending when the outcome is unknown: it never precedes anything
  bool is_write;
  int32_t value;         // interned per key; kAbsent is ""
  size_t history_index;  // position in the caller's history, for the report
};

enum class Verdict { kLinearizable, kViolation, kGaveUp };

struct SearchOutcome {
  Verdict verdict;
  size_t states;  // distinct states stored in the memo
};

// SplitMix64's finalizer: a fixed bijection that spreads bits, so search
// hashing is the same on every platform and run.
uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// The memo of Lowe's improvement: the search states (linearized set, value)
// already reached. Open addressing over one flat arena, because a node-based
// set of vectors would cost several times the memory at a million states.
// Lives for one search; not thread-safe.
class StateSet {
 public:
  explicit StateSet(size_t bitset_words)
      : bitset_words_(bitset_words), slots_(kInitialSlots, kEmpty) {}

  // Adds (bits, value), whose hash the caller keeps incrementally. Returns
  // false if the state was already present.
  bool Insert(uint64_t hash, const std::vector<uint64_t>& bits, int32_t value) {
    CAIRN_ASSERT(bits.size() == bitset_words_);
    if ((count_ + 1) * 2 > slots_.size()) Grow();
    const size_t mask = slots_.size() - 1;
    // Bounded: the load factor stays at most 1/2, so an empty slot exists.
    for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
      const uint32_t id = slots_[slot];
      if (id == kEmpty) {
        CAIRN_ASSERT(count_ < kEmpty);
        slots_[slot] = static_cast<uint32_t>(count_++);
        hashes_.push_back(hash);
        values_.push_back(value);
        arena_.insert(arena_.end(), bits.begin(), bits.end());
        return true;
      }
      if (hashes_[id] == hash && values_[id] == value &&
          std::equal(bits.begin(), bits.end(), arena_.begin() + id * bitset_words_)) {
        return false;
      }
    }
  }

  size_t size() const { return count_; }

 private:
  static constexpr uint32_t kEmpty = 0xffffffffu;
  static constexpr size_t kInitialSlots = 1024;

  void Grow() {
    std::vector<uint32_t> slots(slots_.size() * 2, kEmpty);
    const size_t mask = slots.size() - 1;
    for (size_t id = 0; id < count_; ++id) {
      size_t slot = hashes_[id] & mask;
      while (slots[slot] != kEmpty) slot = (slot + 1) & mask;
      slots[slot] = static_cast<uint32_t>(id);
    }
    slots_ = std::move(slots);
  }

  size_t bitset_words_;
  size_t count_ = 0;
  std::vector<uint32_t> slots_;   // state id, or kEmpty
  std::vector<uint64_t> hashes_;  // by state id
  std::vector<int32_t> values_;   // by state id
  std::vector<uint64_t> arena_;   // state id's bitset at [id * words, (id + 1) * words)
};

// Depth-first Wing & Gong search over one key's operations. Iterative, so
// the depth is bounded by the operation count rather than the C++ stack.
// An operation may be linearized next iff no unlinearized operation returned
// before its call, i.e. iff call <= the least ret among unlinearized ops.
// When a candidate read sees the current value, it is linearized at once
// without branching: everything that must precede it already has been, and
// a read changes no state, so if any completion exists, one starting with
// that read does. Keeps a copy of its operations; run once.
class KeySearch {
 public:
  KeySearch(const std::vector<KeyOp>& ops, size_t max_states)
      : ops_(Simplify(ops)),
        bits_((ops_.size() + 63) / 64, 0),
        max_states_(max_states),
        seen_(bits_.size()) {
    CAIRN_ASSERT(max_states_ >= 1);
    std::sort(ops_.begin(), ops_.end(), [](const KeyOp& a, const KeyOp& b) {
      return std::tie(a.call, a.ret, a.history_index) < std::tie(b.call, b.ret, b.history_index);
    });
    by_ret_.resize(ops_.size());
    for (size_t i = 0; i < ops_.size(); ++i) {
      by_ret_[i] = i;
      zobrist_.push_back(Mix64(i + 1));
      if (ops_[i].ret != kPending) ++completed_;
    }
    std::sort(by_ret_.begin(), by_ret_.end(), [this](size_t a, size_t b) {
      return std::tie(ops_[a].ret, a) < std::tie(ops_[b].ret, b);
    });
  }

  SearchOutcome Run();

 private:
  struct Frame {
    size_t call_cursor;  // first unlinearized op in call order
    size_t ret_cursor;   // position in by_ret_ of the first unlinearized op
    size_t next;         // next call-order position to try from this frame
    size_t forced;       // a legal candidate read, the frame's only choice; or kNone
    int32_t value;       // register value after the ops linearized so far
    size_t entered_by;   // op linearized to reach this frame; kNone at the root
  };

  // Two rewrites that keep the verdict and shrink the search:
  //  - A pending write that no read observes is dropped: leaving it out is
  //    a valid choice (it never took effect), and including it could only
  //    break reads. That spares a factor of two per such write.
  //  - The only write of a value some read observes (other than "") must
  //    precede all those reads, so it must be linearized before the first of
  //    them returns: its ret becomes min(ret, that read's ret). A pending
  //    write so observed thereby becomes one that must take effect.
  static std::vector<KeyOp> Simplify(const std::vector<KeyOp>& ops);

  bool IsLinearized(size_t i) const { return (bits_[i / 64] >> (i % 64)) & 1; }
  void Flip(size_t i);
  size_t NextCandidate(Frame& frame) const;
  size_t LegalReadCandidate(const Frame& frame) const;
  Frame ChildOf(const Frame& parent, size_t op, int32_t value) const;

  std::vector<KeyOp> ops_;      // in call order
  std::vector<size_t> by_ret_;  // op indices in ret order
  std::vector<uint64_t> zobrist_;
  std::vector<uint64_t> bits_;  // linearized ops
  uint64_t bits_hash_ = 0;      // XOR of zobrist_ over linearized ops
  size_t completed_ = 0;        // ops with a known ret: all must be linearized
  size_t completed_linearized_ = 0;
  size_t max_states_;
  StateSet seen_;
};

std::vector<KeyOp> KeySearch::Simplify(const std::vector<KeyOp>& ops) {
  size_t value_count = 1;
  for (const KeyOp& op : ops)
    value_count = std::max(value_count, static_cast<size_t>(op.value) + 1);
  std::vector<size_t> writers(value_count, 0);
  std::vector<int64_t> first_read_ret(value_count, kPending);  // kPending: never read
  for (const KeyOp& op : ops) {
    if (op.is_write) {
      ++writers[op.value];
    } else {
      first_read_ret[op.value] = std::min(first_read_ret[op.value], op.ret);
    }
  }
  std::vector<KeyOp> simplified;
  for (KeyOp op : ops) {
    if (op.is_write) {
      const int64_t read_ret = first_read_ret[op.value];
      if (op.ret == kPending && read_ret == kPending) continue;
      if (op.value != kAbsent && writers[op.value] == 1) op.ret = std::min(op.ret, read_ret);
    }
    simplified.push_back(op);
  }
  return simplified;
}

void KeySearch::Flip(size_t i) {
  bits_[i / 64] ^= uint64_t{1} << (i % 64);
  bits_hash_ ^= zobrist_[i];
  if (ops_[i].ret == kPending) return;
  if (IsLinearized(i)) {
    ++completed_linearized_;
  } else {
    --completed_linearized_;
  }
}

size_t KeySearch::NextCandidate(Frame& frame) const {
  // Some completed op is unlinearized (else the search has succeeded), and
  // completed ops sort before pending ones by ret.
  CAIRN_ASSERT(frame.ret_cursor < by_ret_.size());
  if (frame.forced != kNone) {
    const size_t read = frame.forced;
    frame.forced = kNone;
    frame.next = ops_.size();
    return read;
  }
  const int64_t least_ret = ops_[by_ret_[frame.ret_cursor]].ret;
  for (; frame.next < ops_.size(); ++frame.next) {
    if (IsLinearized(frame.next)) continue;
    if (ops_[frame.next].call > least_ret) break;
    return frame.next++;
  }
  frame.next = ops_.size();
  return kNone;
}

size_t KeySearch::LegalReadCandidate(const Frame& frame) const {
  CAIRN_ASSERT(frame.ret_cursor < by_ret_.size());
  const int64_t least_ret = ops_[by_ret_[frame.ret_cursor]].ret;
  for (size_t i = frame.call_cursor; i < ops_.size() && ops_[i].call <= least_ret; ++i) {
    if (!IsLinearized(i) && !ops_[i].is_write && ops_[i].value == frame.value) return i;
  }
  return kNone;
}

KeySearch::Frame KeySearch::ChildOf(const Frame& parent, size_t op, int32_t value) const {
  size_t call_cursor = parent.call_cursor;
  while (call_cursor < ops_.size() && IsLinearized(call_cursor)) ++call_cursor;
  size_t ret_cursor = parent.ret_cursor;
  while (ret_cursor < by_ret_.size() && IsLinearized(by_ret_[ret_cursor])) ++ret_cursor;
  Frame child{call_cursor, ret_cursor, call_cursor, kNone, value, op};
  child.forced = LegalReadCandidate(child);
  return child;
}

SearchOutcome KeySearch::Run() {
  if (completed_ == 0) return {Verdict::kLinearizable, 0};
  std::vector<Frame> stack;
  stack.reserve(ops_.size() + 1);  // one frame per linearized op: no reallocation
  Frame root{0, 0, 0, kNone, kAbsent, kNone};
  root.forced = LegalReadCandidate(root);
  stack.push_back(root);
  // Bounded: every push stores a new state in seen_ (at most max_states_ + 1),
  // and each frame tries at most ops_.size() candidates.
  while (!stack.empty()) {
    Frame& frame = stack.back();
    const size_t op = NextCandidate(frame);
    if (op == kNone) {
      const size_t undo = frame.entered_by;
      stack.pop_back();
      if (undo != kNone) Flip(undo);
      continue;
    }
    int32_t value = frame.value;
    if (ops_[op].is_write) {
      value = ops_[op].value;
    } else if (ops_[op].value != value) {
      continue;
    }
    Flip(op);
    if (completed_linearized_ == completed_) return {Verdict::kLinearizable, seen_.size()};
    const uint64_t state_hash = bits_hash_ ^ Mix64(~static_cast<uint64_t>(value));
    if (!seen_.Insert(state_hash, bits_, value)) {
      Flip(op);
      continue;
    }
    if (seen_.size() > max_states_) return {Verdict::kGaveUp, seen_.size()};
    stack.push_back(ChildOf(frame, op, value));
  }
  return {Verdict::kViolation, seen_.size()};
}

// Dropping a read only removes a constraint. Dropping a write is sound when
// no kept read observes its value: in a linearization of the larger set that
// write never sits between a kept read and the write that read observes, so
// deleting it leaves every kept read's value intact. Either way, if kept
// cannot be linearized then neither can kept + removed.
bool RemovalIsSound(const std::vector<KeyOp>& kept, const std::vector<KeyOp>& removed) {
  for (const KeyOp& w : removed) {
    if (!w.is_write) continue;
    for (const KeyOp& r : kept) {
      if (!r.is_write && r.value == w.value) return false;
    }
  }
  return true;
}

struct Conflict {
  std::vector<KeyOp> ops;
  bool minimal;  // false if the shrinking stopped at the state bound
};

// Shrinks a violating set of operations, delta-debugging style: try dropping
// chunks of halving size, keeping any sound drop after which the rest is
// still a proven violation; finish with single drops until none succeeds.
// The searches share a budget of max_states states.
Conflict Shrink(std::vector<KeyOp> ops, size_t max_states) {
  size_t budget = max_states;
  size_t chunk = std::max<size_t>(ops.size() / 2, 1);
  // Bounded: a pass either removes an op, halves chunk, or (at chunk 1 with
  // no removal) ends; the budget ends it early.
  while (true) {
    bool removed_any = false;
    for (size_t start = 0; start < ops.size();) {
      const size_t end = std::min(start + chunk, ops.size());
      std::vector<KeyOp> kept(ops.begin(), ops.begin() + start);
      kept.insert(kept.end(), ops.begin() + end, ops.end());
      const std::vector<KeyOp> removed(ops.begin() + start, ops.begin() + end);
      if (!RemovalIsSound(kept, removed)) {
        start = end;
        continue;
      }
      if (budget == 0) return {std::move(ops), false};
      const SearchOutcome outcome = KeySearch(kept, budget).Run();
      budget -= std::min(budget, outcome.states);
      if (outcome.verdict == Verdict::kGaveUp) return {std::move(ops), false};
      if (outcome.verdict == Verdict::kViolation) {
        ops = std::move(kept);
        removed_any = true;
      } else {
        start = end;
      }
    }
    if (chunk > 1) {
      chunk /= 2;
    } else if (!removed_any) {
      return {std::move(ops), true};
    }
  }
}

struct KeyHistory {
  std::vector<KeyOp> ops;
  std::unordered_map<std::string, int32_t> value_ids;
};

std::map<std::string, KeyHistory> PartitionByKey(const std::vector<Operation>& history) {
  std::map<std::string, KeyHistory> by_key;
  for (size_t i = 0; i < history.size(); ++i) {
    const Operation& op = history[i];
    CAIRN_ASSERT(op.call != kPending);
    CAIRN_ASSERT(op.ret == kPending || op.call <= op.ret);
    const bool is_write = op.kind == Operation::kWrite;
    if (!is_write && (op.ret == kPending || !op.ok)) continue;  // observed nothing
    KeyHistory& key = by_key[op.key];
    if (key.value_ids.empty()) key.value_ids.emplace("", kAbsent);
    const auto next_id = static_cast<int32_t>(key.value_ids.size());
    const int32_t value = key.value_ids.emplace(op.value, next_id).first->second;
    const int64_t ret = is_write && !op.ok ? kPending : op.ret;
    key.ops.push_back(KeyOp{op.call, ret, is_write, value, i});
  }
  return by_key;
}

// Printable bytes as they are; quotes, backslashes and the rest as escapes.
std::string Quote(const std::string& s) {
  if (s.empty()) return "<absent>";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string DescribeConflict(const std::vector<Operation>& history, const std::string& key,
                             size_t key_op_count, const Conflict& conflict) {
  std::vector<KeyOp> ops = conflict.ops;
  std::sort(ops.begin(), ops.end(), [](const KeyOp& a, const KeyOp& b) {
    return std::tie(a.call, a.history_index) < std::tie(b.call, b.history_index);
  });
  std::string out = "key " + Quote(key) + ": not linearizable; " +
                    (conflict.minimal ? "minimal conflicting set of " : "conflicting set of ") +
                    std::to_string(ops.size()) + " of its " + std::to_string(key_op_count) +
                    " operations" +
                    (conflict.minimal ? "" : " (not shrunk further: search bound reached)") + ":\n";
  for (const KeyOp& op : ops) {
    out += "  " + DescribeOperation(history[op.history_index], op.history_index) + "\n";
  }
  return out;
}

}  // namespace

std::string DescribeOperation(const Operation& op, size_t index) {
  const bool is_write = op.kind == Operation::kWrite;
  std::string out = "#" + std::to_string(index) + " client " + std::to_string(op.client) +
                    (is_write ? " write " : " read ") + Quote(op.value) + " [" +
                    std::to_string(op.call) + ", " +
                    (op.ret == kPending ? std::string("pending") : std::to_string(op.ret)) + "]";
  if (!op.ok) out += " outcome unknown";
  return out;
}

LinearizabilityResult CheckLinearizable(const std::vector<Operation>& history,
                                        size_t max_states_per_key) {
  CAIRN_ASSERT(max_states_per_key >= 1);
  LinearizabilityResult result;
  std::string gave_up_notes;
  for (const auto& [key, key_history] : PartitionByKey(history)) {
    const SearchOutcome outcome = KeySearch(key_history.ops, max_states_per_key).Run();
    result.states_explored += outcome.states;
    if (outcome.verdict == Verdict::kLinearizable) continue;
    result.ok = false;
    if (outcome.verdict == Verdict::kGaveUp) {
      result.gave_up = true;
      gave_up_notes += "key " + Quote(key) + ": gave up after " +
                       std::to_string(max_states_per_key) + " states (max_states_per_key) on " +
                       std::to_string(key_history.ops.size()) + " operations; verdict unknown\n";
      continue;
    }
    const Conflict conflict = Shrink(key_history.ops, max_states_per_key);
    for (const KeyOp& op : conflict.ops) result.conflict.push_back(op.history_index);
    std::sort(result.conflict.begin(), result.conflict.end());
    result.gave_up = false;  // a proven violation outranks unknown verdicts
    result.explanation = DescribeConflict(history, key, key_history.ops.size(), conflict);
    if (!gave_up_notes.empty()) result.explanation += "also:\n" + gave_up_notes;
    return result;
  }
  result.explanation = gave_up_notes;
  return result;
}

}  // namespace cairn::sim
