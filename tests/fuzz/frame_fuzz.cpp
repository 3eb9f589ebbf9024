// libFuzzer target: feeds arbitrary bytes to proto::FrameDecoder in chunks
// whose sizes come from the input itself, and checks its frames and failure
// against a direct parse of the whole byte string (same frames, same
// verdict, however the bytes were split).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/frame.h"
#include "proto/jute.h"

namespace {

constexpr size_t kMaxFrameBytes = 512;

struct Parse {
  std::vector<std::string> frames;
  bool failed = false;
};

// The reference: frame := int length (0 <= length <= max), length bytes.
Parse ReferenceParse(std::string_view in) {
  Parse p;
  size_t pos = 0;
  while (in.size() - pos >= 4) {
    cairn::proto::JuteReader r(in.substr(pos, 4));
    int32_t len = r.Int();
    if (len < 0 || static_cast<size_t>(len) > kMaxFrameBytes) {
      p.failed = true;
      break;
    }
    if (in.size() - pos - 4 < static_cast<size_t>(len)) break;
    p.frames.emplace_back(in.substr(pos + 4, static_cast<size_t>(len)));
    pos += 4 + static_cast<size_t>(len);
  }
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // First byte: the chunk size pattern; the rest: the wire bytes.
  const unsigned pattern = data[0];
  std::string_view wire(reinterpret_cast<const char*>(data) + 1, size - 1);

  cairn::proto::FrameDecoder decoder(kMaxFrameBytes);
  Parse got;
  size_t pos = 0;
  unsigned step = 0;
  while (pos < wire.size()) {  // bounded: pos grows by >= 1 each round
    size_t chunk = 1 + ((pattern >> (step++ % 8)) & 0x7) * (1 + (pattern & 0x3) * 37);
    if (chunk > wire.size() - pos) chunk = wire.size() - pos;
    decoder.Feed(wire.substr(pos, chunk));
    pos += chunk;
    for (int i = 0; i <= static_cast<int>(wire.size()); ++i) {  // bounded by the frame count
      auto frame = decoder.Next();
      if (!frame) break;
      got.frames.push_back(std::move(*frame));
    }
  }
  got.failed = decoder.failed();

  Parse want = ReferenceParse(wire);
  if (got.failed != want.failed || got.frames != want.frames) __builtin_trap();
  if (decoder.failed() && decoder.error().empty()) __builtin_trap();
  // A failed decoder stays failed and yields nothing more.
  if (decoder.failed()) {
    decoder.Feed(std::string_view("\0\0\0\0", 4));
    if (decoder.Next().has_value() || !decoder.failed()) __builtin_trap();
  }
  return 0;
}
