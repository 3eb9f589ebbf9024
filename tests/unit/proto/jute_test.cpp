// Checks the jute primitives against hand-computed big-endian bytes and
// feeds JuteReader truncated, negative and oversized inputs to show that it
// fails (stickily) instead of reading past its input or allocating.
#include "proto/jute.h"

#include <catch2/catch.hpp>
#include <climits>
#include <string>

#include "unit/support/bytes.h"

using cairn::proto::JuteReader;
using cairn::proto::JuteWriter;
using cairn::testing::ToHex;
using cairn::testing::Unhex;

TEST_CASE("JuteWriter: ints and longs are big-endian two's complement", "[proto]") {
  std::string out;
  JuteWriter w(&out);
  w.Int(1);
  w.Int(-1);
  w.Int(INT32_MIN);
  w.Long(0x0102030405060708LL);
  w.Long(-2);
  w.Bool(true);
  w.Bool(false);
  CHECK(ToHex(out) ==
        "00000001"
        "ffffffff"
        "80000000"
        "0102030405060708"
        "fffffffffffffffe"
        "01"
        "00");
  CHECK(w.size() == out.size());
}

TEST_CASE("FixedRecord: fields written with one Raw are the bytes Int and Long write", "[proto]") {
  std::string fields;
  JuteWriter each(&fields);
  each.Int(-7);
  each.Long(0x0102030405060708LL);
  each.Int(INT32_MIN);
  each.Long(-2);

  cairn::proto::FixedRecord<24> r;
  r.Int(-7);
  r.Long(0x0102030405060708LL);
  r.Int(INT32_MIN);
  r.Long(-2);
  CHECK(r.size() == 24);
  std::string once = "x";  // appended after what is there
  JuteWriter w(&once);
  w.Raw(r);
  CHECK(once == "x" + fields);
}

TEST_CASE("JuteWriter: buffers and strings carry an int length, null is -1", "[proto]") {
  std::string out;
  JuteWriter w(&out);
  w.String("ab");
  w.Buffer("");
  w.NullBuffer();
  w.Count(3);
  CHECK(ToHex(out) == "000000026162" "00000000" "ffffffff" "00000003");
}

TEST_CASE("JuteWriter: PatchInt overwrites four bytes in place", "[proto]") {
  std::string out;
  JuteWriter w(&out);
  w.Int(0);
  w.Int(7);
  w.PatchInt(0, 0x11223344);
  CHECK(ToHex(out) == "11223344" "00000007");
}

TEST_CASE("JuteReader: reads back what JuteWriter wrote", "[proto]") {
  std::string out;
  JuteWriter w(&out);
  w.Int(-123456);
  w.Long(INT64_MIN);
  w.Bool(true);
  w.Buffer(std::string("x\0y", 3));
  w.String("héllo");
  JuteReader r(out);
  CHECK(r.Int() == -123456);
  CHECK(r.Long() == INT64_MIN);
  CHECK(r.Bool());
  CHECK(r.Buffer() == std::string("x\0y", 3));
  CHECK(r.String() == "héllo");
  CHECK(r.ok());
  CHECK(r.AtEnd());
  CHECK(r.remaining() == 0);
}

TEST_CASE("JuteReader: any non-zero boolean byte reads as true", "[proto]") {
  std::string in = Unhex("00 01 7f ff");
  JuteReader r(in);
  CHECK_FALSE(r.Bool());
  CHECK(r.Bool());
  CHECK(r.Bool());
  CHECK(r.Bool());
  CHECK(r.AtEnd());
}

TEST_CASE("JuteReader: a null buffer reads as empty and is_null tells it apart", "[proto]") {
  std::string in = Unhex("ffffffff 00000000");
  JuteReader r(in);
  bool is_null = false;
  CHECK(r.Buffer(&is_null).empty());
  CHECK(is_null);
  CHECK(r.Buffer(&is_null).empty());
  CHECK_FALSE(is_null);
  CHECK(r.ok());
  CHECK(r.AtEnd());
}

TEST_CASE("JuteReader: truncated ints, longs and booleans fail", "[proto]") {
  SECTION("int with 3 bytes") {
    std::string in = Unhex("000000");
    JuteReader r(in);
    CHECK(r.Int() == 0);
    CHECK_FALSE(r.ok());
  }
  SECTION("long with 7 bytes") {
    std::string in = Unhex("00000000000000");
    JuteReader r(in);
    r.Long();
    CHECK_FALSE(r.ok());
  }
  SECTION("boolean with no bytes") {
    JuteReader r("");
    CHECK_FALSE(r.Bool());
    CHECK_FALSE(r.ok());
  }
}

TEST_CASE("JuteReader: a buffer longer than the rest of the input fails", "[proto]") {
  std::string in = Unhex("00000005 616263");
  JuteReader r(in);
  CHECK(r.Buffer().empty());
  CHECK_FALSE(r.ok());
}

TEST_CASE("JuteReader: negative lengths other than -1 fail", "[proto]") {
  for (const char* len : {"fffffffe", "80000000"}) {
    std::string in = Unhex(len) + std::string(16, 'a');
    JuteReader r(in);
    CHECK(r.Buffer().empty());
    CHECK_FALSE(r.ok());
  }
}

TEST_CASE("JuteReader: a huge length fails without allocating the buffer", "[proto]") {
  // 2 GiB claimed, 4 bytes present: a reader that allocated first would
  // throw bad_alloc or take seconds; this one must just fail.
  std::string in = Unhex("7fffffff 61626364");
  JuteReader r(in);
  std::string got;
  REQUIRE_NOTHROW(got = r.Buffer());
  CHECK(got.empty());
  CHECK_FALSE(r.ok());
}

TEST_CASE("JuteReader: vector counts are checked against the remaining input", "[proto]") {
  SECTION("-1 is a null vector and reads as 0") {
    std::string in = Unhex("ffffffff");
    JuteReader r(in);
    CHECK(r.Count(4) == 0);
    CHECK(r.ok());
  }
  SECTION("-2 fails") {
    std::string in = Unhex("fffffffe");
    JuteReader r(in);
    CHECK(r.Count(4) == 0);
    CHECK_FALSE(r.ok());
  }
  SECTION("a count whose items could not fit fails") {
    std::string in = Unhex("00000003") + std::string(8, '\0');
    JuteReader r(in);
    CHECK(r.Count(4) == 0);  // 3 items of >= 4 bytes need 12
    CHECK_FALSE(r.ok());
  }
  SECTION("INT32_MAX items fail at once") {
    std::string in = Unhex("7fffffff") + std::string(64, '\0');
    JuteReader r(in);
    CHECK(r.Count(1) == 0);
    CHECK_FALSE(r.ok());
  }
  SECTION("a count that fits is returned") {
    std::string in = Unhex("00000002") + std::string(8, '\0');
    JuteReader r(in);
    CHECK(r.Count(4) == 2);
    CHECK(r.ok());
  }
}

TEST_CASE("JuteReader: a failure is sticky", "[proto]") {
  // A failed buffer read, then plenty of bytes that would decode as ints.
  std::string in = Unhex("00000010 0000000100000002");
  JuteReader r(in);
  r.Buffer();
  REQUIRE_FALSE(r.ok());
  CHECK(r.Int() == 0);
  CHECK(r.Long() == 0);
  CHECK_FALSE(r.Bool());
  CHECK(r.String().empty());
  CHECK(r.Count(0) == 0);
  CHECK_FALSE(r.ok());
  CHECK(r.remaining() == 0);
  CHECK_FALSE(r.AtEnd());
  CHECK(r.Rest().empty());
}

TEST_CASE("JuteReader: Fail() makes an otherwise good reader fail", "[proto]") {
  std::string in = Unhex("00000001");
  JuteReader r(in);
  r.Fail();
  CHECK(r.Int() == 0);
  CHECK_FALSE(r.ok());
}

TEST_CASE("JuteReader: Skip and Rest move over raw bytes", "[proto]") {
  std::string in = Unhex("0102030405");
  JuteReader r(in);
  r.Skip(2);
  CHECK(ToHex(r.Rest()) == "030405");
  CHECK(r.remaining() == 3);
  r.Skip(4);
  CHECK_FALSE(r.ok());
}
