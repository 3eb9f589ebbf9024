// Round-trips every txn body type through EncodeTxn/DecodeTxn, checks the
// header layout byte by byte, and shows DecodeTxn refusing every truncation,
// trailing bytes and unknown types with a Corruption error.
#include "znode/txn.h"

#include <catch2/catch.hpp>

#include "unit/support/bytes.h"
#include "unit/znode/harness.h"

using namespace cairn::testing;
using proto::ErrorCode;
using proto::OpCode;

namespace {

znode::Txn WithBody(znode::TxnBody body) {
  znode::Txn t;
  t.header.session_id = 0x0123456789abcdefLL;
  t.header.cxid = 42;
  t.header.zxid = 0x300000007LL;
  t.header.time_ms = 1700000000123LL;
  t.body = std::move(body);
  return t;
}

std::string Encode(const znode::Txn& t) {
  std::string out;
  znode::EncodeTxn(t, &out);
  return out;
}

znode::CreateTxn SampleCreate(OpCode op) {
  znode::CreateTxn c;
  c.op = op;
  c.path = "/a/b";
  c.data = std::string("d\0x", 3);
  c.acl = {proto::Acl{proto::perms::kRead, {"digest", "u:h"}},
           proto::Acl{proto::perms::kAll, {"world", "anyone"}}};
  c.ephemeral_owner = proto::kContainerEphemeralOwner;
  c.parent_cversion = 9;
  return c;
}

std::vector<znode::Txn> AllTxns() {
  std::vector<znode::Txn> out;
  for (OpCode op : {OpCode::kCreate, OpCode::kCreate2, OpCode::kCreateContainer,
                    OpCode::kCreateTtl}) {
    out.push_back(WithBody(SampleCreate(op)));
  }
  znode::CreateTxn null_data = SampleCreate(OpCode::kCreate);
  null_data.data.clear();
  null_data.data_null = true;
  out.push_back(WithBody(null_data));
  out.push_back(WithBody(znode::DeleteTxn{OpCode::kDelete, "/a"}));
  out.push_back(WithBody(znode::DeleteTxn{OpCode::kDeleteContainer, "/c"}));
  znode::SetDataTxn s;
  s.path = "/s";
  s.data = "value";
  s.version = 3;
  out.push_back(WithBody(s));
  znode::SetAclTxn a;
  a.path = "/acl";
  a.acl = {proto::Acl{proto::perms::kAdmin, {"ip", "10.0.0.0/8"}}};
  a.version = 4;
  out.push_back(WithBody(a));
  znode::CheckTxn c;
  c.path = "/chk";
  c.version = 5;
  out.push_back(WithBody(c));
  out.push_back(WithBody(znode::ErrorTxn{ErrorCode::kNodeExists}));
  znode::CreateSessionTxn cs;
  cs.timeout_ms = 30000;
  cs.passwd = std::string(16, '\x7f');
  out.push_back(WithBody(cs));
  out.push_back(WithBody(znode::CloseSessionTxn{}));
  znode::MultiTxn m;
  m.ops = {SampleCreate(OpCode::kCreate2), s, a, c, znode::DeleteTxn{OpCode::kDelete, "/a"},
           znode::ErrorTxn{ErrorCode::kRuntimeInconsistency}};
  out.push_back(WithBody(m));
  out.push_back(WithBody(znode::MultiTxn{}));
  return out;
}

}  // namespace

TEST_CASE("Txn: the header is sessionId, cxid, zxid, time, type", "[znode]") {
  std::string bytes = Encode(WithBody(znode::CloseSessionTxn{}));
  CHECK(ToHex(bytes) ==
        "0123456789abcdef"  // sessionId
        "0000002a"          // cxid
        "0000000300000007"  // zxid
        "0000018bcfe5687b"  // time 1700000000123
        "fffffff5");        // type -11, closeSession: no body
}

TEST_CASE("Txn: every body type round trips byte for byte", "[znode]") {
  for (const auto& txn : AllTxns()) {
    std::string bytes = Encode(txn);
    INFO("type " << proto::OpCodeName(znode::TxnType(txn.body)));
    auto decoded = znode::DecodeTxn(bytes);
    REQUIRE(decoded.has_value());
    const znode::Txn& back = decoded.value();
    CHECK(back.header.session_id == txn.header.session_id);
    CHECK(back.header.cxid == txn.header.cxid);
    CHECK(back.header.zxid == txn.header.zxid);
    CHECK(back.header.time_ms == txn.header.time_ms);
    CHECK(back.body.index() == txn.body.index());
    CHECK(znode::TxnType(back.body) == znode::TxnType(txn.body));
    CHECK(Encode(back) == bytes);
  }
}

TEST_CASE("Txn: decoded fields match what was encoded", "[znode]") {
  auto c = znode::DecodeTxn(Encode(WithBody(SampleCreate(OpCode::kCreateTtl))));
  REQUIRE(c.has_value());
  const auto& create = std::get<znode::CreateTxn>(c.value().body);
  CHECK(create.op == OpCode::kCreateTtl);
  CHECK(create.path == "/a/b");
  CHECK(create.data == std::string("d\0x", 3));
  CHECK(create.acl == SampleCreate(OpCode::kCreate).acl);
  CHECK(create.ephemeral_owner == proto::kContainerEphemeralOwner);
  CHECK(create.parent_cversion == 9);

  znode::MultiTxn m;
  m.ops = {znode::DeleteTxn{OpCode::kDeleteContainer, "/x"}, znode::ErrorTxn{ErrorCode::kNoNode}};
  auto mt = znode::DecodeTxn(Encode(WithBody(m)));
  REQUIRE(mt.has_value());
  const auto& multi = std::get<znode::MultiTxn>(mt.value().body);
  REQUIRE(multi.ops.size() == 2);
  CHECK(std::get<znode::DeleteTxn>(multi.ops[0]).op == OpCode::kDeleteContainer);
  CHECK(std::get<znode::ErrorTxn>(multi.ops[1]).err == ErrorCode::kNoNode);
  CHECK(znode::TxnOpType(multi.ops[1]) == OpCode::kError);
}

TEST_CASE("Txn: a null data buffer survives the log", "[znode]") {
  znode::SetDataTxn s;
  s.path = "/n";
  s.data_null = true;
  auto back = znode::DecodeTxn(Encode(WithBody(s)));
  REQUIRE(back.has_value());
  CHECK(std::get<znode::SetDataTxn>(back.value().body).data_null);
}

TEST_CASE("Txn: DecodeTxn rejects every truncation", "[znode]") {
  for (const auto& txn : AllTxns()) {
    std::string bytes = Encode(txn);
    INFO("type " << proto::OpCodeName(znode::TxnType(txn.body)));
    for (size_t n = 0; n < bytes.size(); ++n) {
      auto r = znode::DecodeTxn(std::string_view(bytes).substr(0, n));
      INFO("prefix " << n << " of " << bytes.size());
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error().kind() == cairn::ErrorKind::kCorruption);
    }
  }
}

TEST_CASE("Txn: DecodeTxn rejects trailing bytes", "[znode]") {
  for (const auto& txn : AllTxns()) {
    std::string bytes = Encode(txn) + std::string(1, '\0');
    auto r = znode::DecodeTxn(bytes);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message().find("trailing") != std::string::npos);
  }
}

TEST_CASE("Txn: DecodeTxn rejects unknown types, also inside a multi", "[znode]") {
  std::string header = Encode(WithBody(znode::CloseSessionTxn{}));
  header.resize(header.size() - 4);
  auto with_type = [&](const std::string& type_and_body) { return header + Unhex(type_and_body); };
  CHECK_FALSE(znode::DecodeTxn(with_type("00000063")).has_value());  // 99
  CHECK_FALSE(znode::DecodeTxn(with_type("00000004")).has_value());  // getData is no txn
  // multi holding a nested multi, and one holding a createSession.
  CHECK_FALSE(znode::DecodeTxn(with_type("0000000e 00000001 0000000e 00000000")).has_value());
  CHECK_FALSE(
      znode::DecodeTxn(with_type("0000000e 00000001 fffffff6 00007530 00000000")).has_value());
  // A negative op count.
  CHECK_FALSE(znode::DecodeTxn(with_type("0000000e fffffffe")).has_value());
}

TEST_CASE("Txn: TxnType names the logged opcode of each body", "[znode]") {
  CHECK(znode::TxnType(znode::CreateSessionTxn{}) == OpCode::kCreateSession);
  CHECK(znode::TxnType(znode::CloseSessionTxn{}) == OpCode::kCloseSession);
  CHECK(znode::TxnType(znode::MultiTxn{}) == OpCode::kMulti);
  CHECK(znode::TxnType(znode::SetAclTxn{}) == OpCode::kSetAcl);
  CHECK(znode::TxnType(SampleCreate(OpCode::kCreateContainer)) == OpCode::kCreateContainer);
}
