// Round-trips MultiRequest and MultiResponse through jute, checks the
// terminating MultiHeader(-1, true, -1) and the header/body layout of error
// results byte by byte, and feeds the readers malformed input.
#include "proto/multi.h"

#include <catch2/catch.hpp>
#include <string>

#include "unit/support/bytes.h"
#include "unit/support/records.h"

namespace proto = cairn::proto;
using cairn::testing::ToHex;
using cairn::testing::Unhex;
using proto::ErrorCode;
using proto::JuteReader;
using proto::JuteWriter;
using proto::OpCode;

using cairn::testing::SetData;

namespace {


constexpr const char* kDoneHeader = "ffffffff" "01" "ffffffff";

template <typename R>
std::string Enc(const R& rec) {
  std::string out;
  JuteWriter w(&out);
  rec.Write(w);
  return out;
}

proto::CreateRequest MakeCreate(std::string path, int32_t flags, int64_t ttl = -1) {
  proto::CreateRequest c;
  c.path = std::move(path);
  c.data = "x";
  c.acl = {proto::Acl{proto::perms::kAll, {"world", "anyone"}}};
  c.flags = flags;
  c.ttl = ttl;
  return c;
}

template <typename Body>
proto::MultiOp Op(OpCode type, Body body) {
  proto::MultiOp op;
  op.type = type;
  op.body = std::move(body);
  return op;
}

}  // namespace

TEST_CASE("MultiRequest: an empty multi is just the terminating header", "[proto]") {
  proto::MultiRequest m;
  std::string bytes = Enc(m);
  CHECK(ToHex(bytes) == kDoneHeader);
  JuteReader r(bytes);
  proto::MultiRequest back;
  back.Read(r);
  CHECK(r.ok());
  CHECK(r.AtEnd());
  CHECK(back.ops.empty());
}

TEST_CASE("MultiRequest: every op type round trips", "[proto]") {
  proto::MultiRequest m;
  m.ops.push_back(Op(OpCode::kCreate, MakeCreate("/a", 0)));
  m.ops.push_back(Op(OpCode::kCreate2, MakeCreate("/b", 1)));
  m.ops.push_back(Op(OpCode::kCreateContainer, MakeCreate("/c", 4)));
  m.ops.push_back(Op(OpCode::kCreateTtl, MakeCreate("/t", 5, 60000)));
  m.ops.push_back(Op(OpCode::kDelete, proto::PathVersionRequest{"/a", 3}));
  m.ops.push_back(Op(OpCode::kSetData, SetData("/b", "new", -1)));
  m.ops.push_back(Op(OpCode::kCheck, proto::PathVersionRequest{"/b", 0}));
  m.ops.push_back(Op(OpCode::kGetData, proto::PathWatchRequest{"/g", false}));
  m.ops.push_back(Op(OpCode::kGetChildren, proto::PathWatchRequest{"/h", false}));
  std::string bytes = Enc(m);
  CHECK(ToHex(bytes).substr(ToHex(bytes).size() - 18) == kDoneHeader);
  // The first op header: type 1, done false, err -1.
  CHECK(ToHex(bytes).substr(0, 18) == "00000001" "00" "ffffffff");

  JuteReader r(bytes);
  proto::MultiRequest back;
  back.Read(r);
  REQUIRE(r.ok());
  CHECK(r.AtEnd());
  REQUIRE(back.ops.size() == m.ops.size());
  for (size_t i = 0; i < m.ops.size(); ++i) CHECK(back.ops[i].type == m.ops[i].type);
  const auto& ttl = std::get<proto::CreateRequest>(back.ops[3].body);
  CHECK(ttl.path == "/t");
  CHECK(ttl.ttl == 60000);
  CHECK(ttl.flags == 5);
  CHECK(std::get<proto::CreateRequest>(back.ops[0].body).ttl == -1);
  CHECK(std::get<proto::PathVersionRequest>(back.ops[4].body).version == 3);
  CHECK(std::get<proto::SetDataRequest>(back.ops[5].body).data == "new");
  CHECK(std::get<proto::PathWatchRequest>(back.ops[8].body).path == "/h");
  CHECK(Enc(back) == bytes);
}

TEST_CASE("MultiRequest: a missing terminator or a truncated op fails", "[proto]") {
  proto::MultiRequest m;
  m.ops.push_back(Op(OpCode::kDelete, proto::PathVersionRequest{"/a", -1}));
  std::string bytes = Enc(m);
  for (size_t n = 0; n < bytes.size(); ++n) {
    JuteReader r(std::string_view(bytes).substr(0, n));
    proto::MultiRequest back;
    back.Read(r);
    INFO("prefix " << n);
    CHECK_FALSE(r.ok());
  }
}

TEST_CASE("MultiRequest: an op type multi does not carry fails the read", "[proto]") {
  // setACL (7) inside a multi.
  std::string bytes = Unhex("00000007 00 ffffffff") + Enc(proto::PathVersionRequest{"/a", 0}) +
                      Unhex(kDoneHeader);
  JuteReader r(bytes);
  proto::MultiRequest back;
  back.Read(r);
  CHECK_FALSE(r.ok());
}

TEST_CASE("MultiRequest: more than max_ops ops fails", "[proto]") {
  proto::MultiRequest m;
  for (int i = 0; i < 3; ++i) m.ops.push_back(Op(OpCode::kCheck, proto::PathVersionRequest{"/a", 0}));
  std::string bytes = Enc(m);
  {
    JuteReader r(bytes);
    proto::MultiRequest back;
    back.Read(r, 3);
    CHECK(r.ok());
    CHECK(back.ops.size() == 3);
  }
  {
    JuteReader r(bytes);
    proto::MultiRequest back;
    back.Read(r, 2);
    CHECK_FALSE(r.ok());
  }
}

TEST_CASE("MultiResponse: every result type, including errors, round trips", "[proto]") {
  proto::Stat st;
  st.czxid = 9;
  st.version = 2;
  proto::MultiResponse m;
  proto::MultiResult create;
  create.type = OpCode::kCreate;
  create.path = "/a";
  proto::MultiResult create2;
  create2.type = OpCode::kCreate2;
  create2.path = "/b";
  create2.stat = st;
  proto::MultiResult del;
  del.type = OpCode::kDelete;
  proto::MultiResult set;
  set.type = OpCode::kSetData;
  set.stat = st;
  proto::MultiResult check;
  check.type = OpCode::kCheck;
  proto::MultiResult get;
  get.type = OpCode::kGetData;
  get.data = "payload";
  get.stat = st;
  proto::MultiResult children;
  children.type = OpCode::kGetChildren;
  children.children = {"x", "y"};
  proto::MultiResult error;
  error.type = OpCode::kError;
  error.err = ErrorCode::kNoNode;
  m.results = {create, create2, del, set, check, get, children, error};

  std::string bytes = Enc(m);
  JuteReader r(bytes);
  proto::MultiResponse back;
  back.Read(r);
  REQUIRE(r.ok());
  CHECK(r.AtEnd());
  REQUIRE(back.results.size() == 8);
  CHECK(back.results[0].path == "/a");
  CHECK(back.results[1].path == "/b");
  CHECK(back.results[1].stat == st);
  CHECK(back.results[2].type == OpCode::kDelete);
  CHECK(back.results[3].stat == st);
  CHECK(back.results[4].type == OpCode::kCheck);
  CHECK(back.results[5].data == "payload");
  CHECK(back.results[5].stat == st);
  CHECK(back.results[6].children == std::vector<std::string>{"x", "y"});
  CHECK(back.results[7].type == OpCode::kError);
  CHECK(back.results[7].err == ErrorCode::kNoNode);
  CHECK(Enc(back) == bytes);
}

TEST_CASE("MultiResponse: an error result carries its code in the header and the body",
          "[proto]") {
  proto::MultiResponse m;
  proto::MultiResult ok;
  ok.type = OpCode::kError;
  ok.err = ErrorCode::kOk;
  proto::MultiResult bad;
  bad.type = OpCode::kError;
  bad.err = ErrorCode::kBadVersion;
  proto::MultiResult rest;
  rest.type = OpCode::kError;
  rest.err = ErrorCode::kRuntimeInconsistency;
  m.results = {ok, bad, rest};
  CHECK(ToHex(Enc(m)) ==
        "ffffffff" "00" "00000000" "00000000"   // ErrorResult(0)
        "ffffffff" "00" "ffffff99" "ffffff99"   // ErrorResult(-103)
        "ffffffff" "00" "fffffffe" "fffffffe"   // ErrorResult(-2)
        "ffffffff" "01" "ffffffff");
}

TEST_CASE("MultiResponse: successful results have err 0 in their header", "[proto]") {
  proto::MultiResponse m;
  proto::MultiResult del;
  del.type = OpCode::kDelete;
  m.results = {del};
  CHECK(ToHex(Enc(m)) == std::string("00000002" "00" "00000000") + kDoneHeader);
}

TEST_CASE("MultiResponse: truncations and unknown result types fail", "[proto]") {
  proto::MultiResponse m;
  proto::MultiResult create;
  create.type = OpCode::kCreate2;
  create.path = "/z";
  m.results = {create};
  std::string bytes = Enc(m);
  for (size_t n = 0; n < bytes.size(); ++n) {
    JuteReader r(std::string_view(bytes).substr(0, n));
    proto::MultiResponse back;
    back.Read(r);
    INFO("prefix " << n);
    CHECK_FALSE(r.ok());
  }
  std::string unknown = Unhex("00000007 00 00000000") + Unhex(kDoneHeader);
  JuteReader r(unknown);
  proto::MultiResponse back;
  back.Read(r);
  CHECK_FALSE(r.ok());
}
