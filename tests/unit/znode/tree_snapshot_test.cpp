// Checks that EncodeTreeSnapshot and TreeSnapshotLoader give back the same
// tree node for node, by building trees through Prep and ApplyTxn (the
// TreeHarness), encoding them into chunks, loading those into a fresh tree
// and comparing every node, index and counter; damaged chunks must load as
// Corruption.
#include "znode/tree_snapshot.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "proto/jute.h"
#include "unit/support/reference_db.h"
#include "unit/znode/harness.h"
#include "znode/path.h"

using namespace cairn::testing;
using cairn::ErrorKind;
using proto::ErrorCode;
using proto::OpCode;

namespace {

constexpr int32_t kPersistent = static_cast<int32_t>(proto::CreateMode::kPersistent);
constexpr int32_t kEphemeral = static_cast<int32_t>(proto::CreateMode::kEphemeral);
constexpr int32_t kPersistentSeq = static_cast<int32_t>(proto::CreateMode::kPersistentSequential);
constexpr int32_t kEphemeralSeq = static_cast<int32_t>(proto::CreateMode::kEphemeralSequential);
constexpr int32_t kContainer = static_cast<int32_t>(proto::CreateMode::kContainer);
constexpr int32_t kTtl = static_cast<int32_t>(proto::CreateMode::kPersistentWithTtl);
constexpr int32_t kTtlSeq = static_cast<int32_t>(proto::CreateMode::kPersistentSequentialWithTtl);

constexpr int64_t kThirdSession = 0x0200000000000003LL;
const int64_t kSessions[] = {kSession, kOtherSession, kThirdSession};

znode::PrepOptions Extended() {
  znode::PrepOptions o;
  o.extended_types_enabled = true;
  return o;
}

proto::AclList DigestAcl() {
  return {proto::Acl{proto::perms::kAll, proto::Id{"digest", "alice:Qw0xvFHtTcO/Zq7X2ddXSCVfpSY="}},
          proto::Acl{proto::perms::kRead, proto::Id{"digest", "bob:2FLz1ZHKFQ8YnLrvzJ1hV1xRUKY="}}};
}
proto::AclList IpAcl() {
  return {proto::Acl{proto::perms::kRead | proto::perms::kWrite, proto::Id{"ip", "10.0.0.0/8"}},
          proto::Acl{proto::perms::kAll, proto::Id{"ip", "127.0.0.1"}}};
}
proto::AclList ReadOnlyWorld() { return WorldAcl(proto::perms::kRead); }
znode::AuthIds Caller() { return {proto::Id{"ip", "127.0.0.1"}}; }

std::string NullDataCreateBody(const std::string& path, int32_t flags = kPersistent) {
  proto::CreateRequest c = MakeCreate(path, "", flags);
  c.data_null = true;
  std::string out;
  proto::JuteWriter w(&out);
  c.Write(w, false);
  return out;
}

std::string NullSetDataBody(const std::string& path) {
  proto::SetDataRequest s = MakeSetData(path, "", -1);
  s.data_null = true;
  return proto::Encode(s);
}

// Runs a write and requires it to succeed.
znode::ApplyResult MustRun(TreeHarness& h, OpCode op, const std::string& body,
                           int64_t session = kSession) {
  znode::ApplyResult r = h.Run(op, body, session);
  INFO("op " << static_cast<int>(op));
  REQUIRE(r.err == ErrorCode::kOk);
  return r;
}

std::string Name(const char* prefix, int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%04d", prefix, i);
  return buf;
}

// A tree with every kind of node: dirs * per_dir plain leaves (null, empty
// and ordinary data; digest, ip and read-only ACLs), sequential queues with
// gaps, ephemerals of three sessions, containers, TTL nodes; then deletes,
// setData and setACL so that versions and zxids differ from node to node.
void BuildTree(TreeHarness& h, int dirs, int per_dir) {
  h.auth = Caller();  // may administer the ip ACL below
  REQUIRE(h.Create("/app") == ErrorCode::kOk);
  for (int d = 0; d < dirs; ++d) {
    std::string dir = Name("/app/d", d);
    REQUIRE(h.Create(dir, kPersistent, "dir") == ErrorCode::kOk);
    for (int i = 0; i < per_dir; ++i) {
      std::string p = Name((dir + "/n").c_str(), i);
      ErrorCode err;
      if (i % 7 == 0) {
        err = h.Run(OpCode::kCreate, NullDataCreateBody(p)).err;
      } else if (i % 11 == 0) {
        err = h.Create(p, kPersistent, "");
      } else if (i % 13 == 0) {
        err = h.Create(p, kPersistent, "d", kSession, DigestAcl());
      } else if (i % 17 == 0) {
        err = h.Create(p, kPersistent, "i", kSession, IpAcl());
      } else if (i % 19 == 0) {
        err = h.Create(p, kPersistent, "r", kSession, ReadOnlyWorld());
      } else {
        err = h.Create(p, kPersistent, "value-" + std::to_string(d * per_dir + i));
      }
      REQUIRE(err == ErrorCode::kOk);
    }
  }

  // Sequential children, some deleted: the parent's stored cversion (the
  // next sequence number) is then larger than its child count.
  REQUIRE(h.Create("/app/queue") == ErrorCode::kOk);
  for (int i = 0; i < 50; ++i) {
    REQUIRE(h.Create("/app/queue/item-", kPersistentSeq, "q") == ErrorCode::kOk);
  }
  for (int i = 0; i < 50; i += 3) {
    REQUIRE(h.Delete("/app/queue/" + Name("item-000000", i)) == ErrorCode::kOk);
  }

  // Ephemerals of three sessions, plain and sequential.
  REQUIRE(h.Create("/app/locks") == ErrorCode::kOk);
  for (int s = 0; s < 3; ++s) {
    for (int i = 0; i < 4; ++i) {
      REQUIRE(h.Create("/app/locks/lock-", kEphemeralSeq, "", kSessions[s]) == ErrorCode::kOk);
    }
    REQUIRE(h.Create("/app/d0000/eph-" + std::to_string(s), kEphemeral, "e", kSessions[s]) ==
            ErrorCode::kOk);
  }

  // Containers, with and without children.
  for (int c = 0; c < 5; ++c) {
    std::string p = "/app/c" + std::to_string(c);
    MustRun(h, OpCode::kCreateContainer, CreateBody(p, "cont", kContainer));
    if (c % 2 == 0) REQUIRE(h.Create(p + "/child") == ErrorCode::kOk);
  }

  // TTL nodes, plain and sequential.
  REQUIRE(h.Create("/app/ttl") == ErrorCode::kOk);
  for (int t = 0; t < 6; ++t) {
    MustRun(h, OpCode::kCreateTtl,
            CreateBody("/app/ttl/t" + std::to_string(t), "ttl", kTtl, OpenAcl(), 1000 + t));
  }
  MustRun(h, OpCode::kCreateTtl, CreateBody("/app/ttl/s-", "", kTtlSeq, OpenAcl(), 5000));

  // Deletes (parents' pzxid and cversion move), setData (version, mzxid,
  // mtime; null data over data), setACL (aversion).
  for (int d = 0; d < dirs && d < 10; ++d) {
    for (int i = 1; i < per_dir; i += 10) {
      if (i % 13 == 0 || i % 17 == 0 || i % 19 == 0) continue;
      REQUIRE(h.Delete(Name((Name("/app/d", d) + "/n").c_str(), i)) == ErrorCode::kOk);
    }
  }
  for (int i = 2; i < per_dir; i += 25) {
    std::string p = Name("/app/d0001/n", i);
    if (i % 13 == 0 || i % 17 == 0 || i % 19 == 0) continue;
    for (int k = 0; k <= i % 3; ++k) REQUIRE(h.SetData(p, "changed-" + std::to_string(k)) == ErrorCode::kOk);
  }
  MustRun(h, OpCode::kSetData, NullSetDataBody("/app/d0002/n0003"));
  REQUIRE(h.SetData("/app/d0002/n0007", "was null") == ErrorCode::kOk);
  REQUIRE(h.SetAcl("/app/d0003/n0004", DigestAcl()) == ErrorCode::kOk);
  REQUIRE(h.SetAcl("/app/d0003/n0005", IpAcl()) == ErrorCode::kOk);
  REQUIRE(h.SetAcl("/app/d0003/n0005", ReadOnlyWorld()) == ErrorCode::kOk);
  REQUIRE(h.SetData("/app", "top") == ErrorCode::kOk);
}

std::vector<std::string> Encode(const znode::DataTree& tree, size_t chunk_bytes) {
  std::vector<std::string> chunks;
  bool done = znode::EncodeTreeSnapshot(tree, chunk_bytes, [&](std::string_view c) {
    chunks.emplace_back(c);
    return true;
  });
  REQUIRE(done);
  return chunks;
}

// Loads chunks into tree; the first error, or success.
cairn::Result<void> Load(const std::vector<std::string>& chunks, int64_t zxid, znode::DataTree* tree) {
  znode::TreeSnapshotLoader loader(tree);
  for (const auto& c : chunks) {
    REQUIRE(znode::IsTreeSnapshotChunk(c));
    auto added = loader.Add(c);
    if (!added) return added;
  }
  return loader.Finish(zxid);
}

std::string ChildPath(const std::string& parent, const std::string& child) {
  return parent == "/" ? "/" + child : parent + "/" + child;
}

// The differences between two nodes at path ("" if none): the stored
// fields, and the Stat a client would see.
std::string DiffNodeAt(const std::string& path, const znode::DataTree& ta, const znode::Node& a,
                       const znode::DataTree& tb, const znode::Node& b) {
  std::string d = cairn::testing::DiffNode(ta, a, tb, b);
  if (!(a.ClientStat() == b.ClientStat())) d += std::string(d.empty() ? "" : ", ") + "ClientStat";
  return d.empty() ? d : path + ": " + d;
}

// Requires that `got` is node for node the same tree as `want`, with the
// same indexes and counters.
void RequireSameTree(const znode::DataTree& want, const znode::DataTree& got) {
  CHECK(got.NodeCount() == want.NodeCount());
  CHECK(got.ApproximateDataSize() == want.ApproximateDataSize());
  CHECK(got.last_processed_zxid() == want.last_processed_zxid());
  CHECK(got.Containers() == want.Containers());
  CHECK(got.TtlNodes() == want.TtlNodes());
  CHECK(got.AllEphemerals() == want.AllEphemerals());
  for (int64_t s : kSessions) CHECK(got.EphemeralsOf(s) == want.EphemeralsOf(s));

  std::vector<std::string> diffs;
  size_t visited = 0;
  std::vector<std::string> stack = {"/"};
  while (!stack.empty()) {
    std::string path = std::move(stack.back());
    stack.pop_back();
    const znode::Node* a = want.Find(path);
    const znode::Node* b = got.Find(path);
    REQUIRE(a != nullptr);
    ++visited;
    if (b == nullptr) {
      diffs.push_back(path + ": missing");
    } else if (std::string d = DiffNodeAt(path, want, *a, got, *b); !d.empty()) {
      diffs.push_back(d);
    }
    for (const auto& c : want.ChildNames(*a)) stack.push_back(ChildPath(path, c));
    if (diffs.size() >= 10) break;
  }
  INFO("first differences: " << [&] {
    std::string all;
    for (const auto& d : diffs) all += "\n  " + d;
    return all;
  }());
  CHECK(diffs.empty());
  CHECK((diffs.size() >= 10 || visited == want.NodeCount()));
}

// The path stored in a node chunk's first node.
std::string FirstPathOf(const std::string& node_chunk) {
  proto::JuteReader r(std::string_view(node_chunk).substr(1 + 4));
  return r.String();
}

// A small tree encoded one node per chunk (chunk_bytes = 1).
struct OneNodePerChunk {
  OneNodePerChunk() {
    REQUIRE(h.Create("/a", kPersistent, "x") == ErrorCode::kOk);
    REQUIRE(h.Create("/a/b", kPersistent, "y") == ErrorCode::kOk);
    REQUIRE(h.Create("/a/b/c", kEphemeral, "z", kOtherSession, DigestAcl()) == ErrorCode::kOk);
    chunks = Encode(h.tree, 1);
  }
  // Every chunk except the one holding path.
  std::vector<std::string> Without(const std::string& path) const {
    std::vector<std::string> out;
    bool found = false;
    for (const auto& c : chunks) {
      if (c[0] == 'N' && FirstPathOf(c) == path) {
        found = true;
        continue;
      }
      out.push_back(c);
    }
    REQUIRE(found);
    return out;
  }
  const std::string& NodeChunk(const std::string& path) const {
    for (const auto& c : chunks) {
      if (c[0] == 'N' && FirstPathOf(c) == path) return c;
    }
    FAIL("no chunk for " << path);
    return chunks.front();
  }
  TreeHarness h;
  std::vector<std::string> chunks;
};

void RequireCorruption(const cairn::Result<void>& r) {
  REQUIRE_FALSE(r);
  CHECK(r.error().kind() == ErrorKind::kCorruption);
}

}  // namespace

TEST_CASE("TreeSnapshot: a 100,000-node tree round-trips node for node", "[znode]") {
  TreeHarness h(Extended());
  BuildTree(h, 101, 1000);
  REQUIRE(h.tree.NodeCount() > 100000);
  REQUIRE(h.tree.EphemeralsOf(kThirdSession).size() == 5);
  REQUIRE(h.tree.Containers().size() == 5);
  REQUIRE(h.tree.TtlNodes().size() == 7);

  for (size_t chunk_bytes : {size_t{4096}, size_t{1} << 20}) {
    INFO("chunk_bytes " << chunk_bytes);
    std::vector<std::string> chunks = Encode(h.tree, chunk_bytes);
    CHECK(chunks.front()[0] == 'A');  // the ACL chunk comes first
    if (chunk_bytes == 4096) CHECK(chunks.size() > 1000);
    for (size_t i = 1; i + 1 < chunks.size(); ++i) {
      // a chunk closes at the node that takes it to chunk_bytes
      CHECK(chunks[i].size() >= chunk_bytes);
      CHECK(chunks[i].size() < chunk_bytes + 1024);
    }
    znode::DataTree loaded;
    auto r = Load(chunks, h.tree.last_processed_zxid(), &loaded);
    INFO((r ? std::string("loaded") : r.error().message()));
    REQUIRE(r);
    RequireSameTree(h.tree, loaded);
  }
}

TEST_CASE("TreeSnapshot: Finish sets the last processed zxid it is given", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/a") == ErrorCode::kOk);
  znode::DataTree loaded;
  REQUIRE(Load(Encode(h.tree, 4096), 0x500000007LL, &loaded));
  CHECK(loaded.last_processed_zxid() == 0x500000007LL);
}

TEST_CASE("TreeSnapshot: after loading, further txns apply exactly as on the original tree",
          "[znode]") {
  TreeHarness original(Extended());
  BuildTree(original, 4, 60);
  TreeHarness restored(Extended());
  REQUIRE(Load(Encode(original.tree, 4096), original.tree.last_processed_zxid(), &restored.tree));
  restored.next_zxid = original.next_zxid;
  restored.now_ms = original.now_ms;
  restored.cxid = original.cxid;
  restored.auth = original.auth;

  // Runs the same write on both trees and requires the same outcome.
  auto both = [&](OpCode op, const std::string& body, int64_t session = kSession) {
    znode::ApplyResult want = original.Run(op, body, session);
    znode::ApplyResult got = restored.Run(op, body, session);
    CHECK(got.err == want.err);
    CHECK(got.path == want.path);
    CHECK(got.stat == want.stat);
    CHECK(got.deleted_ephemerals == want.deleted_ephemerals);
    return got;
  };

  // 50 sequential creates came before, 17 of them deleted since.
  auto seq = both(OpCode::kCreate2, CreateBody("/app/queue/item-", "", kPersistentSeq));
  CHECK(seq.err == ErrorCode::kOk);
  CHECK(seq.path == "/app/queue/item-0000000050");
  auto lock = both(OpCode::kCreate, CreateBody("/app/locks/lock-", "", kEphemeralSeq), kOtherSession);
  CHECK(lock.path == "/app/locks/lock-0000000012");
  auto ttl = both(OpCode::kCreateTtl, CreateBody("/app/ttl/s-", "", kTtlSeq, OpenAcl(), 100));
  CHECK(ttl.path == "/app/ttl/s-0000000007");
  both(OpCode::kCreate, CreateBody("/app/c1/new"));  // a child for an empty container

  // Versions came back: a conditional setData / setACL / delete with the
  // current version succeeds, one with a stale version fails.
  int32_t v = original.StatOf("/app/d0001/n0002").version;
  REQUIRE(v == 3);
  CHECK(both(OpCode::kSetData, SetDataBody("/app/d0001/n0002", "again", v)).err == ErrorCode::kOk);
  CHECK(both(OpCode::kSetData, SetDataBody("/app/d0001/n0002", "stale", v)).err ==
        ErrorCode::kBadVersion);
  int32_t av = original.StatOf("/app/d0003/n0005").aversion;
  REQUIRE(av == 2);
  // /app/d0003/n0005 is read-only for the world now: setACL needs ADMIN.
  CHECK(both(OpCode::kSetAcl, SetAclBody("/app/d0003/n0005", OpenAcl(), av)).err == ErrorCode::kNoAuth);
  CHECK(both(OpCode::kSetAcl, SetAclBody("/app/d0002/n0002", DigestAcl(), 0)).err == ErrorCode::kOk);
  CHECK(both(OpCode::kDelete, DeleteBody("/app/d0002/n0004", 0)).err == ErrorCode::kOk);
  // ACLs stay shared and refcounted: freeing one user keeps the others'.
  CHECK(both(OpCode::kDelete, DeleteBody("/app/d0000/n0013")).err == ErrorCode::kOk);
  CHECK(restored.tree.AclOf(*restored.tree.Find("/app/d0001/n0013")) == DigestAcl());

  // A session's restored ephemerals go with it.
  auto closed_want = original.CloseSession(kSession);
  auto closed_got = restored.CloseSession(kSession);
  CHECK(closed_got.deleted_ephemerals == closed_want.deleted_ephemerals);
  CHECK(closed_got.deleted_ephemerals.size() == 5);
  CHECK(restored.tree.EphemeralsOf(kSession).empty());
  CHECK(both(OpCode::kCreate, CreateBody("/app/locks/lock-", "", kEphemeralSeq), kThirdSession).path ==
        "/app/locks/lock-0000000013");

  RequireSameTree(original.tree, restored.tree);
}

TEST_CASE("TreeSnapshot: data on the root node counts in ApproximateDataSize after loading",
          "[znode]") {
  // The root's path is not counted but its data is, as DataTree::SetData
  // and ZooKeeper's approximateDataSize do.
  TreeHarness h;
  REQUIRE(h.SetData("/", "root data") == ErrorCode::kOk);
  REQUIRE(h.Create("/a", kPersistent, "xyz") == ErrorCode::kOk);
  znode::DataTree loaded;
  REQUIRE(Load(Encode(h.tree, 4096), h.tree.last_processed_zxid(), &loaded));
  CHECK(loaded.Find("/")->data() == "root data");
  CHECK(loaded.ApproximateDataSize() == h.tree.ApproximateDataSize());
}

TEST_CASE("TreeSnapshot: the encoder stops as soon as the sink refuses a chunk", "[znode]") {
  TreeHarness h;
  for (int i = 0; i < 100; ++i) REQUIRE(h.Create(Name("/n", i)) == ErrorCode::kOk);
  int calls = 0;
  CHECK_FALSE(znode::EncodeTreeSnapshot(h.tree, 64, [&](std::string_view) { return ++calls < 3; }));
  CHECK(calls == 3);
  calls = 0;
  CHECK_FALSE(znode::EncodeTreeSnapshot(h.tree, 64, [&](std::string_view) { return ++calls < 1; }));
  CHECK(calls == 1);  // the ACL chunk
}

TEST_CASE("TreeSnapshot: only ACL and node chunks are tree chunks", "[znode]") {
  CHECK(znode::IsTreeSnapshotChunk("A"));
  CHECK(znode::IsTreeSnapshotChunk("N\0\0\0\0"));
  CHECK_FALSE(znode::IsTreeSnapshotChunk("S"));
  CHECK_FALSE(znode::IsTreeSnapshotChunk(""));
}

TEST_CASE("TreeSnapshot: a truncated chunk is Corruption", "[znode]") {
  OneNodePerChunk t;
  for (const std::string& full : {t.chunks.front(), t.NodeChunk("/a/b"), t.NodeChunk("/a")}) {
    for (size_t len = 1; len < full.size(); ++len) {
      INFO("chunk tag " << full[0] << " cut to " << len << " of " << full.size() << " bytes");
      znode::DataTree tree;
      znode::TreeSnapshotLoader loader(&tree);
      if (full[0] == 'N') REQUIRE(loader.Add(t.chunks.front()));
      RequireCorruption(loader.Add(std::string_view(full).substr(0, len)));
    }
  }
}

TEST_CASE("TreeSnapshot: garbage in a chunk is Corruption, not a crash", "[znode]") {
  OneNodePerChunk t;
  const std::string& acl = t.chunks.front();
  const std::string& node = t.NodeChunk("/a/b");

  auto add_after_acl = [&](const std::string& chunk) {
    znode::DataTree tree;
    znode::TreeSnapshotLoader loader(&tree);
    REQUIRE(loader.Add(acl));
    return loader.Add(chunk);
  };
  SECTION("trailing bytes after the last node") { RequireCorruption(add_after_acl(node + "junk")); }
  SECTION("trailing bytes after the last ACL") {
    znode::DataTree tree;
    znode::TreeSnapshotLoader loader(&tree);
    RequireCorruption(loader.Add(acl + "x"));
  }
  SECTION("a node count larger than the chunk could hold") {
    std::string bad = node;
    proto::JuteWriter(&bad).PatchInt(1, 1000000);
    RequireCorruption(add_after_acl(bad));
  }
  SECTION("a negative node count") {
    std::string bad = node;
    proto::JuteWriter(&bad).PatchInt(1, -5);
    RequireCorruption(add_after_acl(bad));
  }
  SECTION("a count of two with one node present") {
    std::string bad = node;
    proto::JuteWriter(&bad).PatchInt(1, 2);
    RequireCorruption(add_after_acl(bad));
  }
  SECTION("random bytes behind a node tag") {
    uint32_t x = 12345;
    for (int round = 0; round < 200; ++round) {
      std::string bad = "N";
      for (int i = 0; i < 4 + round; ++i) {
        x = x * 1103515245u + 12345u;
        bad.push_back(static_cast<char>(x >> 16));
      }
      INFO("round " << round);
      auto r = add_after_acl(bad);
      if (!r) CHECK(r.error().kind() == ErrorKind::kCorruption);
    }
  }
  SECTION("a node naming an ACL the snapshot does not hold") {
    znode::DataTree tree;
    znode::TreeSnapshotLoader loader(&tree);  // no ACL chunk added
    auto r = loader.Add(t.NodeChunk("/a"));
    RequireCorruption(r);
    CHECK_THAT(r.error().message(), Catch::Contains("/a") && Catch::Contains("ACL"));
  }
  SECTION("the same node listed twice") {
    std::vector<std::string> twice = t.chunks;
    twice.push_back(t.NodeChunk("/a/b"));
    znode::DataTree tree;
    auto r = Load(twice, 1, &tree);
    RequireCorruption(r);
    CHECK_THAT(r.error().message(), Catch::Contains("twice"));
  }
}

TEST_CASE("TreeSnapshot: a node whose parent is missing makes Finish fail", "[znode]") {
  OneNodePerChunk t;
  // "/a/b" becomes "/a/q": as many nodes as the ACL chunk announces, but
  // "/a/b/c" has lost its parent.
  std::vector<std::string> chunks = t.Without("/a/b");
  std::string renamed = t.NodeChunk("/a/b");
  renamed[1 + 4 + 4 + 3] = 'q';
  REQUIRE(FirstPathOf(renamed) == "/a/q");
  chunks.push_back(renamed);
  znode::DataTree tree;
  auto r = Load(chunks, 1, &tree);
  RequireCorruption(r);
  CHECK_THAT(r.error().message(), Catch::Contains("/a/b/c") && Catch::Contains("no parent"));
}

TEST_CASE("TreeSnapshot: a snapshot without the root makes Finish fail", "[znode]") {
  OneNodePerChunk t;
  znode::DataTree tree;
  auto r = Load(t.Without("/"), 1, &tree);
  RequireCorruption(r);
  CHECK_THAT(r.error().message(), Catch::Contains("root"));
}

TEST_CASE("TreeSnapshot: a node path without a slash is Corruption, not an abort",
          "[znode]") {
  // A chunk that decodes but holds a path like "ab" (a flipped first byte
  // does it) must not reach ParentPath(), whose assert needs a '/'.
  OneNodePerChunk t;
  std::vector<std::string> chunks = t.Without("/a/b/c");
  std::string bad = t.NodeChunk("/a/b/c");
  bad.replace(1 + 4 + 4, 6, "abcdef");  // a leaf whose path has no '/'
  chunks.push_back(bad);
  znode::DataTree tree;
  RequireCorruption(Load(chunks, 1, &tree));
}
