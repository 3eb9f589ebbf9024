// Round-trips every client-protocol record through JuteWriter/JuteReader,
// compares a few encodings with bytes computed by hand from the jute grammar
// in proto/records.h, and checks that every truncation of a record fails.
#include "proto/records.h"

#include <catch2/catch.hpp>
#include <functional>
#include <string>

#include "proto/codes.h"
#include "proto/frame.h"
#include "unit/support/bytes.h"
#include "unit/support/records.h"

namespace proto = cairn::proto;
using cairn::testing::ToHex;
using cairn::testing::Unhex;
using proto::JuteReader;
using proto::JuteWriter;

using cairn::testing::SetData;

namespace {


// Decodes bytes into a fresh R and requires that it consumed them exactly.
template <typename R>
R DecodeExactly(const std::string& bytes) {
  JuteReader r(bytes);
  R out;
  out.Read(r);
  REQUIRE(r.ok());
  REQUIRE(r.AtEnd());
  return out;
}

// Every strict prefix of bytes must fail to decode.
void RequireEveryPrefixFails(const std::string& bytes,
                             const std::function<void(JuteReader&)>& read) {
  for (size_t n = 0; n < bytes.size(); ++n) {
    JuteReader r(std::string_view(bytes).substr(0, n));
    read(r);
    INFO("prefix of " << n << " of " << bytes.size() << " bytes");
    CHECK_FALSE(r.ok());
  }
}

proto::Stat SampleStat() {
  proto::Stat s;
  s.czxid = 1;
  s.mzxid = 2;
  s.ctime = 3;
  s.mtime = 4;
  s.version = 5;
  s.cversion = 6;
  s.aversion = 7;
  s.ephemeral_owner = 8;
  s.data_length = 9;
  s.num_children = 10;
  s.pzxid = 11;
  return s;
}

const std::string kPasswd("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\xff", 16);

}  // namespace

TEST_CASE("Records: Id and Acl round trip and compare by value", "[proto]") {
  proto::Acl acl{proto::perms::kRead | proto::perms::kAdmin, proto::Id{"digest", "bob:xyz="}};
  std::string bytes = proto::Encode(acl);
  CHECK(ToHex(bytes) == "00000011" "00000006" + ToHex("digest") + "00000008" + ToHex("bob:xyz="));
  CHECK(DecodeExactly<proto::Acl>(bytes) == acl);
  CHECK(DecodeExactly<proto::Id>(proto::Encode(acl.id)) == acl.id);
  RequireEveryPrefixFails(bytes, [](JuteReader& r) { proto::Acl a; a.Read(r); });
}

TEST_CASE("Records: Acl ordering is total over perms, scheme and id", "[proto]") {
  proto::Acl a{1, {"digest", "a"}};
  proto::Acl b{1, {"digest", "b"}};
  proto::Acl c{1, {"world", "a"}};
  proto::Acl d{2, {"digest", "a"}};
  CHECK(a < b);
  CHECK(b < c);
  CHECK(c < d);
  CHECK_FALSE(a < a);
  CHECK_FALSE(b < a);
}

TEST_CASE("Records: Stat encodes as 68 bytes in zookeeper.jute field order", "[proto]") {
  std::string bytes = proto::Encode(SampleStat());
  CHECK(bytes.size() == proto::kStatBytes);
  CHECK(ToHex(bytes) ==
        "0000000000000001"   // czxid
        "0000000000000002"   // mzxid
        "0000000000000003"   // ctime
        "0000000000000004"   // mtime
        "00000005"           // version
        "00000006"           // cversion
        "00000007"           // aversion
        "0000000000000008"   // ephemeralOwner
        "00000009"           // dataLength
        "0000000a"           // numChildren
        "000000000000000b");  // pzxid
  CHECK(DecodeExactly<proto::Stat>(bytes) == SampleStat());
  RequireEveryPrefixFails(bytes, [](JuteReader& r) { proto::Stat s; s.Read(r); });
}

TEST_CASE("Records: ReplyHeader golden bytes", "[proto]") {
  proto::ReplyHeader h{1, 0x100000002LL, static_cast<int32_t>(proto::ErrorCode::kNoNode)};
  std::string bytes = proto::Encode(h);
  CHECK(ToHex(bytes) == "00000001" "0000000100000002" "ffffff9b");
  auto back = DecodeExactly<proto::ReplyHeader>(bytes);
  CHECK(back.xid == 1);
  CHECK(back.zxid == 0x100000002LL);
  CHECK(back.err == -101);
  RequireEveryPrefixFails(bytes, [](JuteReader& r) { proto::ReplyHeader x; x.Read(r); });
}

TEST_CASE("Records: RequestHeader round trip", "[proto]") {
  proto::RequestHeader h{proto::kSetWatchesXid, static_cast<int32_t>(proto::OpCode::kSetWatches)};
  std::string bytes = proto::Encode(h);
  CHECK(ToHex(bytes) == "fffffff8" "00000065");
  auto back = DecodeExactly<proto::RequestHeader>(bytes);
  CHECK(back.xid == -8);
  CHECK(back.type == 101);
}

TEST_CASE("Records: ConnectRequest with the readOnly byte round trips", "[proto]") {
  proto::ConnectRequest c;
  c.protocol_version = 0;
  c.last_zxid_seen = 0x500000007LL;
  c.timeout_ms = 30000;
  c.session_id = 0x0123456789abcdefLL;
  c.passwd = kPasswd;
  c.read_only = true;
  std::string bytes = proto::Encode(c);
  CHECK(bytes.size() == 4 + 8 + 4 + 8 + 4 + 16 + 1);
  CHECK(ToHex(bytes) == "00000000" "0000000500000007" "00007530" "0123456789abcdef" "00000010" +
                            ToHex(kPasswd) + "01");
  auto back = DecodeExactly<proto::ConnectRequest>(bytes);
  CHECK(back.last_zxid_seen == c.last_zxid_seen);
  CHECK(back.timeout_ms == 30000);
  CHECK(back.session_id == c.session_id);
  CHECK(back.passwd == kPasswd);
  REQUIRE(back.read_only.has_value());
  CHECK(*back.read_only);
}

TEST_CASE("Records: ConnectRequest without the readOnly byte (pre-3.5 client)", "[proto]") {
  proto::ConnectRequest c;
  c.timeout_ms = 4000;
  c.passwd = std::string(16, '\0');
  std::string bytes = proto::Encode(c);
  CHECK(bytes.size() == 44);
  auto back = DecodeExactly<proto::ConnectRequest>(bytes);
  CHECK_FALSE(back.read_only.has_value());
  CHECK(back.timeout_ms == 4000);
  CHECK(proto::Encode(back) == bytes);
  // Shorter than the mandatory fields: fails.
  RequireEveryPrefixFails(bytes, [](JuteReader& r) { proto::ConnectRequest x; x.Read(r); });
}

TEST_CASE("Records: ConnectResponse golden bytes, readOnly only when present", "[proto]") {
  proto::ConnectResponse c;
  c.protocol_version = 0;
  c.timeout_ms = 30000;
  c.session_id = 0x0123456789abcdefLL;
  c.passwd = "ab";
  SECTION("with readOnly") {
    c.read_only = false;
    std::string bytes = proto::Encode(c);
    CHECK(ToHex(bytes) == "00000000" "00007530" "0123456789abcdef" "00000002" "6162" "00");
    auto back = DecodeExactly<proto::ConnectResponse>(bytes);
    REQUIRE(back.read_only.has_value());
    CHECK_FALSE(*back.read_only);
    CHECK(back.session_id == c.session_id);
    CHECK(back.passwd == "ab");
  }
  SECTION("without readOnly") {
    std::string bytes = proto::Encode(c);
    CHECK(ToHex(bytes) == "00000000" "00007530" "0123456789abcdef" "00000002" "6162");
    CHECK_FALSE(DecodeExactly<proto::ConnectResponse>(bytes).read_only.has_value());
  }
}

TEST_CASE("Records: a GetData request frame matches hand-computed bytes", "[proto]") {
  std::string frame;
  size_t at = proto::FrameWriter::Begin(&frame);
  JuteWriter w(&frame);
  proto::RequestHeader{7, static_cast<int32_t>(proto::OpCode::kGetData)}.Write(w);
  proto::PathWatchRequest{"/a", true}.Write(w);
  proto::FrameWriter::End(&frame, at);
  // length 15 = xid(4) + type(4) + path length(4) + "/a"(2) + watch(1)
  CHECK(ToHex(frame) == "0000000f" "00000007" "00000004" "00000002" "2f61" "01");
  JuteReader r(std::string_view(frame).substr(4));
  proto::RequestHeader h;
  h.Read(r);
  proto::PathWatchRequest req;
  req.Read(r);
  CHECK(r.AtEnd());
  CHECK(h.xid == 7);
  CHECK(req.path == "/a");
  CHECK(req.watch);
}

TEST_CASE("Records: WatcherEvent and ClientInfo round trip", "[proto]") {
  proto::WatcherEvent e{static_cast<int32_t>(proto::EventType::kNodeDeleted),
                        static_cast<int32_t>(proto::KeeperState::kSyncConnected), "/x/y"};
  std::string bytes = proto::Encode(e);
  CHECK(ToHex(bytes) == "00000002" "00000003" "00000004" + ToHex("/x/y"));
  auto back = DecodeExactly<proto::WatcherEvent>(bytes);
  CHECK(back.type == 2);
  CHECK(back.state == 3);
  CHECK(back.path == "/x/y");
  RequireEveryPrefixFails(bytes, [](JuteReader& r) { proto::WatcherEvent x; x.Read(r); });

  proto::ClientInfo ci{"digest", "bob"};
  auto ci_back = DecodeExactly<proto::ClientInfo>(proto::Encode(ci));
  CHECK(ci_back.auth_scheme == "digest");
  CHECK(ci_back.user == "bob");
}

TEST_CASE("Records: path-only, path+watch, path+version and path+int requests round trip",
          "[proto]") {
  auto p = DecodeExactly<proto::PathRequest>(proto::Encode(proto::PathRequest{"/p"}));
  CHECK(p.path == "/p");

  auto pw = DecodeExactly<proto::PathWatchRequest>(proto::Encode(proto::PathWatchRequest{"/w", true}));
  CHECK(pw.path == "/w");
  CHECK(pw.watch);

  std::string pv_bytes = proto::Encode(proto::PathVersionRequest{"/v", -1});
  CHECK(ToHex(pv_bytes) == "00000002" + ToHex("/v") + "ffffffff");
  auto pv = DecodeExactly<proto::PathVersionRequest>(pv_bytes);
  CHECK(pv.version == -1);
  RequireEveryPrefixFails(pv_bytes, [](JuteReader& r) { proto::PathVersionRequest x; x.Read(r); });

  auto pi = DecodeExactly<proto::PathIntRequest>(proto::Encode(proto::PathIntRequest{"/i", 5}));
  CHECK(pi.path == "/i");
  CHECK(pi.value == 5);
}

TEST_CASE("Records: CreateRequest round trips with and without the TTL field", "[proto]") {
  proto::CreateRequest c;
  c.path = "/n";
  c.data = std::string("d\0t", 3);
  c.acl = {proto::Acl{proto::perms::kAll, {"world", "anyone"}},
           proto::Acl{proto::perms::kRead, {"ip", "10.0.0.0/8"}}};
  c.flags = 5;
  c.ttl = 1234;
  for (bool has_ttl : {false, true}) {
    std::string bytes;
    JuteWriter w(&bytes);
    c.Write(w, has_ttl);
    JuteReader r(bytes);
    proto::CreateRequest back;
    back.Read(r, has_ttl);
    REQUIRE(r.ok());
    CHECK(r.AtEnd());
    CHECK(back.path == "/n");
    CHECK(back.data == c.data);
    CHECK(back.acl == c.acl);
    CHECK(back.flags == 5);
    CHECK(back.ttl == (has_ttl ? 1234 : -1));
    RequireEveryPrefixFails(bytes, [&](JuteReader& pr) {
      proto::CreateRequest x;
      x.Read(pr, has_ttl);
    });
  }
}

TEST_CASE("Records: SetDataRequest, SetAclRequest and AuthPacket round trip", "[proto]") {
  auto s = DecodeExactly<proto::SetDataRequest>(
      proto::Encode(SetData("/s", "value", 3)));
  CHECK(s.path == "/s");
  CHECK(s.data == "value");
  CHECK(s.version == 3);

  proto::SetAclRequest sa{"/a", {proto::Acl{proto::perms::kAdmin, {"digest", "u:h"}}}, 2};
  std::string sa_bytes = proto::Encode(sa);
  auto sa_back = DecodeExactly<proto::SetAclRequest>(sa_bytes);
  CHECK(sa_back.acl == sa.acl);
  CHECK(sa_back.version == 2);
  RequireEveryPrefixFails(sa_bytes, [](JuteReader& r) { proto::SetAclRequest x; x.Read(r); });

  proto::AuthPacket ap{0, "digest", "user:pass"};
  std::string ap_bytes = proto::Encode(ap);
  CHECK(ToHex(ap_bytes) == "00000000" "00000006" + ToHex("digest") + "00000009" + ToHex("user:pass"));
  auto ap_back = DecodeExactly<proto::AuthPacket>(ap_bytes);
  CHECK(ap_back.scheme == "digest");
  CHECK(ap_back.auth == "user:pass");
}

TEST_CASE("Records: SetWatches carries three lists, SetWatches2 five", "[proto]") {
  proto::SetWatchesRequest sw;
  sw.relative_zxid = 0x42;
  sw.data_watches = {"/d1", "/d2"};
  sw.exist_watches = {"/e"};
  sw.child_watches = {};
  sw.persistent_watches = {"/p"};
  sw.persistent_recursive_watches = {"/r1", "/r2"};
  for (bool v2 : {false, true}) {
    std::string bytes;
    JuteWriter w(&bytes);
    sw.Write(w, v2);
    JuteReader r(bytes);
    proto::SetWatchesRequest back;
    back.Read(r, v2);
    REQUIRE(r.ok());
    CHECK(r.AtEnd());
    CHECK(back.relative_zxid == 0x42);
    CHECK(back.data_watches == sw.data_watches);
    CHECK(back.exist_watches == sw.exist_watches);
    CHECK(back.child_watches.empty());
    CHECK(back.persistent_watches == (v2 ? sw.persistent_watches : std::vector<std::string>{}));
    CHECK(back.persistent_recursive_watches ==
          (v2 ? sw.persistent_recursive_watches : std::vector<std::string>{}));
    RequireEveryPrefixFails(bytes, [&](JuteReader& pr) {
      proto::SetWatchesRequest x;
      x.Read(pr, v2);
    });
  }
}

TEST_CASE("Records: string and ACL vectors round trip; -1 reads as empty", "[proto]") {
  std::string bytes;
  JuteWriter w(&bytes);
  proto::WriteStrings(w, {"a", "", "ccc"});
  proto::WriteAcls(w, {proto::Acl{1, {"world", "anyone"}}});
  w.Count(-1);
  w.Count(-1);
  JuteReader r(bytes);
  CHECK(proto::ReadStrings(r) == std::vector<std::string>{"a", "", "ccc"});
  CHECK(proto::ReadAcls(r) == proto::AclList{proto::Acl{1, {"world", "anyone"}}});
  CHECK(proto::ReadStrings(r).empty());
  CHECK(proto::ReadAcls(r).empty());
  CHECK(r.ok());
  CHECK(r.AtEnd());
}

TEST_CASE("Records: a vector count larger than the input fails without reserving", "[proto]") {
  std::string bytes = Unhex("10000000 00000001 61");  // 2^28 strings claimed
  JuteReader r(bytes);
  std::vector<std::string> v;
  REQUIRE_NOTHROW(v = proto::ReadStrings(r));
  CHECK(v.empty());
  CHECK_FALSE(r.ok());

  std::string acl_bytes = Unhex("7fffffff 00000001");
  JuteReader ra(acl_bytes);
  proto::AclList acl;
  REQUIRE_NOTHROW(acl = proto::ReadAcls(ra));
  CHECK(acl.empty());
  CHECK_FALSE(ra.ok());
}

TEST_CASE("Records: create and setData keep a null data buffer apart from an empty one",
          "[proto]") {
  proto::CreateRequest c;
  c.path = "/n";
  c.data_null = true;
  c.acl = {proto::Acl{proto::perms::kAll, {"world", "anyone"}}};
  std::string bytes;
  JuteWriter w(&bytes);
  c.Write(w, false);
  CHECK(ToHex(bytes).substr(0, 20) == "00000002" + ToHex("/n") + "ffffffff");
  JuteReader r(bytes);
  proto::CreateRequest back;
  back.Read(r, false);
  REQUIRE(r.ok());
  CHECK(back.data_null);
  CHECK(back.data.empty());

  proto::SetDataRequest empty = SetData("/n", "", 0);
  auto empty_back = DecodeExactly<proto::SetDataRequest>(proto::Encode(empty));
  CHECK_FALSE(empty_back.data_null);
  proto::SetDataRequest null_data = SetData("/n", "", 0);
  null_data.data_null = true;
  std::string null_bytes = proto::Encode(null_data);
  CHECK(ToHex(null_bytes) == "00000002" + ToHex("/n") + "ffffffff" "00000000");
  CHECK(DecodeExactly<proto::SetDataRequest>(null_bytes).data_null);
}
