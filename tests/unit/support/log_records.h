// tests/unit/support/log_records.h: what the storage tests share: zxids as
// ZAB makes them, reading a whole TxnLog back, and requiring a Result.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <vector>

#include "zab/storage/txn_log.h"

// Fails the test with the error's text unless expr (a Result) succeeded.
#define REQUIRE_OK(expr)                                                            \
  do {                                                                              \
    auto&& req_ok_result = (expr);                                                  \
    if (!req_ok_result) FAIL(#expr << ": " << req_ok_result.error().ToString());   \
  } while (0)

namespace cairn::testing {

inline constexpr int64_t kMaxZxid = std::numeric_limits<int64_t>::max();

// Zxids as ZAB makes them: epoch in the high 32 bits, counter in the low.
inline int64_t Z(int64_t counter, int64_t epoch = 1) { return (epoch << 32) | counter; }

inline std::vector<storage::LogRecord> ScanAll(const storage::TxnLog& log) {
  std::vector<storage::LogRecord> out;
  auto scanned = log.Scan(0, kMaxZxid, [&](storage::LogRecord& r) {
    out.push_back(r);
    return true;
  });
  if (!scanned) FAIL("scan: " << scanned.error().ToString());
  return out;
}

inline std::vector<int64_t> Zxids(const std::vector<storage::LogRecord>& records) {
  std::vector<int64_t> out;
  for (const auto& r : records) out.push_back(r.zxid);
  return out;
}

// Z(from) .. Z(to) of epoch 1.
inline std::vector<int64_t> Counters(int64_t from, int64_t to) {
  std::vector<int64_t> out;
  for (int64_t i = from; i <= to; ++i) out.push_back(Z(i));
  return out;
}

}  // namespace cairn::testing
