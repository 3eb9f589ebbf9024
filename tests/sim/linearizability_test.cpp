// Checks CheckLinearizable on hand-written histories whose verdict is known
// (including the exact conflicting set it reports), against a brute-force
// oracle on small random histories, and on large random histories built
// linearizable from a sequential schedule, then corrupted by one stale read.
#include "sim/linearizability.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

using cairn::sim::CheckLinearizable;
using cairn::sim::kPending;
using cairn::sim::LinearizabilityResult;
using cairn::sim::Operation;

namespace {

Operation Write(int client, const std::string& key, const std::string& value, int64_t call,
                int64_t ret, bool ok = true) {
  return Operation{client, Operation::kWrite, key, value, call, ret, ok};
}

Operation Read(int client, const std::string& key, const std::string& value, int64_t call,
               int64_t ret) {
  return Operation{client, Operation::kRead, key, value, call, ret, true};
}

bool IsViolation(const LinearizabilityResult& r) { return !r.ok && !r.gave_up; }

std::vector<Operation> Subset(const std::vector<Operation>& h, const std::vector<size_t>& idx) {
  std::vector<Operation> out;
  for (size_t i : idx) out.push_back(h[i]);
  return out;
}

// Uniform in [0, n) with our own arithmetic: std distributions differ between
// standard libraries.
uint64_t Below(std::mt19937_64& rng, uint64_t n) { return rng() % n; }

// Independent oracle for tiny one-key histories: tries every order of every
// set holding all completed operations (unknown writes optional), checking
// real-time order pairwise and register semantics directly.
bool BruteForceLinearizable(const std::vector<Operation>& h) {
  std::vector<Operation> required, optional;
  for (const Operation& op : h) {
    const bool unknown = op.ret == kPending || !op.ok;
    if (op.kind == Operation::kRead && unknown) continue;
    (unknown ? optional : required).push_back(op);
  }
  auto effective_ret = [](const Operation& op) { return op.ok ? op.ret : kPending; };
  for (uint64_t mask = 0; mask < (uint64_t{1} << optional.size()); ++mask) {
    std::vector<Operation> ops = required;
    for (size_t i = 0; i < optional.size(); ++i) {
      if ((mask >> i) & 1) ops.push_back(optional[i]);
    }
    std::vector<size_t> order(ops.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    do {
      bool fits = true;
      std::string value;
      for (size_t p = 0; p < order.size() && fits; ++p) {
        const Operation& op = ops[order[p]];
        for (size_t q = p + 1; q < order.size() && fits; ++q) {
          fits = !(effective_ret(ops[order[q]]) < op.call);  // a later op may not precede op
        }
        if (op.kind == Operation::kWrite) {
          value = op.value;
        } else {
          fits = fits && op.value == value;
        }
      }
      if (fits) return true;
    } while (std::next_permutation(order.begin(), order.end()));
  }
  return false;
}

// A history that is linearizable by construction: op i takes effect at time
// 10 * i + 5 and its interval is stretched around that point by up to
// max_stretch each way. About one write in ten has an unknown outcome, and
// half of those never take effect.
std::vector<Operation> LinearizableHistory(uint64_t seed, size_t op_count, int key_count,
                                           int64_t max_stretch, bool unique_values) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> current(key_count);
  std::vector<Operation> h;
  for (size_t i = 0; i < op_count; ++i) {
    const int64_t point = 10 * static_cast<int64_t>(i) + 5;
    const int key = static_cast<int>(Below(rng, key_count));
    const int client = static_cast<int>(Below(rng, 8));
    const int64_t call = point - static_cast<int64_t>(Below(rng, max_stretch));
    const int64_t ret = point + static_cast<int64_t>(Below(rng, max_stretch));
    const std::string key_name = "k" + std::to_string(key);
    if (Below(rng, 2) == 0) {
      h.push_back(Read(client, key_name, current[key], call, ret));
      continue;
    }
    const std::string value = unique_values
                                  ? "v" + std::to_string(i)
                                  : std::string(1, static_cast<char>('a' + Below(rng, 3)));
    if (Below(rng, 10) == 0) {
      h.push_back(Write(client, key_name, value, call, Below(rng, 2) ? kPending : ret, false));
      if (Below(rng, 2) == 0) current[key] = value;
    } else {
      h.push_back(Write(client, key_name, value, call, ret));
      current[key] = value;
    }
  }
  return h;
}

// Finds a read r and a completed write w_old of another value such that some
// completed write w_new satisfies w_old.ret < w_new.call and
// w_new.ret < r.call. With unique values, r seeing w_old's value is then
// impossible. Returns (r, w_old).
std::optional<std::pair<size_t, size_t>> FindStaleReadCorruption(const std::vector<Operation>& h) {
  auto completed_write = [&](size_t i) { return h[i].kind == Operation::kWrite && h[i].ok; };
  for (size_t r = h.size(); r-- > 0;) {
    if (h[r].kind != Operation::kRead) continue;
    for (size_t w_new = 0; w_new < h.size(); ++w_new) {
      if (!completed_write(w_new) || h[w_new].key != h[r].key || h[w_new].ret >= h[r].call) {
        continue;
      }
      for (size_t w_old = 0; w_old < h.size(); ++w_old) {
        if (completed_write(w_old) && h[w_old].key == h[r].key && h[w_old].ret < h[w_new].call &&
            h[w_old].value != h[r].value) {
          return std::make_pair(r, w_old);
        }
      }
    }
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("Linearizability: a sequential history with a delete is linearizable", "[sim]") {
  const std::vector<Operation> h = {
      Read(1, "x", "", 0, 1),   Write(1, "x", "1", 2, 3), Read(2, "x", "1", 4, 5),
      Write(2, "x", "2", 6, 7), Read(1, "x", "2", 8, 9),  Write(1, "x", "", 10, 11),
      Read(2, "x", "", 12, 13),
  };
  const LinearizabilityResult r = CheckLinearizable(h);
  CHECK(r.ok);
  CHECK_FALSE(r.gave_up);
  CHECK(r.explanation.empty());
  CHECK(r.conflict.empty());
}

TEST_CASE("Linearizability: a read overlapping a write may see the old or the new value", "[sim]") {
  for (const char* seen : {"1", "2"}) {
    const std::vector<Operation> h = {Write(1, "x", "1", 0, 1), Write(2, "x", "2", 2, 10),
                                      Read(3, "x", seen, 3, 4)};
    CHECK(CheckLinearizable(h).ok);
  }
  const std::vector<Operation> h = {Write(1, "x", "1", 0, 1), Write(2, "x", "2", 2, 10),
                                    Read(3, "x", "", 3, 4)};
  CHECK(IsViolation(CheckLinearizable(h)));
}

TEST_CASE("Linearizability: ops overlap when one returns at the step the other is called",
          "[sim]") {
  CHECK(CheckLinearizable({Write(1, "x", "1", 0, 5), Read(2, "x", "", 5, 6)}).ok);
  CHECK(IsViolation(CheckLinearizable({Write(1, "x", "1", 0, 4), Read(2, "x", "", 5, 6)})));
}

TEST_CASE("Linearizability: a stale read after a completed later write is reported minimally",
          "[sim]") {
  const std::vector<Operation> h = {
      Write(1, "x", "1", 0, 1), Write(2, "x", "2", 2, 3), Read(4, "x", "2", 4, 5),
      Read(3, "x", "1", 6, 7),  Write(5, "y", "9", 0, 9),
  };
  const LinearizabilityResult r = CheckLinearizable(h);
  REQUIRE(IsViolation(r));
  CHECK(r.conflict == std::vector<size_t>{0, 1, 3});
  CHECK(r.explanation ==
        "key \"x\": not linearizable; minimal conflicting set of 3 of its 4 operations:\n"
        "  #0 client 1 write \"1\" [0, 1]\n"
        "  #1 client 2 write \"2\" [2, 3]\n"
        "  #3 client 3 read \"1\" [6, 7]\n");
}

TEST_CASE("Linearizability: a read of a value never written is a conflict on its own", "[sim]") {
  const std::vector<Operation> h = {Write(1, "x", "1", 0, 1), Read(2, "x", "1", 2, 3),
                                    Read(3, "x", "ghost", 4, 5)};
  const LinearizabilityResult r = CheckLinearizable(h);
  REQUIRE(IsViolation(r));
  CHECK(r.conflict == std::vector<size_t>{2});
}

TEST_CASE("Linearizability: a write of unknown outcome may take effect after its call", "[sim]") {
  for (int64_t ret : {int64_t{3}, kPending}) {
    const std::vector<Operation> h = {Write(1, "x", "1", 0, 1), Write(2, "x", "2", 2, ret, false),
                                      Read(3, "x", "1", 20, 21), Read(3, "x", "2", 30, 31)};
    CHECK(CheckLinearizable(h).ok);  // it took effect after its client gave up
  }
}

TEST_CASE("Linearizability: a write of unknown outcome may never take effect", "[sim]") {
  for (int64_t ret : {int64_t{3}, kPending}) {
    const std::vector<Operation> h = {Write(1, "x", "1", 0, 1), Write(2, "x", "2", 2, ret, false),
                                      Read(3, "x", "1", 4, 5), Read(3, "x", "1", 40, 41)};
    CHECK(CheckLinearizable(h).ok);
  }
}

TEST_CASE("Linearizability: a write of unknown outcome neither precedes its call nor reverts",
          "[sim]") {
  const std::vector<Operation> early = {Write(1, "x", "1", 0, 1), Read(2, "x", "2", 2, 3),
                                        Write(3, "x", "2", 5, kPending, false)};
  CHECK(IsViolation(CheckLinearizable(early)));
  const std::vector<Operation> reverted = {Write(1, "x", "1", 0, 1),
                                           Write(2, "x", "2", 2, kPending, false),
                                           Read(3, "x", "2", 5, 6), Read(3, "x", "1", 7, 8)};
  const LinearizabilityResult r = CheckLinearizable(reverted);
  REQUIRE(IsViolation(r));
  CHECK(r.conflict == std::vector<size_t>{0, 1, 2, 3});
  CHECK(r.explanation.find("#1 client 2 write \"2\" [2, pending] outcome unknown") !=
        std::string::npos);
}

TEST_CASE("Linearizability: two reads may not see new then old in real-time order", "[sim]") {
  const std::vector<Operation> impossible = {Write(1, "x", "old", 0, 1),
                                             Write(2, "x", "new", 2, 20), Read(3, "x", "new", 3, 4),
                                             Read(4, "x", "old", 5, 6)};
  const LinearizabilityResult r = CheckLinearizable(impossible);
  REQUIRE(IsViolation(r));
  CHECK(r.conflict == std::vector<size_t>{0, 1, 2, 3});
  const std::vector<Operation> possible = {Write(1, "x", "old", 0, 1), Write(2, "x", "new", 2, 20),
                                           Read(3, "x", "old", 3, 4), Read(4, "x", "new", 5, 6)};
  CHECK(CheckLinearizable(possible).ok);
  // Overlapping reads may see the values in either order.
  const std::vector<Operation> overlapping = {Write(1, "x", "old", 0, 1),
                                              Write(2, "x", "new", 2, 20),
                                              Read(3, "x", "new", 3, 6), Read(4, "x", "old", 5, 8)};
  CHECK(CheckLinearizable(overlapping).ok);
}

TEST_CASE("Linearizability: repeated values are judged by position, not by value", "[sim]") {
  const std::vector<Operation> base = {Write(1, "x", "a", 0, 1), Write(1, "x", "b", 2, 3),
                                       Write(1, "x", "a", 4, 5)};
  std::vector<Operation> h = base;
  h.push_back(Read(2, "x", "a", 6, 7));
  CHECK(CheckLinearizable(h).ok);
  h = base;
  h.push_back(Read(2, "x", "b", 6, 7));
  CHECK(IsViolation(CheckLinearizable(h)));
}

TEST_CASE("Linearizability: reads without an answer constrain nothing", "[sim]") {
  Operation failed = Read(2, "x", "ghost", 2, 3);
  failed.ok = false;
  const std::vector<Operation> h = {Write(1, "x", "1", 0, 1), Read(2, "x", "ghost", 2, kPending),
                                    failed};
  CHECK(CheckLinearizable(h).ok);
}

TEST_CASE("Linearizability: keys are independent registers", "[sim]") {
  // As one register this would fail: the read of a follows the write to b.
  const std::vector<Operation> h = {Write(1, "a", "1", 0, 1), Write(2, "b", "2", 2, 3),
                                    Read(3, "a", "1", 4, 5), Read(3, "b", "2", 4, 5)};
  CHECK(CheckLinearizable(h).ok);

  std::vector<Operation> bad = h;
  bad.push_back(Read(4, "b", "", 6, 7));  // b was written and never deleted
  const LinearizabilityResult r = CheckLinearizable(bad);
  REQUIRE(IsViolation(r));
  CHECK(r.conflict == std::vector<size_t>{1, 4});
  CHECK(r.explanation.rfind("key \"b\": not linearizable", 0) == 0);
}

TEST_CASE("Linearizability: hitting the state bound reports gave_up, not a verdict", "[sim]") {
  std::vector<Operation> h;
  for (int i = 0; i < 12; ++i) h.push_back(Write(i, "k", "v" + std::to_string(i), 0, 100));
  std::vector<Operation> fine = h, ghost = h;
  fine.push_back(Read(99, "k", "v3", 0, 100));
  ghost.push_back(Read(99, "k", "never", 0, 100));

  for (const auto* history : {&fine, &ghost}) {
    const LinearizabilityResult r = CheckLinearizable(*history, 5);
    CHECK_FALSE(r.ok);
    CHECK(r.gave_up);
    CHECK(r.conflict.empty());
    CHECK(r.explanation.find("key \"k\": gave up after 5 states") != std::string::npos);
  }
  CHECK(CheckLinearizable(fine).ok);
  CHECK(IsViolation(CheckLinearizable(ghost)));

  // A proven violation on another key outranks the unknown verdict.
  std::vector<Operation> both = ghost;
  both.push_back(Read(7, "z", "ghost", 0, 1));
  const LinearizabilityResult r = CheckLinearizable(both, 5);
  REQUIRE(IsViolation(r));
  CHECK(r.conflict == std::vector<size_t>{both.size() - 1});
  CHECK(r.explanation.find("also:\nkey \"k\": gave up") != std::string::npos);
}

TEST_CASE("Linearizability: agrees with a brute-force oracle on small random histories", "[sim]") {
  std::mt19937_64 rng(20240601);
  int linearizable = 0, violations = 0;
  for (int round = 0; round < 600; ++round) {
    std::vector<Operation> h;
    const size_t n = 1 + Below(rng, 6);
    for (size_t i = 0; i < n; ++i) {
      const auto call = static_cast<int64_t>(Below(rng, 10));
      const auto ret = call + static_cast<int64_t>(Below(rng, 6));
      const std::string value = std::vector<std::string>{"", "a", "b"}[Below(rng, 3)];
      if (Below(rng, 2) == 0) {
        h.push_back(Read(0, "k", value, call, Below(rng, 10) == 0 ? kPending : ret));
      } else {
        const bool unknown = Below(rng, 5) == 0;
        h.push_back(
            Write(1, "k", value, call, unknown && Below(rng, 2) ? kPending : ret, !unknown));
      }
    }
    const LinearizabilityResult r = CheckLinearizable(h);
    REQUIRE_FALSE(r.gave_up);
    INFO("round " << round);
    REQUIRE(r.ok == BruteForceLinearizable(h));
    (r.ok ? linearizable : violations)++;
  }
  CHECK(linearizable > 100);  // both verdicts are exercised
  CHECK(violations > 100);
}

TEST_CASE("Linearizability: random linearizable histories pass; one stale read fails them",
          "[sim]") {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    // 400 ops on 2 keys, each overlapping up to ~6 others on its key.
    const std::vector<Operation> h = LinearizableHistory(seed, 400, 2, 60, /*unique_values=*/true);
    INFO("seed " << seed);
    const LinearizabilityResult clean = CheckLinearizable(h);
    REQUIRE(clean.ok);

    const auto corruption = FindStaleReadCorruption(h);
    REQUIRE(corruption.has_value());
    const auto [read, old_write] = *corruption;
    std::vector<Operation> bad = h;
    bad[read].value = h[old_write].value;
    const LinearizabilityResult r = CheckLinearizable(bad);
    REQUIRE(IsViolation(r));
    INFO(r.explanation);
    CHECK(std::count(r.conflict.begin(), r.conflict.end(), read) == 1);
    CHECK(std::count(r.conflict.begin(), r.conflict.end(), old_write) == 1);
    CHECK(r.conflict.size() < 10);
    // The conflicting set is a violation by itself, and dropping any of its
    // reads makes it linearizable.
    CHECK(IsViolation(CheckLinearizable(Subset(bad, r.conflict))));
    for (size_t drop : r.conflict) {
      if (bad[drop].kind != Operation::kRead) continue;
      std::vector<size_t> rest;
      for (size_t i : r.conflict) {
        if (i != drop) rest.push_back(i);
      }
      CHECK(CheckLinearizable(Subset(bad, rest)).ok);
    }
  }
}

TEST_CASE("Linearizability: random histories with repeated values and one busy key pass", "[sim]") {
  for (uint64_t seed = 100; seed < 105; ++seed) {
    INFO("seed " << seed);
    CHECK(CheckLinearizable(LinearizableHistory(seed, 300, 1, 40, /*unique_values=*/false)).ok);
    CHECK(CheckLinearizable(LinearizableHistory(seed, 300, 1, 40, /*unique_values=*/true)).ok);
  }
}
