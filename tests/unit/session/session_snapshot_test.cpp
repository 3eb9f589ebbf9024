// Checks the session table's snapshot chunk: encoding a SessionTable and
// loading it into a fresh one gives back every id, timeout and password,
// with expiry restarted from the load time (driven through
// SessionTable::Expire with explicit times), and malformed chunks load as
// Corruption.
#include "session/session_snapshot.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "base/endian.h"

using cairn::ErrorKind;
using cairn::session::EncodeSessionSnapshot;
using cairn::session::IsSessionSnapshotChunk;
using cairn::session::LoadSessionSnapshot;
using cairn::session::SessionTable;

namespace {

constexpr int64_t kTick = 2000;

struct Spec {
  int64_t id;
  int32_t timeout_ms;
  std::string passwd;
};

std::vector<Spec> Specs() {
  return {
      {0x0100000000000001LL, 4000, std::string("0123456789abcdef")},
      {0x0100000000000002LL, 10000, std::string("\0\xff\x01\x80zzzzzzzzzzzz", 16)},
      {0x7f000000000000ffLL, 30000, std::string(16, '\0')},
      {-0x100000000000001LL, 6000, ""},  // top byte 0xfe: a negative id
      {42, 40000, std::string(40, 'p')},
  };
}

SessionTable TableOf(const std::vector<Spec>& specs, int64_t now_ms) {
  SessionTable t(kTick);
  for (const auto& s : specs) t.Add(s.id, s.timeout_ms, s.passwd, now_ms);
  return t;
}

std::vector<int64_t> Sorted(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

void RequireCorruption(const std::string& chunk) {
  SessionTable t(kTick);
  auto r = LoadSessionSnapshot(chunk, 0, &t);
  REQUIRE_FALSE(r);
  CHECK(r.error().kind() == ErrorKind::kCorruption);
}

}  // namespace

TEST_CASE("SessionSnapshot: ids, timeouts and passwords round-trip", "[session]") {
  SessionTable original = TableOf(Specs(), 1000);
  original.MarkClosing(Specs()[1].id);
  std::string chunk = EncodeSessionSnapshot(original);
  CHECK(IsSessionSnapshotChunk(chunk));

  SessionTable loaded(kTick);
  REQUIRE(LoadSessionSnapshot(chunk, 500000, &loaded));
  REQUIRE(loaded.size() == Specs().size());
  for (const auto& s : Specs()) {
    INFO("session " << s.id);
    const cairn::session::Session* got = loaded.Find(s.id);
    REQUIRE(got != nullptr);
    CHECK(got->id == s.id);
    CHECK(got->timeout_ms == s.timeout_ms);
    CHECK(got->passwd == s.passwd);
    CHECK_FALSE(got->closing);  // closing is not state a snapshot keeps
  }
}

TEST_CASE("SessionSnapshot: an empty table round-trips", "[session]") {
  SessionTable empty(kTick);
  std::string chunk = EncodeSessionSnapshot(empty);
  CHECK(chunk == std::string("S\0\0\0\0", 5));
  SessionTable loaded(kTick);
  REQUIRE(LoadSessionSnapshot(chunk, 0, &loaded));
  CHECK(loaded.size() == 0);
}

TEST_CASE("SessionSnapshot: restored sessions expire a full timeout after the load", "[session]") {
  // The original sessions were about to expire at time 1000 + timeout; the
  // load at `now` restarts every clock.
  std::string chunk = EncodeSessionSnapshot(TableOf(Specs(), 1000));
  const int64_t now = 1000000;  // on the tick grid
  SessionTable loaded(kTick);
  REQUIRE(LoadSessionSnapshot(chunk, now, &loaded));

  for (const auto& s : Specs()) {
    CHECK(loaded.Find(s.id)->expires_at_ms >= now + s.timeout_ms);
    CHECK(loaded.Find(s.id)->expires_at_ms <= now + s.timeout_ms + kTick);
  }
  // Nothing is due before its timeout has run from the load time.
  CHECK(loaded.Expire(now + 3999).empty());
  // Each session expires once now + its timeout (rounded up to a tick) passed.
  std::vector<Spec> by_timeout = Specs();
  std::sort(by_timeout.begin(), by_timeout.end(),
            [](const Spec& a, const Spec& b) { return a.timeout_ms < b.timeout_ms; });
  for (const auto& s : by_timeout) {
    INFO("session " << s.id << " timeout " << s.timeout_ms);
    CHECK(loaded.Expire(now + s.timeout_ms - 1).empty());
    CHECK(loaded.Expire(now + s.timeout_ms + kTick) == std::vector<int64_t>{s.id});
  }
}

TEST_CASE("SessionSnapshot: a restored session is live and can be touched", "[session]") {
  const Spec s = Specs()[0];  // timeout 4000
  std::string chunk = EncodeSessionSnapshot(TableOf({s}, 0));
  SessionTable loaded(kTick);
  REQUIRE(LoadSessionSnapshot(chunk, 100000, &loaded));
  CHECK(loaded.Touch(s.id, 103000));
  CHECK(loaded.Expire(106000).empty());  // the touch moved it past 100000 + 4000
  CHECK(Sorted(loaded.Expire(110000)) == std::vector<int64_t>{s.id});
}

TEST_CASE("SessionSnapshot: a truncated chunk is Corruption", "[session]") {
  std::string chunk = EncodeSessionSnapshot(TableOf(Specs(), 0));
  for (size_t len = 1; len < chunk.size(); ++len) {
    INFO("cut to " << len << " of " << chunk.size());
    RequireCorruption(chunk.substr(0, len));
  }
}

TEST_CASE("SessionSnapshot: malformed chunks are Corruption", "[session]") {
  std::string good = EncodeSessionSnapshot(TableOf(Specs(), 0));
  SECTION("trailing bytes") { RequireCorruption(good + "x"); }
  SECTION("a count larger than the sessions present") {
    std::string bad = good;
    bad[4] = static_cast<char>(bad[4] + 1);
    RequireCorruption(bad);
  }
  SECTION("a huge count with no sessions behind it") {
    std::string bad = "S";
    cairn::PutBigEndian32(&bad, 0xffffffffu);
    RequireCorruption(bad);
  }
  SECTION("a password longer than the chunk") {
    std::string bad = "S";
    cairn::PutBigEndian32(&bad, 1);
    cairn::PutBigEndian64(&bad, 7);
    cairn::PutBigEndian32(&bad, 5000);
    cairn::PutBigEndian32(&bad, 0x7fffffffu);
    bad += "short";
    RequireCorruption(bad);
  }
  SECTION("a count smaller than the sessions present") {
    std::string bad = good;
    bad[4] = static_cast<char>(bad[4] - 1);
    RequireCorruption(bad);
  }
}

TEST_CASE("SessionSnapshot: only the 'S' tag marks a session chunk", "[session]") {
  CHECK(IsSessionSnapshotChunk("S"));
  CHECK_FALSE(IsSessionSnapshotChunk("A"));
  CHECK_FALSE(IsSessionSnapshotChunk("N"));
  CHECK_FALSE(IsSessionSnapshotChunk(""));
}
