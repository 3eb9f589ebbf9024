#include "proto/jute.h"

namespace cairn::proto {

void JuteWriter::Buffer(std::string_view bytes) {
  Int(static_cast<int32_t>(bytes.size()));
  out_->append(bytes);
}

void JuteWriter::PatchInt(size_t offset, int32_t v) {
  auto u = static_cast<uint32_t>(v);
  (*out_)[offset] = static_cast<char>(u >> 24);
  (*out_)[offset + 1] = static_cast<char>(u >> 16);
  (*out_)[offset + 2] = static_cast<char>(u >> 8);
  (*out_)[offset + 3] = static_cast<char>(u);
}

bool JuteReader::Need(size_t n) {
  if (!ok_ || in_.size() - pos_ < n) {
    ok_ = false;
    return false;
  }
  return true;
}

int32_t JuteReader::Int() {
  if (!Need(4)) return 0;
  auto p = reinterpret_cast<const unsigned char*>(in_.data() + pos_);
  pos_ += 4;
  return static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                              (uint32_t{p[2]} << 8) | uint32_t{p[3]});
}

int64_t JuteReader::Long() {
  auto hi = static_cast<uint32_t>(Int());
  auto lo = static_cast<uint32_t>(Int());
  return static_cast<int64_t>((uint64_t{hi} << 32) | lo);
}

bool JuteReader::Bool() {
  if (!Need(1)) return false;
  return in_[pos_++] != 0;
}

std::string JuteReader::Buffer(bool* is_null) { return std::string(BufferView(is_null)); }

std::string_view JuteReader::BufferView(bool* is_null) {
  int32_t n = Int();
  if (is_null) *is_null = (n == -1);
  if (n == -1) return {};
  if (n < 0) {
    ok_ = false;
    return {};
  }
  if (!Need(static_cast<size_t>(n))) return {};
  std::string_view out = in_.substr(pos_, static_cast<size_t>(n));
  pos_ += static_cast<size_t>(n);
  return out;
}

int32_t JuteReader::Count(size_t min_item_bytes) {
  int32_t n = Int();
  if (!ok_) return 0;
  if (n == -1) return 0;
  if (n < 0 || static_cast<size_t>(n) * min_item_bytes > in_.size() - pos_) {
    ok_ = false;
    return 0;
  }
  return n;
}

void JuteReader::Skip(size_t n) {
  if (Need(n)) pos_ += n;
}

}  // namespace cairn::proto
