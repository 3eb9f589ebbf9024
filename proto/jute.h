// proto/jute.h: Apache ZooKeeper's "jute" binary encoding. Pure, no IO.
//
// Grammar (all integers big-endian, two's complement):
//   int     := 4 bytes
//   long    := 8 bytes
//   boolean := 1 byte (0 = false, anything else = true)
//   buffer  := int length, then length bytes; length -1 means null
//   ustring := int length, then length bytes of UTF-8; -1 means null
//   vector  := int count, then count items; -1 means null
//   record  := its fields in declaration order, no tags, no padding
//
// JuteReader never reads past its input and never allocates more than the
// input could hold: a length larger than the remaining bytes fails the read.
// A failed read is sticky: every later read fails too, so a decoder can read
// all fields and check ok() once at the end.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/assert.h"
#include "base/endian.h"

namespace cairn::proto {

// Stores a run of fixed-width fields in a stack buffer, to be written with
// one JuteWriter::Raw: FixedRecord<68> r; r.Long(a); r.Int(b); w.Raw(r).
template <size_t N>
class FixedRecord {
 public:
  void Int(int32_t v) {
    Room(4);
    StoreBigEndian32(bytes_ + used_, static_cast<uint32_t>(v));
    used_ += 4;
  }
  void Long(int64_t v) {
    Room(8);
    StoreBigEndian64(bytes_ + used_, static_cast<uint64_t>(v));
    used_ += 8;
  }
  const char* data() const { return bytes_; }
  size_t size() const { return used_; }

 private:
  // Overflowing the buffer is a bug in the record's writer.
  void Room(size_t n) const { CAIRN_ASSERT(used_ + n <= N); }
  char bytes_[N];
  size_t used_ = 0;
};

class JuteWriter {
 public:
  explicit JuteWriter(std::string* out) : out_(out) {}

  void Int(int32_t v) { PutBigEndian32(out_, static_cast<uint32_t>(v)); }
  void Long(int64_t v) { PutBigEndian64(out_, static_cast<uint64_t>(v)); }
  void Bool(bool v) { out_->push_back(v ? 1 : 0); }
  void Buffer(std::string_view bytes);
  void NullBuffer() { Int(-1); }
  void String(std::string_view s) { Buffer(s); }
  // A vector's count; the caller then writes the items.
  void Count(int32_t n) { Int(n); }
  // Bytes already encoded (fixed-width fields stored with StoreBigEndian*).
  void Raw(const char* bytes, size_t n) { out_->append(bytes, n); }
  template <size_t N>
  void Raw(const FixedRecord<N>& r) { Raw(r.data(), r.size()); }
  // Overwrites 4 bytes at offset (used to patch a frame length).
  void PatchInt(size_t offset, int32_t v);
  size_t size() const { return out_->size(); }

 private:
  std::string* out_;
};

class JuteReader {
 public:
  explicit JuteReader(std::string_view in) : in_(in) {}

  int32_t Int();
  int64_t Long();
  bool Bool();
  // A null buffer reads as empty; is_null (optional) tells them apart.
  std::string Buffer(bool* is_null = nullptr);
  std::string String() { return Buffer(); }
  // As Buffer, but viewing the input (valid as long as the input is).
  std::string_view BufferView(bool* is_null = nullptr);
  // A vector count; -1 (null) reads as 0. Fails if the count could not
  // possibly fit in the remaining input (each item takes >= min_item_bytes).
  int32_t Count(size_t min_item_bytes);

  bool ok() const { return ok_; }
  void Fail() { ok_ = false; }
  size_t remaining() const { return ok_ ? in_.size() - pos_ : 0; }
  bool AtEnd() const { return ok_ && pos_ == in_.size(); }
  std::string_view Rest() const { return ok_ ? in_.substr(pos_) : std::string_view(); }
  void Skip(size_t n);

 private:
  bool Need(size_t n);

  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace cairn::proto
