// Checks IsValidPath against the cases of ZooKeeper's PathUtils and
// PathUtilsTest (given as UTF-8 bytes, as they arrive on the wire), plus
// the parent/basename helpers and the special paths.
#include "proto/path.h"

#include <catch2/catch.hpp>
#include <string>

using cairn::proto::BaseName;
using cairn::proto::IsSpecialPath;
using cairn::proto::IsValidPath;
using cairn::proto::ParentPath;

TEST_CASE("Path: structural rules of PathUtils.validatePath", "[proto]") {
  struct Case {
    std::string path;
    bool valid;
  };
  const Case cases[] = {
      {"/", true},
      {"/a", true},
      {"/a/b/c", true},
      {"/this is / a valid/path", true},
      {"/a.b", true},
      {"/a..b", true},
      {"/...", true},
      {"/a/.b", true},
      {"/a/..b", true},
      {"/name/with.period.", true},
      {"", false},
      {"a", false},
      {"not/valid", false},
      {"/a/", false},
      {"/ends/with/slash/", false},
      {"//a", false},
      {"/double//slash", false},
      {"/a/./b", false},
      {"/a/../b", false},
      {"/.", false},
      {"/..", false},
      {"/a/.", false},
      {"/a/..", false},
  };
  for (const auto& c : cases) {
    INFO("path \"" << c.path << "\"");
    std::string reason;
    CHECK(IsValidPath(c.path, &reason) == c.valid);
    if (!c.valid) CHECK_FALSE(reason.empty());
  }
}

TEST_CASE("Path: refused code points and malformed UTF-8", "[proto]") {
  struct Case {
    const char* what;
    std::string path;
    bool valid;
  };
  const Case cases[] = {
      {"NUL", std::string("/test\0", 6), false},
      {"U+0001", "/test\x01", false},
      {"U+001F", "/test\x1f", false},
      {"U+0020 space", "/test ", true},
      {"U+007E tilde", "/test~", true},
      {"U+007F", "/test\x7f", false},
      {"U+0080", "/test\xc2\x80", false},
      {"U+009F", "/test\xc2\x9f", false},
      {"U+00A0", "/test\xc2\xa0", true},
      {"e acute", "/h\xc3\xa9llo", true},
      {"CJK", "/\xe4\xb8\xad\xe6\x96\x87", true},
      {"U+D7FF", "/test\xed\x9f\xbf", true},
      {"U+E000", "/test\xee\x80\x80", false},
      {"U+F8FF", "/test\xef\xa3\xbf", false},
      {"U+F900", "/test\xef\xa4\x80", true},
      {"U+FFEF", "/test\xef\xbf\xaf", true},
      {"U+FFF0", "/test\xef\xbf\xb0", false},
      {"U+FFFF", "/test\xef\xbf\xbf", false},
      {"emoji U+1F600 (a surrogate pair in Java)", "/\xf0\x9f\x98\x80", false},
      {"lone continuation byte", "/a\x80", false},
      {"truncated 2-byte sequence", "/a\xc3", false},
      {"truncated 3-byte sequence", "/a\xe4\xb8", false},
      {"overlong '/'", "/a\xc0\xaf", false},
      {"overlong NUL", "/a\xc0\x80", false},
      {"encoded surrogate U+D800", "/a\xed\xa0\x80", false},
      {"byte 0xff", "/a\xff", false},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    CHECK(IsValidPath(c.path) == c.valid);
  }
}

TEST_CASE("Path: ParentPath and BaseName", "[proto]") {
  CHECK(ParentPath("/a") == "/");
  CHECK(ParentPath("/a/b") == "/a");
  CHECK(ParentPath("/a/b/c") == "/a/b");
  CHECK(BaseName("/a") == "a");
  CHECK(BaseName("/a/bc") == "bc");
  CHECK(BaseName("/a/") == "");
}

TEST_CASE("Path: only the root and ZooKeeper's own nodes are special", "[proto]") {
  CHECK(IsSpecialPath("/"));
  CHECK(IsSpecialPath("/zookeeper"));
  CHECK(IsSpecialPath("/zookeeper/quota"));
  CHECK(IsSpecialPath("/zookeeper/config"));
  CHECK_FALSE(IsSpecialPath("/zookeeper/other"));
  CHECK_FALSE(IsSpecialPath("/zookeeperx"));
  CHECK_FALSE(IsSpecialPath("/a"));
}
