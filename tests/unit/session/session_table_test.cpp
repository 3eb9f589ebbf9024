// Drives SessionTable's expiry with explicit now_ms values (no clock):
// bucket rounding to the tick grid, touches, one-time expiry with the
// closing mark, removal, timeout changes, and the session id layout.
#include "session/session_table.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

using cairn::session::SessionTable;

namespace {

constexpr int64_t kTick = 2000;
const std::string kPw(16, 'p');

}  // namespace

TEST_CASE("SessionTable: expiry rounds now + timeout up to the next tick", "[session]") {
  SessionTable t(kTick);
  t.Add(1, 5000, kPw, 0);      // 5000 -> 6000
  t.Add(2, 4000, kPw, 0);      // 4000 is on the grid and still moves up: 6000
  t.Add(3, 4000, kPw, 1999);   // 5999 -> 6000
  t.Add(4, 4000, kPw, 2000);   // 6000 -> 8000
  CHECK(t.Find(1)->expires_at_ms == 6000);
  CHECK(t.Find(2)->expires_at_ms == 6000);
  CHECK(t.Find(3)->expires_at_ms == 6000);
  CHECK(t.Find(4)->expires_at_ms == 8000);
  CHECK(t.Find(1)->timeout_ms == 5000);
  CHECK(t.Find(1)->passwd == kPw);
  CHECK_FALSE(t.Find(1)->closing);
  CHECK(t.size() == 4);
}

TEST_CASE("SessionTable: Expire returns only due sessions, exactly once, marked closing",
          "[session]") {
  SessionTable t(kTick);
  t.Add(1, 5000, kPw, 0);  // 6000
  t.Add(2, 9000, kPw, 0);  // 10000
  CHECK(t.Expire(5999).empty());
  CHECK(t.Expire(6000) == std::vector<int64_t>{1});
  CHECK(t.Find(1)->closing);
  CHECK_FALSE(t.Find(2)->closing);
  CHECK(t.Expire(6000).empty());
  CHECK(t.Expire(9999).empty());
  CHECK(t.Expire(100000) == std::vector<int64_t>{2});
  CHECK(t.Expire(200000).empty());
  // Expired sessions stay known until their closeSession txn removes them.
  CHECK(t.size() == 2);
}

TEST_CASE("SessionTable: Expire takes every bucket at or before now in one call", "[session]") {
  SessionTable t(kTick);
  t.Add(10, 2000, kPw, 0);  // 4000
  t.Add(11, 4000, kPw, 0);  // 6000
  t.Add(12, 6000, kPw, 0);  // 8000
  auto out = t.Expire(7000);
  std::sort(out.begin(), out.end());
  CHECK(out == std::vector<int64_t>{10, 11});
}

TEST_CASE("SessionTable: Touch extends the expiry and never shortens it", "[session]") {
  SessionTable t(kTick);
  t.Add(1, 5000, kPw, 0);  // 6000
  CHECK(t.Touch(1, 3000));  // 8000 -> 10000
  CHECK(t.Find(1)->expires_at_ms == 10000);
  CHECK(t.Expire(6000).empty());
  CHECK(t.Touch(1, 0));  // would be 6000: stays 10000
  CHECK(t.Find(1)->expires_at_ms == 10000);
  CHECK(t.Expire(9999).empty());
  CHECK(t.Expire(10000) == std::vector<int64_t>{1});
}

TEST_CASE("SessionTable: Touch fails for unknown and closing sessions", "[session]") {
  SessionTable t(kTick);
  CHECK_FALSE(t.Touch(42, 0));
  t.Add(1, 5000, kPw, 0);
  t.MarkClosing(1);
  CHECK_FALSE(t.Touch(1, 1000));
  CHECK(t.Find(1)->closing);
  // A closing session is not expired again.
  CHECK(t.Expire(1000000).empty());
}

TEST_CASE("SessionTable: an expired session cannot be touched back to life", "[session]") {
  SessionTable t(kTick);
  t.Add(1, 2000, kPw, 0);
  REQUIRE(t.Expire(4000) == std::vector<int64_t>{1});
  CHECK_FALSE(t.Touch(1, 4000));
  CHECK(t.Expire(100000).empty());
}

TEST_CASE("SessionTable: Remove forgets a session and its bucket entry", "[session]") {
  SessionTable t(kTick);
  t.Add(1, 5000, kPw, 0);
  t.Add(2, 5000, kPw, 0);
  t.Remove(1);
  CHECK(t.Find(1) == nullptr);
  CHECK(t.size() == 1);
  CHECK(t.Expire(6000) == std::vector<int64_t>{2});
  t.Remove(2);
  t.Remove(2);  // twice is harmless
  t.Remove(99);
  CHECK(t.size() == 0);
  CHECK(t.all().empty());
}

TEST_CASE("SessionTable: SetTimeout renegotiates and reschedules, earlier too", "[session]") {
  SessionTable t(kTick);
  t.Add(1, 20000, kPw, 0);  // 22000
  t.SetTimeout(1, 4000, 1000);  // 5000 -> 6000
  CHECK(t.Find(1)->timeout_ms == 4000);
  CHECK(t.Find(1)->expires_at_ms == 6000);
  CHECK(t.Expire(6000) == std::vector<int64_t>{1});
  CHECK(t.Expire(22000).empty());
  t.SetTimeout(99, 1000, 0);  // unknown: ignored
  CHECK(t.Find(99) == nullptr);
}

TEST_CASE("SessionTable: a touch after SetTimeout uses the new timeout", "[session]") {
  SessionTable t(kTick);
  t.Add(1, 4000, kPw, 0);        // 6000
  t.SetTimeout(1, 10000, 0);     // 12000
  CHECK(t.Touch(1, 4000));       // 14000 -> 16000
  CHECK(t.Find(1)->expires_at_ms == 16000);
}

TEST_CASE("SessionTable: ids carry the server id in the top byte, then the start time",
          "[session]") {
  SessionTable t(kTick);
  const int64_t now_ms = 0x0000018bcfe5687bLL;
  t.InitIdGenerator(3, now_ms);
  int64_t first = t.NextSessionId();
  int64_t second = t.NextSessionId();
  auto u = static_cast<uint64_t>(first);
  CHECK(u >> 56 == 3);
  // (now << 24) >>> 8: the low 40 bits of the time in bits 16..55.
  CHECK(((u >> 16) & 0xffffffffffULL) == (static_cast<uint64_t>(now_ms) & 0xffffffffffULL));
  CHECK((u & 0xffff) == 0);
  CHECK(second == first + 1);
}

TEST_CASE("SessionTable: server id 255 gives a negative id that is never 0", "[session]") {
  SessionTable t(kTick);
  t.InitIdGenerator(255, 1);
  int64_t id = t.NextSessionId();
  CHECK(id < 0);
  CHECK(static_cast<uint64_t>(id) >> 56 == 0xff);
  SessionTable zero(kTick);
  zero.InitIdGenerator(0, 0);
  CHECK(zero.NextSessionId() != 0);
}

TEST_CASE("SessionTable: NextSessionId skips ids already in the table", "[session]") {
  SessionTable t(kTick);
  t.InitIdGenerator(1, 1000);
  int64_t first = t.NextSessionId();
  t.Add(first + 1, 4000, kPw, 0);
  CHECK(t.NextSessionId() == first + 2);
}
