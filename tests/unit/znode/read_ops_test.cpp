// Executes encoded read requests with ExecuteRead against a tree built
// through Prep+Apply, decodes the response records, and checks the watches
// they arm and the events setWatches fires at once.
#include "znode/read_ops.h"

#include <catch2/catch.hpp>

#include "unit/znode/harness.h"

using namespace cairn::testing;
using proto::ErrorCode;
using proto::EventType;
using proto::JuteReader;
using proto::OpCode;
using proto::WatcherType;

namespace {

std::string SetWatchesBody(int64_t relative_zxid, std::vector<std::string> data,
                           std::vector<std::string> exist, std::vector<std::string> child,
                           std::vector<std::string> persistent = {},
                           std::vector<std::string> recursive = {}, bool v2 = false) {
  proto::SetWatchesRequest r;
  r.relative_zxid = relative_zxid;
  r.data_watches = std::move(data);
  r.exist_watches = std::move(exist);
  r.child_watches = std::move(child);
  r.persistent_watches = std::move(persistent);
  r.persistent_recursive_watches = std::move(recursive);
  std::string out;
  proto::JuteWriter w(&out);
  r.Write(w, v2);
  return out;
}

std::vector<std::string> DecodeStrings(const std::string& body) {
  JuteReader r(body);
  auto v = proto::ReadStrings(r);
  REQUIRE(r.ok());
  CHECK(r.AtEnd());
  return v;
}

}  // namespace

TEST_CASE("ExecuteRead: exists on a missing node arms a watch and answers NoNode", "[znode]") {
  TreeHarness h;
  auto rep = h.Read(OpCode::kExists, PathWatchBody("/n", true));
  CHECK(rep.err == ErrorCode::kNoNode);
  CHECK(rep.body.empty());
  CHECK(h.watches.Contains("/n", WatcherType::kData, kSession));
  REQUIRE(h.Create("/n") == ErrorCode::kOk);
  REQUIRE(h.events.size() == 1);
  CHECK(h.events[0].type == EventType::kNodeCreated);
  CHECK(h.events[0].session_id == kSession);
}

TEST_CASE("ExecuteRead: exists on a present node answers its Stat", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/n", 0, "abc") == ErrorCode::kOk);
  auto rep = h.Read(OpCode::kExists, PathWatchBody("/n", false));
  REQUIRE(rep.err == ErrorCode::kOk);
  JuteReader r(rep.body);
  proto::Stat s;
  s.Read(r);
  CHECK(r.AtEnd());
  CHECK(s == h.StatOf("/n"));
  CHECK_FALSE(h.watches.Contains("/n", WatcherType::kData, kSession));
}

TEST_CASE("ExecuteRead: exists with a NUL in the path is BadArguments", "[znode]") {
  TreeHarness h;
  CHECK(h.Read(OpCode::kExists, PathWatchBody(std::string("/a\0b", 4), true)).err ==
        ErrorCode::kBadArguments);
  CHECK(h.watches.WatchCount() == 0);
}

TEST_CASE("ExecuteRead: a multiRead carrying a write op is MarshallingError", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/a") == ErrorCode::kOk);
  auto rep = h.Read(OpCode::kMultiRead, MultiBuilder().GetData("/a").Delete("/a").Body());
  CHECK(rep.err == ErrorCode::kMarshallingError);
  CHECK(h.Exists("/a"));
}

// Cairn follows the 3.8.0 reference server here (ZooKeeper 3.8.4 added a
// READ check, ZOOKEEPER-2590): kazoo and the C client's suites pin it.
TEST_CASE("ExecuteRead: exists answers without checking READ, as the 3.8.0 reference",
          "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/secret", 0, "", kSession, WorldAcl(proto::perms::kWrite)) == ErrorCode::kOk);
  CHECK(h.Read(OpCode::kExists, PathWatchBody("/secret")).err == ErrorCode::kOk);
}

TEST_CASE("ExecuteRead: getData answers data and Stat, and needs READ", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/d", 0, "payload") == ErrorCode::kOk);
  auto rep = h.Read(OpCode::kGetData, PathWatchBody("/d", true));
  REQUIRE(rep.err == ErrorCode::kOk);
  JuteReader r(rep.body);
  CHECK(r.Buffer() == "payload");
  proto::Stat s;
  s.Read(r);
  CHECK(r.AtEnd());
  CHECK(s.data_length == 7);
  CHECK(h.watches.Contains("/d", WatcherType::kData, kSession));

  REQUIRE(h.Create("/locked", 0, "x", kSession, WorldAcl(proto::perms::kWrite)) ==
          ErrorCode::kOk);
  CHECK(h.Read(OpCode::kGetData, PathWatchBody("/locked", true)).err == ErrorCode::kNoAuth);
  // A refused read arms no watch.
  CHECK_FALSE(h.watches.Contains("/locked", WatcherType::kData, kSession));
  CHECK(h.Read(OpCode::kGetData, PathWatchBody("/missing", true)).err == ErrorCode::kNoNode);
  CHECK_FALSE(h.watches.Contains("/missing", WatcherType::kData, kSession));
}

TEST_CASE("ExecuteRead: getData of a node created with null data answers a null buffer",
          "[znode]") {
  TreeHarness h;
  proto::CreateRequest c = MakeCreate("/null", "", 0);
  c.data_null = true;
  std::string body;
  proto::JuteWriter w(&body);
  c.Write(w, false);
  REQUIRE(h.Run(OpCode::kCreate, body).err == ErrorCode::kOk);
  auto rep = h.Read(OpCode::kGetData, PathWatchBody("/null"));
  REQUIRE(rep.err == ErrorCode::kOk);
  JuteReader r(rep.body);
  bool is_null = false;
  r.Buffer(&is_null);
  CHECK(is_null);
}

TEST_CASE("ExecuteRead: getChildren lists names in order; getChildren2 adds the Stat",
          "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/p") == ErrorCode::kOk);
  for (const char* c : {"/p/b", "/p/a", "/p/c"}) REQUIRE(h.Create(c) == ErrorCode::kOk);
  auto rep = h.Read(OpCode::kGetChildren, PathWatchBody("/p", true));
  REQUIRE(rep.err == ErrorCode::kOk);
  CHECK(DecodeStrings(rep.body) == std::vector<std::string>{"a", "b", "c"});
  CHECK(h.watches.Contains("/p", WatcherType::kChildren, kSession));

  auto rep2 = h.Read(OpCode::kGetChildren2, PathWatchBody("/p"));
  REQUIRE(rep2.err == ErrorCode::kOk);
  JuteReader r(rep2.body);
  CHECK(proto::ReadStrings(r).size() == 3);
  proto::Stat s;
  s.Read(r);
  CHECK(r.AtEnd());
  CHECK(s.num_children == 3);
  CHECK(h.Read(OpCode::kGetChildren, PathWatchBody("/missing")).err == ErrorCode::kNoNode);
}

TEST_CASE("ExecuteRead: getACL masks digest hashes for a caller without ADMIN", "[znode]") {
  TreeHarness h;
  proto::AclList acl = {proto::Acl{proto::perms::kRead, {"world", "anyone"}},
                        proto::Acl{proto::perms::kAll, {"digest", "bob:c2VjcmV0aGFzaA=="}}};
  REQUIRE(h.Create("/a", 0, "", kSession, acl) == ErrorCode::kOk);
  auto decode = [](const std::string& body) {
    JuteReader r(body);
    proto::AclList out = proto::ReadAcls(r);
    proto::Stat s;
    s.Read(r);
    REQUIRE(r.ok());
    CHECK(r.AtEnd());
    return out;
  };

  auto anon = h.Read(OpCode::kGetAcl, PathBody("/a"));
  REQUIRE(anon.err == ErrorCode::kOk);
  proto::AclList masked = decode(anon.body);
  REQUIRE(masked.size() == 2);
  CHECK(masked[0] == acl[0]);
  CHECK(masked[1].id == proto::Id{"digest", "bob:x"});
  CHECK(masked[1].perms == proto::perms::kAll);

  znode::AuthIds bob = {proto::Id{"digest", "bob:c2VjcmV0aGFzaA=="}};
  auto admin = h.Read(OpCode::kGetAcl, PathBody("/a"), kSession, &bob);
  REQUIRE(admin.err == ErrorCode::kOk);
  CHECK(decode(admin.body) == acl);
}

TEST_CASE("ExecuteRead: getACL needs READ or ADMIN", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/w", 0, "", kSession, WorldAcl(proto::perms::kWrite)) == ErrorCode::kOk);
  CHECK(h.Read(OpCode::kGetAcl, PathBody("/w")).err == ErrorCode::kNoAuth);
  REQUIRE(h.Create("/adm", 0, "", kSession, WorldAcl(proto::perms::kAdmin)) == ErrorCode::kOk);
  CHECK(h.Read(OpCode::kGetAcl, PathBody("/adm")).err == ErrorCode::kOk);
  CHECK(h.Read(OpCode::kGetAcl, PathBody("/missing")).err == ErrorCode::kNoNode);
}

TEST_CASE("ExecuteRead: setWatches fires what changed after relativeZxid and re-arms the rest",
          "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/same") == ErrorCode::kOk);
  REQUIRE(h.Create("/data") == ErrorCode::kOk);
  REQUIRE(h.Create("/kids") == ErrorCode::kOk);
  REQUIRE(h.Create("/gone") == ErrorCode::kOk);
  int64_t seen = h.tree.last_processed_zxid();
  // What the client missed while disconnected:
  REQUIRE(h.SetData("/data", "new") == ErrorCode::kOk);
  REQUIRE(h.Create("/kids/k") == ErrorCode::kOk);
  REQUIRE(h.Delete("/gone") == ErrorCode::kOk);
  REQUIRE(h.Create("/born") == ErrorCode::kOk);

  auto rep = h.Read(OpCode::kSetWatches,
                    SetWatchesBody(seen, {"/same", "/data", "/gone"}, {"/born", "/never"},
                                   {"/kids", "/same", "/gone"}));
  REQUIRE(rep.err == ErrorCode::kOk);
  std::vector<std::pair<std::string, EventType>> fired;
  for (const auto& n : h.immediate) {
    CHECK(n.session_id == kSession);
    fired.emplace_back(n.path, n.type);
  }
  CHECK(fired == std::vector<std::pair<std::string, EventType>>{
                     {"/data", EventType::kNodeDataChanged},
                     {"/gone", EventType::kNodeDeleted},
                     {"/born", EventType::kNodeCreated},
                     {"/kids", EventType::kNodeChildrenChanged},
                     {"/gone", EventType::kNodeDeleted}});
  // Unchanged ones are watched again.
  CHECK(h.watches.Contains("/same", WatcherType::kData, kSession));
  CHECK(h.watches.Contains("/same", WatcherType::kChildren, kSession));
  CHECK(h.watches.Contains("/never", WatcherType::kData, kSession));
  CHECK_FALSE(h.watches.Contains("/data", WatcherType::kData, kSession));
  CHECK_FALSE(h.watches.Contains("/kids", WatcherType::kChildren, kSession));
  REQUIRE(h.SetData("/same", "x") == ErrorCode::kOk);
  REQUIRE_FALSE(h.events.empty());
  CHECK(h.events.back().path == "/same");
  CHECK(h.events.back().type == EventType::kNodeDataChanged);
}

TEST_CASE("ExecuteRead: setWatches2 re-adds persistent and recursive watches", "[znode]") {
  TreeHarness h;
  auto rep = h.Read(OpCode::kSetWatches2,
                    SetWatchesBody(0, {}, {}, {}, {"/p"}, {"/r"}, /*v2=*/true));
  REQUIRE(rep.err == ErrorCode::kOk);
  CHECK(h.immediate.empty());
  CHECK(h.watches.Contains("/p", WatcherType::kPersistent, kSession));
  CHECK(h.watches.Contains("/r", WatcherType::kPersistentRecursive, kSession));
  REQUIRE(h.Create("/r") == ErrorCode::kOk);
  REQUIRE(h.Create("/r/x") == ErrorCode::kOk);
  CHECK(h.events.size() == 2);
}

TEST_CASE("ExecuteRead: getEphemerals lists the caller's ephemerals under a prefix",
          "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/x") == ErrorCode::kOk);
  REQUIRE(h.Create("/e1", 1) == ErrorCode::kOk);
  REQUIRE(h.Create("/e2", 1) == ErrorCode::kOk);
  REQUIRE(h.Create("/x/e3", 1) == ErrorCode::kOk);
  REQUIRE(h.Create("/eo", 1, "", kOtherSession) == ErrorCode::kOk);
  auto list = [&](const std::string& prefix) {
    auto rep = h.Read(OpCode::kGetEphemerals, PathBody(prefix));
    REQUIRE(rep.err == ErrorCode::kOk);
    return DecodeStrings(rep.body);
  };
  CHECK(list("/e") == std::vector<std::string>{"/e1", "/e2"});
  CHECK(list("/") == std::vector<std::string>{"/e1", "/e2", "/x/e3"});
  CHECK(list("") == std::vector<std::string>{"/e1", "/e2", "/x/e3"});
  CHECK(list("/x") == std::vector<std::string>{"/x/e3"});
  CHECK(list("/nothing").empty());
}

TEST_CASE("ExecuteRead: getEphemerals trims the prefix before testing for \"all\"",
          "[znode]") {
  // FinalRequestProcessor: prefixPath.trim().isEmpty() || "/".equals(prefixPath.trim()).
  TreeHarness h;
  REQUIRE(h.Create("/e1", 1) == ErrorCode::kOk);
  for (const char* prefix : {"  ", " / "}) {
    auto rep = h.Read(OpCode::kGetEphemerals, PathBody(prefix));
    REQUIRE(rep.err == ErrorCode::kOk);
    CHECK(DecodeStrings(rep.body) == std::vector<std::string>{"/e1"});
  }
}

TEST_CASE("ExecuteRead: getAllChildrenNumber counts every descendant", "[znode]") {
  TreeHarness h;
  auto count = [&](const std::string& path) {
    auto rep = h.Read(OpCode::kGetAllChildrenNumber, PathBody(path));
    REQUIRE(rep.err == ErrorCode::kOk);
    JuteReader r(rep.body);
    int32_t n = r.Int();
    CHECK(r.AtEnd());
    return n;
  };
  CHECK(count("/") == 3);
  REQUIRE(h.Create("/a") == ErrorCode::kOk);
  REQUIRE(h.Create("/a/b") == ErrorCode::kOk);
  REQUIRE(h.Create("/a/b/c") == ErrorCode::kOk);
  CHECK(count("/a") == 2);
  CHECK(count("/a/b/c") == 0);
  CHECK(count("/") == 6);
  CHECK(h.Read(OpCode::kGetAllChildrenNumber, PathBody("/missing")).err == ErrorCode::kNoNode);
  // ZooKeeper keys the root as "" and "/", and counts keys under "path/":
  // "" counts the "/" key too.
  CHECK(count("") == 7);
}

TEST_CASE("ExecuteRead: multiRead mixes results and per-op errors", "[znode]") {
  TreeHarness h;
  REQUIRE(h.Create("/d", 0, "data") == ErrorCode::kOk);
  REQUIRE(h.Create("/d/c") == ErrorCode::kOk);
  REQUIRE(h.Create("/locked", 0, "", kSession, WorldAcl(proto::perms::kWrite)) == ErrorCode::kOk);
  auto rep = h.Read(OpCode::kMultiRead, MultiBuilder()
                                            .GetData("/d")
                                            .GetChildren("/missing")
                                            .GetChildren("/d")
                                            .GetData("/locked")
                                            .Body());
  REQUIRE(rep.err == ErrorCode::kOk);
  JuteReader r(rep.body);
  proto::MultiResponse resp;
  resp.Read(r);
  REQUIRE(r.ok());
  CHECK(r.AtEnd());
  REQUIRE(resp.results.size() == 4);
  CHECK(resp.results[0].type == OpCode::kGetData);
  CHECK(resp.results[0].data == "data");
  CHECK(resp.results[0].stat.num_children == 1);
  CHECK(resp.results[1].type == OpCode::kError);
  CHECK(resp.results[1].err == ErrorCode::kNoNode);
  CHECK(resp.results[2].type == OpCode::kGetChildren);
  CHECK(resp.results[2].children == std::vector<std::string>{"c"});
  CHECK(resp.results[3].type == OpCode::kError);
  CHECK(resp.results[3].err == ErrorCode::kNoAuth);
}

TEST_CASE("ExecuteRead: addWatch, checkWatches and removeWatches", "[znode]") {
  TreeHarness h;
  auto add = h.Read(OpCode::kAddWatch, PathIntBody("/w", 1));  // persistent recursive
  REQUIRE(add.err == ErrorCode::kOk);
  CHECK(h.watches.Contains("/w", WatcherType::kPersistentRecursive, kSession));
  CHECK(h.Read(OpCode::kCheckWatches, PathIntBody("/w", 5)).err == ErrorCode::kOk);
  CHECK(h.Read(OpCode::kCheckWatches, PathIntBody("/w", 1)).err == ErrorCode::kNoWatcher);
  CHECK(h.Read(OpCode::kCheckWatches, PathIntBody("/w", 5), kOtherSession).err ==
        ErrorCode::kNoWatcher);
  CHECK(h.Read(OpCode::kRemoveWatches, PathIntBody("/w", 5)).err == ErrorCode::kOk);
  CHECK(h.Read(OpCode::kRemoveWatches, PathIntBody("/w", 5)).err == ErrorCode::kNoWatcher);
  CHECK_FALSE(h.watches.Contains("/w", WatcherType::kAny, kSession));

  REQUIRE(h.Read(OpCode::kAddWatch, PathIntBody("/p", 0)).err == ErrorCode::kOk);
  CHECK(h.watches.Contains("/p", WatcherType::kPersistent, kSession));
  CHECK(h.watches.Contains("/p", WatcherType::kChildren, kSession));
  CHECK(h.Read(OpCode::kRemoveWatches, PathIntBody("/p", 3)).err == ErrorCode::kOk);
  CHECK_FALSE(h.watches.Contains("/p", WatcherType::kAny, kSession));
}

TEST_CASE("ExecuteRead: an unknown addWatch mode or WatcherType is MarshallingError",
          "[znode]") {
  // AddWatchMode / WatcherType conversions throw in ZooKeeper, which answers
  // MarshallingError.
  TreeHarness h;
  CHECK(h.Read(OpCode::kAddWatch, PathIntBody("/w", 2)).err == ErrorCode::kMarshallingError);
  CHECK(h.Read(OpCode::kAddWatch, PathIntBody("/w", -1)).err == ErrorCode::kMarshallingError);
  CHECK(h.watches.WatchCount() == 0);
  CHECK(h.Read(OpCode::kCheckWatches, PathIntBody("/w", 0)).err == ErrorCode::kMarshallingError);
  CHECK(h.Read(OpCode::kRemoveWatches, PathIntBody("/w", 6)).err ==
        ErrorCode::kMarshallingError);
}

TEST_CASE("ExecuteRead: a body that does not decode is MarshallingError", "[znode]") {
  TreeHarness h;
  for (OpCode op : {OpCode::kExists, OpCode::kGetData, OpCode::kGetChildren,
                    OpCode::kGetChildren2, OpCode::kGetAcl, OpCode::kGetAllChildrenNumber,
                    OpCode::kGetEphemerals, OpCode::kMultiRead, OpCode::kSetWatches,
                    OpCode::kSetWatches2, OpCode::kAddWatch, OpCode::kCheckWatches,
                    OpCode::kRemoveWatches}) {
    INFO(proto::OpCodeName(op));
    CHECK(znode::IsTreeReadOp(op));
    CHECK(h.Read(op, std::string("\x00\x00", 2)).err == ErrorCode::kMarshallingError);
  }
  CHECK_FALSE(znode::IsTreeReadOp(OpCode::kCreate));
  CHECK_FALSE(znode::IsTreeReadOp(OpCode::kSync));
}
