// cairn-cli's parsing and printing: words and flags as zkCli reads them, and
// stats, ACLs, events and data as zkCli prints them (binary data escaped).
#include <catch2/catch.hpp>

#include "tools/cairn-cli/format.h"
#include "tools/cairn-cli/words.h"

namespace cairn::cli {
namespace {

using Words = std::vector<std::string>;

TEST_CASE("cli: words split at spaces; a word opened by a quote runs to its close", "[cli]") {
  CHECK(SplitWords("  create  /a   b ") == Words{"create", "/a", "b"});
  CHECK(SplitWords("set /a \"two words\" 'x y'") == Words{"set", "/a", "two words", "x y"});
  CHECK(SplitWords("set /a \"\"") == Words{"set", "/a", ""});
  // Quotes inside a word stay (JSON data), as zkCli keeps them.
  CHECK(SplitWords("set /a {\"k\":\"v\"}") == Words{"set", "/a", "{\"k\":\"v\"}"});
  CHECK(SplitWords("set /a \"a b\"c") == Words{"set", "/a", "a b", "c"});
  CHECK(SplitWords("set /a \"open") == Words{"set", "/a", "\"open"});
  CHECK(SplitWords("").empty());
}

TEST_CASE("cli: flags anywhere, with values, combined, and -- ends them", "[cli]") {
  Flags f = ParseFlags(SplitWords("create -se /a data -t 500"), "sec", "t");
  CHECK(f.error.empty());
  CHECK(f.has('s'));
  CHECK(f.has('e'));
  CHECK(!f.has('c'));
  CHECK(f.value['t'] == "500");
  CHECK(f.positional == Words{"/a", "data"});
  CHECK(ParseFlags(SplitWords("set -v3 /a x"), "s", "v").value['v'] == "3");
  CHECK(ParseFlags(SplitWords("set /a -1"), "s", "v").positional == Words{"/a", "-1"});
  CHECK(ParseFlags(SplitWords("set /a -- -s"), "s", "v").positional == Words{"/a", "-s"});
  CHECK(ParseFlags(SplitWords("ls -x /a"), "swR", "").error == "Unrecognized option: -x");
  CHECK(ParseFlags(SplitWords("set /a x -v"), "s", "v").error == "Missing argument for option: v");
}

TEST_CASE("cli: data prints as it is when it is text, escaped otherwise", "[cli]") {
  CHECK(SafeData("hello world\n\ttab") == "hello world\n\ttab");
  CHECK(SafeData("gr\xc3\xbc\xc3\x9f"
                 "e") ==
        "gr\xc3\xbc\xc3\x9f"
        "e");  // UTF-8 text
  CHECK(SafeData(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(SafeData("\x1b[31mred") == "\\x1b[31mred");  // no terminal escapes get through
  CHECK(SafeData("bad \xff utf8 \\") == "bad \\xff utf8 \\\\");
  CHECK(SafeData("\xc3") == "\\xc3");  // truncated sequence
  CHECK(SafeData("") == "");
}

TEST_CASE("cli: ACLs parse and print as zkCli's", "[cli]") {
  std::string warnings;
  client::AclList acl =
      ParseAcl("world:anyone:cdrwa,digest:u:Jq7w/x=:r,ip:127.0.0.1:rw,", &warnings);
  CHECK(warnings.empty());  // a trailing comma is fine, as with Java's split
  REQUIRE(acl.size() == 3);
  CHECK(acl[1].id.scheme == "digest");
  CHECK(acl[1].id.id == "u:Jq7w/x=");
  CHECK(acl[1].perms == proto::perms::kRead);
  CHECK(acl[2].id.id == "127.0.0.1");
  CHECK(FormatAcl(acl) ==
        "'world,'anyone\n: cdrwa\n'digest,'u:Jq7w/x=\n: r\n'ip,'127.0.0.1\n: rw\n");
  // As zkCli's AclParser: bad entries and letters are skipped with a warning.
  acl = ParseAcl("world:anyone,auth::cdrwa", &warnings);
  REQUIRE(acl.size() == 1);
  CHECK(acl[0].id.scheme == "auth");
  CHECK(acl[0].id.id.empty());
  CHECK(warnings == "world:anyone does not have the form scheme:id:perm\n");
  warnings.clear();
  acl = ParseAcl("world:anyone:rxR", &warnings);
  REQUIRE(acl.size() == 1);
  CHECK(acl[0].perms == proto::perms::kRead);
  CHECK(warnings == "Unknown perm type: x\nUnknown perm type: R\n");
  CHECK(PermString(proto::perms::kAll) == "cdrwa");
}

TEST_CASE("cli: stats and events in zkCli's words", "[cli]") {
  client::Stat st;
  st.czxid = 0x1f;
  st.ephemeral_owner = 0x100000abc;
  st.data_length = 5;
  std::string text = FormatStat(st);
  CHECK(text.find("cZxid = 0x1f\n") == 0);
  CHECK(text.find("ephemeralOwner = 0x100000abc\n") != std::string::npos);
  CHECK(std::count(text.begin(), text.end(), '\n') == 11);
  client::WatchEvent e{client::EventType::kNodeChildrenChanged, client::KeeperState::kSyncConnected,
                       "/a"};
  CHECK(FormatEvent(e) == "WatchedEvent state:SyncConnected type:NodeChildrenChanged path:/a");
  CHECK(ErrorMessage(client::ErrorCode::kNoNode, "/x") == "Node does not exist: /x");
  CHECK(ErrorMessage(client::ErrorCode::kBadArguments, "/x") == "Arguments are not valid : /x");
  CHECK(ErrorMessage(client::ErrorCode::kSessionExpired, "/x") ==
        "KeeperErrorCode = Session expired for /x");
  CHECK(ErrorMessage(client::ErrorCode::kAuthFailed, "") == "KeeperErrorCode = AuthFailed");
}

}  // namespace
}  // namespace cairn::cli
