// Checks sessions through the C client: ephemeral cleanup on close, resuming a session by
// clientid, rejected passwords and ids, and session timeout negotiation.
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "interop/c_client/client_fixture.h"

namespace cairn::interop {
namespace {

TEST_CASE("C client: a closed session's ephemerals vanish and another session's watches see it",
          "[interop]") {
  TestRoot root;
  auto observer = Connect();
  auto owner = Connect();
  std::string sequential;
  REQUIRE(Create(owner->zh(), root.Path("e"), "", ZOO_EPHEMERAL) == ZOK);
  REQUIRE(Create(owner->zh(), root.Path("s-"), "", ZOO_EPHEMERAL_SEQUENTIAL, &sequential) == ZOK);
  REQUIRE(Create(owner->zh(), root.Path("persistent")) == ZOK);
  EventLog* node_log = observer->NewEventLog();
  EventLog* parent_log = observer->NewEventLog();
  REQUIRE(zoo_wexists(observer->zh(), root.Path("e").c_str(), &EventLog::Watcher, node_log,
                      nullptr) == ZOK);
  String_vector children{0, nullptr};
  REQUIRE(zoo_wget_children(observer->zh(), root.path().c_str(), &EventLog::Watcher, parent_log,
                            &children) == ZOK);
  CHECK(children.count == 3);
  deallocate_String_vector(&children);

  owner->Close();
  std::optional<Event> deleted = node_log->TakeWatch();
  REQUIRE(deleted);
  CHECK(deleted->type == ZOO_DELETED_EVENT);
  CHECK(deleted->path == root.Path("e"));
  std::optional<Event> child = parent_log->TakeWatch();
  REQUIRE(child);
  CHECK(child->type == ZOO_CHILD_EVENT);
  CHECK(child->path == root.path());
  CHECK_FALSE(StatOf(observer->zh(), root.Path("e")));
  CHECK_FALSE(StatOf(observer->zh(), sequential));
  CHECK(Children(observer->zh(), root.path()) == std::vector<std::string>{"persistent"});
}

TEST_CASE(
    "C client: zookeeper_init with a live session's clientid resumes that session and "
    "disconnects the old handle",
    "[interop]") {
  TestRoot root;
  auto observer = Connect();
  // The shortest timeout the server allows bounds the wait for the ephemeral at the end.
  constexpr int kShortSessionMs = 4000;
  auto original = Connect(kShortSessionMs);
  REQUIRE(Create(original->zh(), root.Path("e"), "", ZOO_EPHEMERAL) == ZOK);
  const clientid_t id = original->ClientId();
  const int negotiated = zoo_recv_timeout(original->zh());

  auto resumed = std::make_unique<Client>(TestHosts(), kShortSessionMs, &id);
  REQUIRE(resumed->WaitForState(ZOO_CONNECTED_STATE));
  CHECK(resumed->SessionId() == id.client_id);
  CHECK(zoo_recv_timeout(resumed->zh()) == negotiated);

  // The server moves the session to the new connection and drops the old one; the old handle
  // sees a disconnect and then reconnects to the same, still valid session.
  CHECK(original->events().TakeSession(ZOO_CONNECTING_STATE));
  CHECK(original->events().TakeSession(ZOO_CONNECTED_STATE));
  CHECK(original->SessionId() == id.client_id);
  CHECK_FALSE(original->events().TakeSession(ZOO_EXPIRED_SESSION_STATE, Millis(0)));

  std::optional<Stat> ephemeral = StatOf(observer->zh(), root.Path("e"));
  REQUIRE(ephemeral);
  CHECK(ephemeral->ephemeralOwner == id.client_id);

  // Closing the handles ends the session (at the latest when it times out).
  resumed->Close();
  original->Close();
  const std::string ephemeral_path = root.Path("e");
  CHECK(Eventually(
      [&] { return zoo_exists(observer->zh(), ephemeral_path.c_str(), 0, nullptr) == ZNONODE; },
      Millis(negotiated + 5000)));
}

TEST_CASE("C client: a wrong session password yields ZOO_EXPIRED_SESSION_STATE", "[interop]") {
  TestRoot root;
  auto original = Connect();
  REQUIRE(Create(original->zh(), root.Path("e"), "", ZOO_EPHEMERAL) == ZOK);
  clientid_t forged = original->ClientId();
  forged.passwd[0] = static_cast<char>(forged.passwd[0] ^ 0x5a);

  Client impostor(TestHosts(), kSessionTimeoutMs, &forged);
  REQUIRE(impostor.zh() != nullptr);
  CHECK(impostor.WaitForState(ZOO_EXPIRED_SESSION_STATE));
  CHECK(zoo_state(impostor.zh()) == ZOO_EXPIRED_SESSION_STATE);
  CHECK(zoo_exists(impostor.zh(), "/", 0, nullptr) == ZINVALIDSTATE);
  CHECK(Create(impostor.zh(), root.Path("x")) == ZINVALIDSTATE);

  // The real session lives on (the reference server may bounce its connection once).
  CHECK(Eventually([&] { return zoo_state(original->zh()) == ZOO_CONNECTED_STATE; }));
  CHECK(original->SessionId() == forged.client_id);
  auto observer = Connect();
  std::optional<Stat> ephemeral = StatOf(observer->zh(), root.Path("e"));
  REQUIRE(ephemeral);
  CHECK(ephemeral->ephemeralOwner == forged.client_id);
}

TEST_CASE("C client: an unknown or closed session id yields ZOO_EXPIRED_SESSION_STATE",
          "[interop]") {
  auto live = Connect();
  clientid_t unknown = live->ClientId();
  unknown.client_id ^= 0x00ff00ff00ffLL;
  Client stranger(TestHosts(), kSessionTimeoutMs, &unknown);
  CHECK(stranger.WaitForState(ZOO_EXPIRED_SESSION_STATE));

  auto closing = Connect();
  const clientid_t closed = closing->ClientId();
  closing->Close();
  Client late(TestHosts(), kSessionTimeoutMs, &closed);
  CHECK(late.WaitForState(ZOO_EXPIRED_SESSION_STATE));
  CHECK(zoo_state(late.zh()) == ZOO_EXPIRED_SESSION_STATE);
}

TEST_CASE("C client: the server clamps the requested session timeout to 2..20 ticks", "[interop]") {
  // Assumes tickTime=2000, as in ServerProcess's default and the reference configuration.
  auto short_session = Connect(1000);
  CHECK(zoo_recv_timeout(short_session->zh()) == 4000);
  auto long_session = Connect(100000);
  CHECK(zoo_recv_timeout(long_session->zh()) == 40000);
  auto normal_session = Connect(9000);
  CHECK(zoo_recv_timeout(normal_session->zh()) == 9000);
}

TEST_CASE("C client: every connection without a clientid gets a fresh session", "[interop]") {
  auto first = Connect();
  auto second = Connect();
  CHECK(first->SessionId() != 0);
  CHECK(second->SessionId() != 0);
  CHECK(first->SessionId() != second->SessionId());
  clientid_t a = first->ClientId();
  clientid_t b = second->ClientId();
  CHECK(std::string(a.passwd, sizeof(a.passwd)) != std::string(b.passwd, sizeof(b.passwd)));
}

}  // namespace
}  // namespace cairn::interop
