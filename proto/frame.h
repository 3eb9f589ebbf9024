// proto/frame.h: length-prefixed framing of the client port. Pure, no IO.
//
//   frame := int length (big-endian, 0 <= length <= max), length bytes
//
// FrameDecoder is fed bytes as they arrive and hands out whole frames. It
// rejects a length above its maximum (jute.maxbuffer) or below zero as soon
// as the 4 length bytes are in, before buffering the body, so a hostile
// length never makes it allocate. After an error it stays failed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cairn::proto {

class FrameDecoder {
 public:
  explicit FrameDecoder(size_t max_frame_bytes) : max_frame_bytes_(max_frame_bytes) {}

  // Appends bytes to the internal buffer.
  void Feed(std::string_view bytes);
  // Returns the next complete frame body, if any. Check failed() when it
  // returns nullopt.
  std::optional<std::string> Next();
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  // Bytes buffered but not yet returned (for 4lw detection and limits).
  std::string_view buffered() const { return std::string_view(buf_).substr(pos_); }

 private:
  size_t max_frame_bytes_;
  std::string buf_;
  size_t pos_ = 0;
  std::string error_;
};

// Prepends the 4-byte length to body in place (body must start with 4
// reserved bytes, see FrameWriter).
class FrameWriter {
 public:
  // Starts a frame: reserves the length prefix.
  static size_t Begin(std::string* out);
  // Patches the length of the frame begun at offset.
  static void End(std::string* out, size_t offset);
};

}  // namespace cairn::proto
