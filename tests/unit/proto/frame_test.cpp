// Drives FrameDecoder with the byte sequences a socket can deliver (one byte
// at a time, several frames per read, hostile lengths) and checks the frames
// it hands out and when it fails; FrameWriter's length patching too.
#include "proto/frame.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "unit/support/bytes.h"

using cairn::proto::FrameDecoder;
using cairn::proto::FrameWriter;
using cairn::testing::ToHex;
using cairn::testing::Unhex;

namespace {

std::string Frame(const std::string& body) {
  std::string out;
  size_t at = FrameWriter::Begin(&out);
  out += body;
  FrameWriter::End(&out, at);
  return out;
}

std::vector<std::string> Drain(FrameDecoder& d) {
  std::vector<std::string> out;
  for (int i = 0; i < 10000; ++i) {  // bounded: tests never hold more frames
    auto f = d.Next();
    if (!f) break;
    out.push_back(*f);
  }
  return out;
}

}  // namespace

TEST_CASE("FrameWriter: End patches the body length into the reserved prefix", "[proto]") {
  std::string out = "pre";
  size_t at = FrameWriter::Begin(&out);
  CHECK(at == 3);
  out += "hello";
  FrameWriter::End(&out, at);
  CHECK(ToHex(out) == ToHex("pre") + "00000005" + ToHex("hello"));
}

TEST_CASE("FrameDecoder: a frame delivered one byte at a time comes out once, whole",
          "[proto]") {
  FrameDecoder d(1024);
  std::string wire = Frame("abcdef");
  for (size_t i = 0; i + 1 < wire.size(); ++i) {
    d.Feed(wire.substr(i, 1));
    CHECK_FALSE(d.Next().has_value());
    CHECK_FALSE(d.failed());
  }
  d.Feed(wire.substr(wire.size() - 1));
  auto f = d.Next();
  REQUIRE(f.has_value());
  CHECK(*f == "abcdef");
  CHECK_FALSE(d.Next().has_value());
  CHECK(d.buffered().empty());
}

TEST_CASE("FrameDecoder: several frames in one feed come out in order", "[proto]") {
  FrameDecoder d(1024);
  d.Feed(Frame("one") + Frame("") + Frame("three") + Frame("fo").substr(0, 5));
  CHECK(Drain(d) == std::vector<std::string>{"one", "", "three"});
  CHECK(d.buffered().size() == 5);
  d.Feed("o");
  CHECK(Drain(d) == std::vector<std::string>{"fo"});
  CHECK_FALSE(d.failed());
}

TEST_CASE("FrameDecoder: a frame of exactly the maximum is accepted", "[proto]") {
  FrameDecoder d(8);
  d.Feed(Frame("12345678"));
  auto f = d.Next();
  REQUIRE(f.has_value());
  CHECK(*f == "12345678");
}

TEST_CASE("FrameDecoder: a length above the maximum fails before the body arrives",
          "[proto]") {
  FrameDecoder d(1024);
  d.Feed(Unhex("00000401"));  // 1025, no body bytes yet
  CHECK_FALSE(d.Next().has_value());
  CHECK(d.failed());
  CHECK(d.error().find("1025") != std::string::npos);
}

TEST_CASE("FrameDecoder: a negative length fails before the body arrives", "[proto]") {
  FrameDecoder d(1024);
  d.Feed(Unhex("ffffffff"));
  CHECK_FALSE(d.Next().has_value());
  CHECK(d.failed());
  CHECK_FALSE(d.error().empty());
}

TEST_CASE("FrameDecoder: a hostile 2 GiB length fails with only its 4 bytes buffered",
          "[proto]") {
  FrameDecoder d(0xfffff);
  d.Feed(Unhex("7fffffff"));
  CHECK_FALSE(d.Next().has_value());
  CHECK(d.failed());
}

TEST_CASE("FrameDecoder: after a failure it stays failed and ignores good frames", "[proto]") {
  FrameDecoder d(16);
  d.Feed(Frame("ok"));
  d.Feed(Unhex("00010000"));  // 65536 > 16
  auto first = d.Next();
  REQUIRE(first.has_value());
  CHECK(*first == "ok");
  CHECK_FALSE(d.Next().has_value());
  REQUIRE(d.failed());
  std::string err = d.error();
  d.Feed(Frame("later"));
  CHECK_FALSE(d.Next().has_value());
  CHECK(d.failed());
  CHECK(d.error() == err);
}

TEST_CASE("FrameDecoder: fewer than 4 bytes is neither a frame nor a failure", "[proto]") {
  FrameDecoder d(16);
  d.Feed(Unhex("ffff"));
  CHECK_FALSE(d.Next().has_value());
  CHECK_FALSE(d.failed());
  CHECK(d.buffered().size() == 2);
}

TEST_CASE("FrameDecoder: frames stay intact across internal buffer compaction", "[proto]") {
  // 100 frames of 1000 bytes consumed (more than the 64 KiB compaction
  // threshold), then a frame split across the feed that compacts.
  FrameDecoder d(4096);
  std::string wire;
  for (int i = 0; i < 100; ++i) wire += Frame(std::string(1000, static_cast<char>('a' + i % 26)));
  std::string last = Frame(std::string(3000, 'z') + "end");
  wire += last.substr(0, 1500);
  d.Feed(wire);
  auto frames = Drain(d);
  REQUIRE(frames.size() == 100);
  CHECK(frames[99] == std::string(1000, static_cast<char>('a' + 99 % 26)));
  d.Feed(last.substr(1500));
  auto tail = Drain(d);
  REQUIRE(tail.size() == 1);
  CHECK(tail[0] == std::string(3000, 'z') + "end");
  CHECK(d.buffered().empty());
}
