// Sessions through client-lib against real servers: close takes ephemerals, resuming a
// session by id and password, expiry, a lost connection with watches re-registered from
// the last zxid (no event missed, none twice), a server restart, and failover between the
// members of an Apache ZooKeeper ensemble.
#include <catch2/catch.hpp>

#include "client/fixture.h"

namespace cairn::client::testing {
namespace {

using cairn::testing::ServerKind;
using cairn::testing::ServerOptions;
using cairn::testing::ServerProcess;

TEST_CASE("client: closing the session removes its ephemerals", "[client-lib]") {
  auto c = Connect();
  auto other = Connect();
  std::string root = TestRoot(*other);
  REQUIRE(c->Create(root + "/e", "", CreateOptions{CreateMode::kEphemeral}).ok());
  c->Close();
  CHECK(c->state() == SessionState::kClosed);
  CHECK(c->GetData("/").code == ErrorCode::kConnectionLoss);
  CHECK(other->Exists(root + "/e").code == ErrorCode::kNoNode);
}

TEST_CASE("client: a second client resumes a session by id and password", "[client-lib]") {
  // The first client is cut off for good (as a process that lost its
  // network); otherwise it would reconnect and take its session back.
  TcpProxy proxy(Server().Port());
  auto c = ConnectVia(proxy, 10000);
  std::string root = TestRoot(*c);
  REQUIRE(c->Create(root + "/e", "", CreateOptions{CreateMode::kEphemeral}).ok());
  proxy.Cut(/*refuse=*/true);
  ClientOptions resume;
  resume.session_id = c->session_id();
  resume.password = c->password();
  auto again = Connect("", resume);
  CHECK(again->session_id() == c->session_id());
  auto st = again->Exists(root + "/e");
  CHECK(st.code == ErrorCode::kOk);
  CHECK(st.value.ephemeral_owner == c->session_id());

  ClientOptions wrong = resume;
  wrong.password = std::string(16, 'x');
  Events ev;
  wrong.listener = ev.listener();
  wrong.connect_string = Server().Hosts();
  auto bad = BlockingClient::Connect(wrong, Millis(5000));
  CHECK_FALSE(bad);
  CHECK(ev.WaitState(SessionState::kExpired));
}

TEST_CASE("client: an expired session fails requests and tells its watchers", "[client-lib]") {
  TcpProxy proxy(Server().Port());
  Events ev;
  ClientOptions options;
  options.connect_string = proxy.hosts();
  options.session_timeout_ms = 4000;  // the least both servers grant at tickTime 2000
  options.listener = ev.listener();
  auto c = BlockingClient::Connect(options, kDeadline);
  REQUIRE(c);
  auto other = Connect();
  std::string root = TestRoot(*other);
  REQUIRE(c.value()->GetData(root, ev.watcher()).ok());
  REQUIRE(c.value()->Create(root + "/e", "", CreateOptions{CreateMode::kEphemeral}).ok());
  proxy.Cut(/*refuse=*/true);
  // The server expires the session once it has heard nothing for its timeout.
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = other->Exists(root + "/e").code == ErrorCode::kNoNode;
    if (!gone) std::this_thread::sleep_for(Millis(200));
  }
  REQUIRE(gone);
  proxy.Accept();
  auto expired = ev.Next(Millis(20000));
  REQUIRE(expired);
  CHECK(expired->type == EventType::kNone);
  CHECK(expired->state == KeeperState::kExpired);
  CHECK(ev.WaitState(SessionState::kExpired));
  CHECK(c.value()->GetData(root).code == ErrorCode::kSessionExpired);
}

TEST_CASE("client: after a lost connection, watches come back with no event missed or doubled",
          "[client-lib]") {
  TcpProxy proxy(Server().Port());
  Events ev;
  ClientOptions options;
  options.connect_string = proxy.hosts();
  options.session_timeout_ms = 10000;
  options.listener = ev.listener();
  auto c = BlockingClient::Connect(options, kDeadline);
  REQUIRE(c);
  auto writer = Connect();
  std::string root = TestRoot(*writer);
  REQUIRE(writer->Create(root + "/later", "").ok());
  REQUIRE(c.value()->GetData(root, ev.watcher()).ok());
  REQUIRE(c.value()->Exists(root + "/new", ev.watcher()).code == ErrorCode::kNoNode);
  REQUIRE(c.value()->GetChildren(root + "/later", ev.watcher()).ok());

  proxy.Cut(/*refuse=*/true);
  REQUIRE(ev.WaitState(SessionState::kSuspended));
  // While the client is away: two of its three watched nodes change.
  REQUIRE(writer->SetData(root, "changed").ok());
  REQUIRE(writer->Create(root + "/new", "").ok());
  proxy.Accept();
  REQUIRE(ev.WaitState(SessionState::kReconnected));

  std::set<std::pair<EventType, std::string>> got;
  for (int i = 0; i < 2; ++i) {
    auto e = ev.Next();
    REQUIRE(e);
    got.insert({e->type, e->path});
  }
  CHECK(got.count({EventType::kNodeDataChanged, root}) == 1);
  CHECK(got.count({EventType::kNodeCreated, root + "/new"}) == 1);
  CHECK_FALSE(ev.Next(kQuiet));  // nothing twice, nothing for the unchanged node
  // The watch on the unchanged node is still armed.
  REQUIRE(writer->Create(root + "/later/kid", "").ok());
  auto kid = ev.Next();
  REQUIRE(kid);
  CHECK(kid->type == EventType::kNodeChildrenChanged);
  CHECK(kid->path == root + "/later");
}

TEST_CASE("client: requests during a lost connection fail with connection loss, never hang",
          "[client-lib]") {
  TcpProxy proxy(Server().Port());
  Events ev;
  ClientOptions options;
  options.connect_string = proxy.hosts();
  options.session_timeout_ms = 12000;  // outlives the 8 s a request waits
  options.listener = ev.listener();
  auto c = BlockingClient::Connect(options, kDeadline);
  REQUIRE(c);
  proxy.Cut(true);
  REQUIRE(ev.WaitState(SessionState::kSuspended));
  // Waits for a connection up to 2/3 of the session timeout, then fails.
  CHECK(c.value()->GetData("/").code == ErrorCode::kConnectionLoss);
  proxy.Accept();
  CHECK(ev.WaitState(SessionState::kReconnected));
  CHECK(c.value()->GetData("/").ok());
}

TEST_CASE("client: the session survives a restart of a standalone server", "[client-lib]") {
  ServerOptions so;
  so.kind = cairn::testing::TestServerKind();
  ServerProcess server(so);
  Events ev;
  ClientOptions options;
  options.connect_string = server.Hosts();
  options.session_timeout_ms = 20000;
  options.listener = ev.listener();
  auto c = BlockingClient::Connect(options, kDeadline);
  REQUIRE(c);
  REQUIRE(c.value()->Create("/eph", "x", CreateOptions{CreateMode::kEphemeral}).ok());
  server.Restart();
  REQUIRE(ev.WaitState(SessionState::kSuspended));
  REQUIRE(ev.WaitState(SessionState::kReconnected, Millis(20000)));
  auto d = c.value()->GetData("/eph");
  REQUIRE(d.ok());
  CHECK(d.value.stat.ephemeral_owner == c.value()->session_id());
}

TEST_CASE("client: fails over between the members of a ZooKeeper ensemble", "[client-lib]") {
  if (cairn::testing::TestServerKind() != ServerKind::kZooKeeper) {
    WARN("skipped: Cairn serves standalone only until the ensemble issue lands");
    return;
  }
  std::vector<int> client_ports, quorum_ports, election_ports;
  for (int i = 0; i < 3; ++i) {
    client_ports.push_back(cairn::testing::PickFreeLoopbackPort());
    quorum_ports.push_back(cairn::testing::PickFreeLoopbackPort());
    election_ports.push_back(cairn::testing::PickFreeLoopbackPort());
  }
  std::vector<std::string> lines;
  std::string hosts;
  for (int i = 0; i < 3; ++i) {
    lines.push_back("server." + std::to_string(i + 1) + "=127.0.0.1:" +
                    std::to_string(quorum_ports[i]) + ":" + std::to_string(election_ports[i]));
    hosts += (i ? "," : "") + std::string("127.0.0.1:") + std::to_string(client_ports[i]);
  }
  std::vector<std::unique_ptr<ServerProcess>> members;
  for (int i = 0; i < 3; ++i) {
    ServerOptions so;
    so.kind = ServerKind::kZooKeeper;
    so.client_port = client_ports[i];
    so.my_id = i + 1;
    so.extra_config_lines = lines;
    members.push_back(std::make_unique<ServerProcess>(so));
  }
  Events ev;
  ClientOptions options;
  options.connect_string = hosts;
  options.session_timeout_ms = 15000;
  options.listener = ev.listener();
  auto c = BlockingClient::Connect(options, Millis(30000));
  REQUIRE(c);
  REQUIRE(c.value()->Create("/failover", "", CreateOptions{CreateMode::kEphemeral}).ok());
  // Find the member holding the connection (cons lists sid=0x...), and kill it.
  char sid[32];
  std::snprintf(sid, sizeof(sid), "sid=0x%llx",
                static_cast<unsigned long long>(c.value()->session_id()));
  int holder = -1;
  for (int i = 0; i < 3 && holder < 0; ++i) {
    if (cairn::testing::FourLetterWord(members[i]->Hosts(), "cons").find(sid) !=
        std::string::npos) {
      holder = i;
    }
  }
  REQUIRE(holder >= 0);
  members[holder]->Kill();
  REQUIRE(ev.WaitState(SessionState::kSuspended));
  REQUIRE(ev.WaitState(SessionState::kReconnected, Millis(30000)));
  auto d = c.value()->Exists("/failover");
  REQUIRE(d.ok());
  CHECK(d.value.ephemeral_owner == c.value()->session_id());
}

}  // namespace
}  // namespace cairn::client::testing
