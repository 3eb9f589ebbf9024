// SnapshotView must yield the tree exactly as it was when the view opened,
// however txns change it between slices: each case opens a view, interleaves
// seeded random mutations (creates, deletes, setData, setACL, session kills)
// with Next() calls, loads the chunks into a fresh tree and compares it node
// by node with a copy encoded synchronously at the moment the view opened.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "znode/data_tree.h"
#include "znode/snapshot_view.h"
#include "znode/tree_snapshot.h"

namespace {

using cairn::znode::DataTree;
using cairn::znode::Node;
using cairn::znode::SnapshotView;
using cairn::znode::TreeSnapshotLoader;
using cairn::znode::WatchFires;
namespace proto = cairn::proto;

proto::AclList Acl(int32_t perms) { return {proto::Acl{perms, proto::Id{"world", "anyone"}}}; }

// Loads chunks into *out and checks they decode.
void Load(const std::vector<std::string>& chunks, int64_t zxid, DataTree* out) {
  TreeSnapshotLoader loader(out);
  for (const auto& c : chunks) REQUIRE(loader.Add(c));
  REQUIRE(loader.Finish(zxid));
}

std::vector<std::string> EncodeNow(const DataTree& tree, size_t chunk_bytes) {
  std::vector<std::string> chunks;
  cairn::znode::EncodeTreeSnapshot(tree, chunk_bytes, [&](std::string_view c) {
    chunks.emplace_back(c);
    return true;
  });
  return chunks;
}

// Every node of a is in b with the same contents, and the sizes match.
void RequireSameTree(const DataTree& a, const DataTree& b, const std::vector<std::string>& paths) {
  REQUIRE(a.NodeCount() == b.NodeCount());
  REQUIRE(a.ApproximateDataSize() == b.ApproximateDataSize());
  for (const auto& p : paths) {
    const Node* x = a.Find(p);
    const Node* y = b.Find(p);
    REQUIRE((x == nullptr) == (y == nullptr));
    if (x == nullptr) continue;
    INFO("path " << p);
    CHECK(x->data() == y->data());
    CHECK(x->data_null() == y->data_null());
    CHECK(a.AclOf(*x) == b.AclOf(*y));
    CHECK(a.ChildNames(*x) == b.ChildNames(*y));
    auto sx = x->ClientStat();
    auto sy = y->ClientStat();
    CHECK(sx.czxid == sy.czxid);
    CHECK(sx.mzxid == sy.mzxid);
    CHECK(sx.pzxid == sy.pzxid);
    CHECK(sx.version == sy.version);
    CHECK(sx.cversion == sy.cversion);
    CHECK(sx.aversion == sy.aversion);
    CHECK(sx.ephemeral_owner == sy.ephemeral_owner);
  }
  CHECK(a.AllEphemerals() == b.AllEphemerals());
}

struct RandomTree {
  DataTree tree;
  std::vector<std::string> paths;  // every path ever created (some deleted since)
  std::mt19937_64 rng;
  int64_t zxid = 0;

  explicit RandomTree(uint64_t seed) : rng(seed) {}

  uint64_t Pick(uint64_t n) { return rng() % n; }

  void Mutate() {
    WatchFires fires;
    ++zxid;
    tree.set_last_processed_zxid(zxid);
    switch (Pick(6)) {
      case 0:
      case 1: {  // create under a random live node
        std::string parent = paths.empty() ? "/" : paths[Pick(paths.size())];
        const Node* p = tree.Find(parent);
        if (p == nullptr || p->ephemeral_owner != 0) parent = "/";
        p = tree.Find(parent);
        std::string path = (parent == "/" ? "" : parent) + "/n" + std::to_string(zxid);
        int64_t owner = Pick(4) == 0 ? static_cast<int64_t>(1 + Pick(3)) : 0;
        tree.CreateNode(path, std::string(Pick(40), 'd'), Pick(10) == 0, Acl(1 + static_cast<int32_t>(Pick(3))),
                        owner, p->cversion + 1, zxid, zxid * 10, &fires);
        paths.push_back(path);
        break;
      }
      case 2: {  // delete a random childless node
        if (paths.empty()) break;
        const std::string& path = paths[Pick(paths.size())];
        const Node* n = tree.Find(path);
        if (n != nullptr && n->child_count() == 0) tree.DeleteNode(path, zxid, &fires);
        break;
      }
      case 3: {
        if (paths.empty()) break;
        const std::string& path = paths[Pick(paths.size())];
        if (const Node* n = tree.Find(path)) {
          tree.SetData(path, "v" + std::to_string(zxid), false, n->version + 1, zxid, zxid * 10, &fires);
        }
        break;
      }
      case 4: {
        if (paths.empty()) break;
        const std::string& path = paths[Pick(paths.size())];
        if (const Node* n = tree.Find(path)) tree.SetAcl(path, Acl(1 + static_cast<int32_t>(Pick(31))), n->aversion + 1);
        break;
      }
      default:
        if (Pick(8) == 0) tree.KillSession(static_cast<int64_t>(1 + Pick(3)), zxid, &fires);
        break;
    }
  }
};

}  // namespace

TEST_CASE("SnapshotView: an idle tree encodes the same as a synchronous snapshot", "[znode]") {
  RandomTree t(1);
  for (int i = 0; i < 3000; ++i) t.Mutate();
  std::vector<std::string> chunks;
  {
    SnapshotView view(&t.tree, 4096);
    std::string chunk;
    while (view.Next(100, &chunk)) {
      if (!chunk.empty()) chunks.push_back(chunk);
    }
    CHECK(view.preserved() == 0);
  }
  DataTree expected, actual;
  Load(EncodeNow(t.tree, 4096), t.zxid, &expected);
  Load(chunks, t.zxid, &actual);
  RequireSameTree(expected, actual, t.paths);
}

TEST_CASE("SnapshotView: txns between slices do not leak into the snapshot", "[znode]") {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    INFO("seed " << seed);
    RandomTree t(seed);
    for (int i = 0; i < 2000; ++i) t.Mutate();
    int64_t at = t.zxid;
    DataTree expected;
    Load(EncodeNow(t.tree, 1 << 20), at, &expected);

    std::vector<std::string> chunks;
    int64_t preserved = 0;
    {
      SnapshotView view(&t.tree, 2048);
      CHECK(view.zxid() == at);
      std::string chunk;
      // Bounded: each Next walks at least one node or finishes.
      for (int step = 0; step < 100000; ++step) {
        for (uint64_t k = t.Pick(5); k > 0; --k) t.Mutate();
        if (!view.Next(1 + t.Pick(50), &chunk)) break;
        if (!chunk.empty()) chunks.push_back(chunk);
      }
      preserved = view.preserved();
    }
    CHECK(preserved > 0);
    DataTree actual;
    Load(chunks, at, &actual);
    RequireSameTree(expected, actual, t.paths);
  }
}

TEST_CASE("SnapshotView: thousands of creates mid-view (the store grows) are left out, exactly",
          "[znode]") {
  RandomTree t(7);
  for (int i = 0; i < 50; ++i) t.Mutate();
  int64_t at = t.zxid;
  DataTree expected;
  Load(EncodeNow(t.tree, 1 << 20), at, &expected);
  std::vector<std::string> chunks;
  {
    SnapshotView view(&t.tree, 512);
    std::string chunk;
    REQUIRE(view.Next(1, &chunk));  // the ACL chunk
    chunks.push_back(chunk);
    // Many creates: the store allocates new slot blocks mid-view.
    WatchFires fires;
    for (int i = 0; i < 5000; ++i) {
      ++t.zxid;
      std::string path = "/grow" + std::to_string(i);
      t.tree.CreateNode(path, "x", false, Acl(31), 0, t.tree.Find("/")->cversion + 1, t.zxid, 0, &fires);
      t.paths.push_back(path);
    }
    while (view.Next(3, &chunk)) {
      if (!chunk.empty()) chunks.push_back(chunk);
    }
  }
  DataTree actual;
  Load(chunks, at, &actual);
  RequireSameTree(expected, actual, t.paths);
}

TEST_CASE("SnapshotView: closing a view stops preserving, a new view starts afresh", "[znode]") {
  RandomTree t(3);
  for (int i = 0; i < 500; ++i) t.Mutate();
  {
    SnapshotView abandoned(&t.tree, 1024);
    std::string chunk;
    abandoned.Next(10, &chunk);
  }  // abandoned half-way
  for (int i = 0; i < 200; ++i) t.Mutate();
  DataTree expected;
  Load(EncodeNow(t.tree, 1 << 20), t.zxid, &expected);
  std::vector<std::string> chunks;
  {
    SnapshotView view(&t.tree, 1024);
    std::string chunk;
    while (view.Next(7, &chunk)) {
      if (!chunk.empty()) chunks.push_back(chunk);
    }
  }
  DataTree actual;
  Load(chunks, t.zxid, &actual);
  RequireSameTree(expected, actual, t.paths);
}

TEST_CASE("SnapshotView: new blocks and reused slots between slices, mixed with changes, stay exact",
          "[znode]") {
  RandomTree t(11);
  for (int i = 0; i < 300; ++i) t.Mutate();
  int64_t at = t.zxid;
  DataTree expected;
  Load(EncodeNow(t.tree, 1 << 20), at, &expected);
  std::vector<std::string> chunks;
  size_t slots_before = t.tree.nodes().end_id();
  int64_t reused = 0;
  {
    SnapshotView view(&t.tree, 256);
    std::string chunk;
    WatchFires fires;
    bool more = true;
    for (int i = 0; i < 6000 && more; ++i) {
      ++t.zxid;
      std::string path = "/grow" + std::to_string(i);
      t.tree.CreateNode(path, "x", false, Acl(31), 0, t.tree.Find("/")->cversion + 1, t.zxid, 0, &fires);
      t.paths.push_back(path);
      if (i % 3 == 2) {  // its slot goes to the next create, ahead of or behind the cursor
        size_t end = t.tree.nodes().end_id();
        ++t.zxid;
        t.tree.DeleteNode(path, t.zxid, &fires);
        ++t.zxid;
        t.tree.CreateNode(path + "r", "y", false, Acl(31), 0, t.tree.Find("/")->cversion + 1, t.zxid, 0,
                          &fires);
        t.paths.push_back(path + "r");
        if (t.tree.nodes().end_id() == end) ++reused;
      }
      if (i % 7 == 0) t.Mutate();  // changes and deletes of nodes the walk may not have reached
      if (i % 5 == 0) {
        more = view.Next(2, &chunk);
        if (more && !chunk.empty()) chunks.push_back(chunk);
      }
    }
    while (more) {
      more = view.Next(3, &chunk);
      if (more && !chunk.empty()) chunks.push_back(chunk);
    }
  }
  CHECK(reused >= 1000);
  CHECK(t.tree.nodes().end_id() > slots_before + 4096);  // the store grew blocks while the view walked
  DataTree actual;
  Load(chunks, at, &actual);
  RequireSameTree(expected, actual, t.paths);
}
