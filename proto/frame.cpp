#include "proto/frame.h"

#include "proto/jute.h"

namespace cairn::proto {

void FrameDecoder::Feed(std::string_view bytes) {
  if (failed()) return;
  if (pos_ > 0 && pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ > 65536 && pos_ * 2 > buf_.size()) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  buf_.append(bytes);
}

std::optional<std::string> FrameDecoder::Next() {
  if (failed()) return std::nullopt;
  std::string_view avail = buffered();
  if (avail.size() < 4) return std::nullopt;
  JuteReader r(avail.substr(0, 4));
  int32_t len = r.Int();
  if (len < 0) {
    error_ = "negative frame length " + std::to_string(len);
    return std::nullopt;
  }
  if (static_cast<size_t>(len) > max_frame_bytes_) {
    error_ = "frame length " + std::to_string(len) + " exceeds jute.maxbuffer " +
             std::to_string(max_frame_bytes_);
    return std::nullopt;
  }
  if (avail.size() < 4 + static_cast<size_t>(len)) return std::nullopt;
  std::string frame(avail.substr(4, static_cast<size_t>(len)));
  pos_ += 4 + static_cast<size_t>(len);
  return frame;
}

size_t FrameWriter::Begin(std::string* out) {
  size_t offset = out->size();
  out->append(4, '\0');
  return offset;
}

void FrameWriter::End(std::string* out, size_t offset) {
  JuteWriter w(out);
  w.PatchInt(offset, static_cast<int32_t>(out->size() - offset - 4));
}

}  // namespace cairn::proto
