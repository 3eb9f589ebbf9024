#include "session/session_snapshot.h"

#include "base/endian.h"

namespace cairn::session {

namespace {
constexpr char kTag = 'S';
constexpr size_t kSessionMinBytes = 8 + 4 + 4;
}  // namespace

std::string EncodeSessionSnapshot(const SessionTable& table) {
  std::string out(1, kTag);
  PutBigEndian32(&out, static_cast<uint32_t>(table.size()));
  for (const auto& [id, s] : table.all()) {
    PutBigEndian64(&out, static_cast<uint64_t>(id));
    PutBigEndian32(&out, static_cast<uint32_t>(s.timeout_ms));
    PutBigEndian32(&out, static_cast<uint32_t>(s.passwd.size()));
    out += s.passwd;
  }
  return out;
}

bool IsSessionSnapshotChunk(std::string_view chunk) { return !chunk.empty() && chunk[0] == kTag; }

Result<void> LoadSessionSnapshot(std::string_view chunk, int64_t now_ms, SessionTable* table) {
  std::string_view in = chunk.substr(1);
  auto bad = [] { return Corruption("snapshot session chunk does not decode"); };
  if (in.size() < 4) return bad();
  uint32_t count = GetBigEndian32(in);
  in.remove_prefix(4);
  if (count > in.size() / kSessionMinBytes) return bad();
  for (uint32_t i = 0; i < count; ++i) {
    if (in.size() < kSessionMinBytes) return bad();
    auto id = static_cast<int64_t>(GetBigEndian64(in));
    auto timeout = static_cast<int32_t>(GetBigEndian32(in.substr(8)));
    uint32_t n = GetBigEndian32(in.substr(12));
    in.remove_prefix(kSessionMinBytes);
    if (n > in.size()) return bad();
    table->Add(id, timeout, std::string(in.substr(0, n)), now_ms);
    in.remove_prefix(n);
  }
  if (!in.empty()) return bad();
  return boost::outcome_v2::success();
}

}  // namespace cairn::session
