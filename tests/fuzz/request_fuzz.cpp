// libFuzzer target for the request parsers: the input is a run of client
// frames (length, RequestHeader, body). Each is decoded and handed, whatever
// its opcode, to znode::Prep::PrepWrite or znode::ExecuteRead on a fresh
// DataTree + WatchRegistry seeded with a few nodes; every write is prepped
// before any applies (pipelining), then all apply in order through
// znode::ApplyTxn, whose asserts catch a txn that prep should have refused.
// Each txn must survive EncodeTxn/DecodeTxn byte for byte, and the raw input
// is also fed to proto::MultiRequest/MultiResponse and znode::DecodeTxn.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/codes.h"
#include "proto/frame.h"
#include "proto/jute.h"
#include "proto/multi.h"
#include "proto/records.h"
#include "znode/apply.h"
#include "znode/data_tree.h"
#include "znode/prep.h"
#include "znode/read_ops.h"
#include "znode/txn.h"
#include "znode/watch_registry.h"

namespace {

namespace proto = cairn::proto;
namespace znode = cairn::znode;

constexpr size_t kMaxRequests = 16;
constexpr int64_t kSessions[] = {0x0100000000000001LL, 0x0100000000000002LL};

void Check(bool cond) {
  if (!cond) __builtin_trap();
}

// Encode -> decode -> encode must give the same bytes.
void CheckTxnRoundTrip(const znode::Txn& txn) {
  std::string bytes;
  znode::EncodeTxn(txn, &bytes);
  auto back = znode::DecodeTxn(bytes);
  Check(back.has_value());
  std::string again;
  znode::EncodeTxn(back.value(), &again);
  Check(again == bytes);
}

struct World {
  World(bool extended) : prep(&tree, Options(extended)) {}
  static znode::PrepOptions Options(bool extended) {
    znode::PrepOptions o;
    o.extended_types_enabled = extended;
    return o;
  }

  void Apply(const znode::Txn& txn) {
    znode::WatchFires fires;
    znode::ApplyTxn(tree, txn, &fires);
    for (size_t i = 0; i < fires.size(); ++i) {
      watches.Fire(fires[i], static_cast<int32_t>(i), &notifications);
    }
    prep.Applied(txn.header.zxid);
  }

  znode::Txn Write(proto::OpCode op, std::string_view body, int64_t session,
                   const znode::AuthIds& auth) {
    znode::WriteRequest req;
    req.op = op;
    req.body = body;
    req.session_id = session;
    req.cxid = ++cxid;
    req.auth = &auth;
    int64_t z = ++zxid;
    return prep.PrepWrite(req, z, 1000 + z);
  }

  void Seed() {
    znode::AuthIds none;
    auto create = [&](const char* path, int32_t flags, proto::OpCode op) {
      proto::CreateRequest c;
      c.path = path;
      c.data = "seed";
      c.acl = {proto::Acl{proto::perms::kAll, proto::Id{"world", "anyone"}}};
      c.flags = flags;
      c.ttl = op == proto::OpCode::kCreateTtl ? 1000 : -1;
      std::string body;
      proto::JuteWriter w(&body);
      c.Write(w, op == proto::OpCode::kCreateTtl);
      Apply(Write(op, body, kSessions[0], none));
    };
    create("/a", 0, proto::OpCode::kCreate);
    create("/a/b", 0, proto::OpCode::kCreate);
    create("/e", 1, proto::OpCode::kCreate);
    create("/c", 4, proto::OpCode::kCreateContainer);
    create("/c/x", 0, proto::OpCode::kCreate);
    create("/t", 5, proto::OpCode::kCreateTtl);
    create("/s", 2, proto::OpCode::kCreate);
  }

  znode::DataTree tree;
  znode::Prep prep;
  znode::WatchRegistry watches;
  std::vector<znode::Notification> notifications;
  int64_t zxid = 0x100000000LL;
  int32_t cxid = 0;
};

void RunRequests(std::string_view input) {
  if (input.empty()) return;
  World world(input[0] & 1);
  world.Seed();
  const znode::AuthIds kAuths[] = {
      {},
      {proto::Id{"ip", "127.0.0.1"}, proto::Id{"digest", "bob:hash="}},
      {proto::Id{"super", ""}},
  };

  proto::FrameDecoder frames(1 << 16);
  frames.Feed(input.substr(1));
  std::vector<std::string> bodies;  // kept alive while their txns are prepped
  std::vector<znode::Txn> prepped;
  for (size_t n = 0; n < kMaxRequests; ++n) {
    auto frame = frames.Next();
    if (!frame) break;
    proto::JuteReader r(*frame);
    proto::RequestHeader hdr;
    hdr.Read(r);
    if (!r.ok()) continue;
    std::string_view body = r.Rest();
    auto op = static_cast<proto::OpCode>(hdr.type);
    int64_t session = kSessions[static_cast<uint32_t>(hdr.xid) & 1];
    const znode::AuthIds& auth = kAuths[(static_cast<uint32_t>(hdr.xid) >> 1) % 3];
    if (znode::IsWriteOp(op)) {
      prepped.push_back(world.Write(op, body, session, auth));
    } else if (op == proto::OpCode::kCloseSession) {
      prepped.push_back(world.prep.PrepCloseSession(session, ++world.zxid, 2000));
    } else if (op == proto::OpCode::kDeleteContainer) {
      proto::PathRequest path;
      proto::JuteReader pr(body);
      path.Read(pr);
      if (pr.ok()) prepped.push_back(world.prep.PrepDeleteContainer(path.path, ++world.zxid, 2000));
    } else if (znode::IsTreeReadOp(op)) {
      std::vector<znode::Notification> immediate;
      znode::ReadContext ctx{world.tree, world.watches, session, auth, &immediate};
      znode::ReadReply reply = znode::ExecuteRead(op, body, ctx);
      Check(reply.err == proto::ErrorCode::kOk || reply.body.empty() ||
            op == proto::OpCode::kMultiRead);
    }
  }
  for (const auto& txn : prepped) {
    CheckTxnRoundTrip(txn);
    world.Apply(txn);
  }
  Check(world.prep.pending().size() == 0);
}

void RunRawDecoders(std::string_view input) {
  {
    proto::JuteReader r(input);
    proto::MultiRequest m;
    m.Read(r, 1000);
    if (r.ok()) {
      std::string out;
      proto::JuteWriter w(&out);
      m.Write(w);
      proto::JuteReader again(out);
      proto::MultiRequest m2;
      m2.Read(again, 1000);
      Check(again.ok() && again.AtEnd() && m2.ops.size() == m.ops.size());
    }
  }
  {
    proto::JuteReader r(input);
    proto::MultiResponse m;
    m.Read(r, 1000);
  }
  auto txn = znode::DecodeTxn(input);
  if (txn.has_value()) {
    std::string out;
    znode::EncodeTxn(txn.value(), &out);
    // Null and empty buffers may differ; a re-decode must still succeed.
    Check(znode::DecodeTxn(out).has_value());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  RunRequests(input);
  RunRawDecoders(input);
  return 0;
}
