// SessionCore driven with byte strings and a hand-moved clock: the handshake,
// reply matching, pings and read timeouts, failover with session resumption,
// watch re-registration, expiry, auth failure, refusing a server that is
// behind, and malformed replies.
#include "client-lib/session_core.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "client-lib/detail/calls.h"
#include "proto/records.h"

namespace cairn::client {
namespace {

using proto::JuteReader;
using proto::JuteWriter;
using proto::OpCode;

// What the core wrote, one frame each.
struct Sent {
  bool handshake = false;
  proto::ConnectRequest connect;
  int32_t xid = 0;
  OpCode op = OpCode::kError;
  std::string body;
};

std::string Frame(const std::string& body) {
  std::string out;
  size_t at = proto::FrameWriter::Begin(&out);
  out += body;
  proto::FrameWriter::End(&out, at);
  return out;
}

class Harness {
 public:
  explicit Harness(SessionConfig config = Defaults()) : core(Listen(std::move(config))) {}

  static SessionConfig Defaults() {
    SessionConfig c;
    c.hosts = {{"a", 1}, {"b", 2}, {"c", 3}};
    c.session_timeout_ms = 6000;
    c.seed = 7;
    return c;
  }

  // Takes the core's output: records connects, closes and frames, runs deliveries.
  void Pump() {
    CoreOutput out = core.TakeOutput();
    if (out.close) ++closes;
    if (out.connect_to) connects.push_back(*out.connect_to);
    proto::FrameDecoder decoder(1 << 20);
    decoder.Feed(out.send);
    while (auto frame = decoder.Next()) {
      Sent s;
      JuteReader r(*frame);
      if (expect_handshake_) {
        s.handshake = true;
        s.connect.Read(r);
        expect_handshake_ = false;
      } else {
        proto::RequestHeader h;
        h.Read(r);
        s.xid = h.xid;
        s.op = static_cast<OpCode>(h.type);
        s.body = std::string(r.Rest());
      }
      sent.push_back(std::move(s));
    }
    for (auto& d : out.deliveries) d();
  }

  void Start() {
    core.Start(now);
    Pump();
  }
  // The TCP connection the core asked for comes up.
  void Connected() {
    expect_handshake_ = true;
    core.OnConnected(core.connection_id(), now);
    Pump();
  }
  void Receive(const std::string& bytes) {
    core.OnReceived(core.connection_id(), bytes, now);
    Pump();
  }
  void Handshake(int32_t timeout_ms = 6000, int64_t session_id = 0x55) {
    proto::ConnectResponse resp{0, timeout_ms, session_id, std::string(16, 'p'), false};
    Receive(Frame(proto::Encode(resp)));
  }
  // Start, connect, handshake.
  void Establish() {
    Start();
    Connected();
    Handshake();
  }
  void Reply(int32_t xid, int64_t zxid, ErrorCode err, const std::string& body = {}) {
    std::string b;
    JuteWriter w(&b);
    proto::ReplyHeader{xid, zxid, static_cast<int32_t>(err)}.Write(w);
    Receive(Frame(b + body));
  }
  void Notify(EventType type, const std::string& path) {
    Reply(proto::kNotificationXid, -1, ErrorCode::kOk,
          proto::Encode(proto::WatcherEvent{static_cast<int32_t>(type), 3, path}));
  }
  void Advance(int64_t ms) {
    now += ms;
    core.OnTimer(now);
    Pump();
  }
  // Runs the clock until the core asks for a connection (after a backoff).
  void UntilConnectAsked() {
    size_t before = connects.size();
    for (int i = 0; i < 10000 && connects.size() == before; ++i) Advance(1);
    REQUIRE(connects.size() == before + 1);
  }
  void Submit(Call call) {
    core.Submit(std::move(call), now);
    Pump();
  }
  Sent& Last() {
    REQUIRE(!sent.empty());
    return sent.back();
  }

  int64_t now = 1000;
  SessionCore core;
  std::vector<SessionState> states;
  std::vector<HostPort> connects;
  std::vector<Sent> sent;
  int closes = 0;

 private:
  SessionConfig Listen(SessionConfig c) {
    c.listener = [this](SessionState s) { states.push_back(s); };
    return c;
  }
  bool expect_handshake_ = false;
};

std::string StatBody(int64_t mzxid) {
  proto::Stat st;
  st.mzxid = mzxid;
  return proto::Encode(st);
}

Call GetData(const std::string& path, std::vector<Outcome<NodeData>>* out, Watcher w = nullptr) {
  return detail::GetDataCall(Chroot(), path, std::move(w),
                             [out](Outcome<NodeData> o) { out->push_back(std::move(o)); });
}

std::string DataBody(const std::string& data) {
  std::string b;
  JuteWriter w(&b);
  w.Buffer(data);
  return b + StatBody(1);
}

TEST_CASE("SessionCore: the handshake asks for the timeout and reports a new session", "[client]") {
  Harness h;
  h.Start();
  REQUIRE(h.connects.size() == 1);
  h.Connected();
  REQUIRE(h.sent.size() == 1);
  CHECK(h.sent[0].handshake);
  CHECK(h.sent[0].connect.timeout_ms == 6000);
  CHECK(h.sent[0].connect.session_id == 0);
  CHECK(h.sent[0].connect.last_zxid_seen == 0);
  h.Handshake(4000, 0x1234);
  CHECK(h.states == std::vector{SessionState::kConnected});
  CHECK(h.core.session_id() == 0x1234);
  CHECK(h.core.negotiated_timeout_ms() == 4000);
  CHECK(h.core.password() == std::string(16, 'p'));
}

TEST_CASE("SessionCore: requests made before the session wait, then go in order", "[client]") {
  Harness h;
  std::vector<Outcome<NodeData>> got;
  h.Start();
  h.Submit(GetData("/a", &got));
  h.Submit(GetData("/b", &got));
  CHECK(h.sent.empty());
  h.Connected();
  h.Handshake();
  REQUIRE(h.sent.size() == 3);
  CHECK(h.sent[1].op == OpCode::kGetData);
  CHECK(h.sent[2].xid == h.sent[1].xid + 1);
  h.Reply(h.sent[1].xid, 5, ErrorCode::kOk, DataBody("A"));
  h.Reply(h.sent[2].xid, 5, ErrorCode::kNoNode);
  REQUIRE(got.size() == 2);
  CHECK(got[0].ok());
  CHECK(got[0].value.data == "A");
  CHECK(got[1].code == ErrorCode::kNoNode);
  CHECK(h.core.last_zxid_seen() == 5);
}

TEST_CASE("SessionCore: a waiting request fails after the read timeout", "[client]") {
  Harness h;
  std::vector<Outcome<NodeData>> got;
  h.Start();
  h.Submit(GetData("/a", &got));
  h.Advance(3999);  // 2/3 of the 6000 ms session timeout
  CHECK(got.empty());
  h.Advance(1);
  REQUIRE(got.size() == 1);
  CHECK(got[0].code == ErrorCode::kConnectionLoss);
}

TEST_CASE("SessionCore: pings at a third of the timeout, gives up after two thirds", "[client]") {
  Harness h;
  h.Establish();
  size_t before = h.sent.size();
  h.Advance(1999);
  CHECK(h.sent.size() == before);
  h.Advance(1);
  REQUIRE(h.sent.size() == before + 1);
  CHECK(h.Last().xid == proto::kPingXid);
  CHECK(h.Last().op == OpCode::kPing);
  h.Reply(proto::kPingXid, 0, ErrorCode::kOk);
  h.Advance(3999);
  CHECK(h.closes == 0);
  h.Advance(1);  // 4000 ms since the ping reply, nothing heard
  CHECK(h.closes == 1);
  CHECK(h.states.back() == SessionState::kSuspended);
}

TEST_CASE("SessionCore: a lost connection fails what was in flight and resumes the session",
          "[client]") {
  Harness h;
  std::vector<Outcome<NodeData>> got;
  h.Establish();
  h.Reply(proto::kPingXid, 0x10, ErrorCode::kOk);
  h.Submit(GetData("/a", &got));
  h.core.OnConnectionLost(h.core.connection_id(), "reset", h.now);
  h.Pump();
  REQUIRE(got.size() == 1);
  CHECK(got[0].code == ErrorCode::kConnectionLoss);
  CHECK(h.states.back() == SessionState::kSuspended);
  h.UntilConnectAsked();
  CHECK(h.connects[1] != h.connects[0]);  // the next host
  h.Connected();
  CHECK(h.Last().handshake);
  CHECK(h.Last().connect.session_id == 0x55);
  CHECK(h.Last().connect.passwd == std::string(16, 'p'));
  CHECK(h.Last().connect.last_zxid_seen == 0x10);
  h.Handshake();
  CHECK(h.states.back() == SessionState::kReconnected);
}

TEST_CASE("SessionCore: a late read from an old connection is ignored", "[client]") {
  Harness h;
  h.Establish();
  uint64_t old = h.core.connection_id();
  h.core.OnConnectionLost(old, "reset", h.now);
  h.Pump();
  h.UntilConnectAsked();
  h.Connected();
  h.core.OnReceived(old, "garbage", h.now);
  h.core.OnConnectionLost(old, "again", h.now);
  h.Pump();
  h.Handshake();
  CHECK(h.states.back() == SessionState::kReconnected);
}

TEST_CASE("SessionCore: watches fire once and are re-registered from the last zxid", "[client]") {
  Harness h;
  std::vector<Outcome<NodeData>> got;
  std::vector<WatchEvent> events;
  Watcher w = [&](const WatchEvent& e) { events.push_back(e); };
  h.Establish();
  h.Submit(GetData("/a", &got, w));
  h.Reply(h.Last().xid, 0x20, ErrorCode::kOk, DataBody("x"));
  h.Submit(detail::ExistsCall(Chroot(), "/missing", w, [](Outcome<Stat>) {}));
  h.Reply(h.Last().xid, 0x21, ErrorCode::kNoNode);
  h.Submit(detail::GetChildrenCall(Chroot(), "/gone", w, [](Outcome<Children>) {}));
  h.Reply(h.Last().xid, 0x21, ErrorCode::kNoNode);  // no node: no child watch
  CHECK(h.core.watches().size() == 2);

  h.core.OnConnectionLost(h.core.connection_id(), "reset", h.now);
  h.Pump();
  h.UntilConnectAsked();
  h.Connected();
  h.Handshake();
  REQUIRE(h.Last().op == OpCode::kSetWatches);
  CHECK(h.Last().xid == proto::kSetWatchesXid);
  JuteReader r(h.Last().body);
  proto::SetWatchesRequest sw;
  sw.Read(r, false);
  CHECK(sw.relative_zxid == 0x21);
  CHECK(sw.data_watches == std::vector<std::string>{"/a"});
  CHECK(sw.exist_watches == std::vector<std::string>{"/missing"});
  CHECK(sw.child_watches.empty());

  h.Notify(EventType::kNodeDataChanged, "/a");
  h.Notify(EventType::kNodeDataChanged, "/a");  // one-shot: nobody left to tell
  h.Notify(EventType::kNodeCreated, "/missing");
  REQUIRE(events.size() == 2);
  CHECK(events[0].type == EventType::kNodeDataChanged);
  CHECK(events[0].path == "/a");
  CHECK(events[1].type == EventType::kNodeCreated);
  CHECK(h.core.watches().empty());
}

TEST_CASE("SessionCore: an expired session ends everything once", "[client]") {
  Harness h;
  std::vector<Outcome<NodeData>> got;
  std::vector<WatchEvent> events;
  h.Establish();
  h.Submit(GetData("/a", &got, [&](const WatchEvent& e) { events.push_back(e); }));
  h.Reply(h.Last().xid, 1, ErrorCode::kOk, DataBody("x"));
  h.core.OnConnectionLost(h.core.connection_id(), "reset", h.now);
  h.Pump();
  h.Submit(GetData("/b", &got));  // waits for the reconnect
  h.UntilConnectAsked();
  h.Connected();
  h.Handshake(0, 0);  // timeout 0: the session is gone
  CHECK(h.states.back() == SessionState::kExpired);
  REQUIRE(events.size() == 1);
  CHECK(events[0].type == EventType::kNone);
  CHECK(events[0].state == KeeperState::kExpired);
  REQUIRE(got.size() == 2);
  CHECK(got[1].code == ErrorCode::kSessionExpired);
  h.Submit(GetData("/c", &got));
  CHECK(got.back().code == ErrorCode::kSessionExpired);
  size_t connects = h.connects.size();
  h.Advance(60000);
  CHECK(h.connects.size() == connects);  // never reconnects
}

TEST_CASE("SessionCore: a server behind the client's zxid is dropped", "[client]") {
  Harness h;
  h.Establish();
  h.Reply(proto::kPingXid, 0x500, ErrorCode::kOk);
  h.core.OnConnectionLost(h.core.connection_id(), "reset", h.now);
  h.Pump();
  h.UntilConnectAsked();
  h.Connected();
  h.Handshake();
  int closes = h.closes;
  h.Reply(proto::kPingXid, 0x400, ErrorCode::kOk);
  CHECK(h.closes == closes + 1);
  CHECK(h.core.last_zxid_seen() == 0x500);
  h.UntilConnectAsked();  // and moves on
}

TEST_CASE("SessionCore: a reply out of order or malformed closes the connection", "[client]") {
  Harness h;
  std::vector<Outcome<NodeData>> got;
  h.Establish();
  h.Submit(GetData("/a", &got));
  h.Submit(GetData("/b", &got));
  SECTION("malformed body") {
    h.Reply(h.sent[1].xid, 1, ErrorCode::kOk, "\x01");
    REQUIRE(got.size() == 2);
    CHECK(got[0].code == ErrorCode::kMarshallingError);
    CHECK(got[1].code == ErrorCode::kConnectionLoss);
  }
  SECTION("wrong xid") {
    h.Reply(h.sent[2].xid, 1, ErrorCode::kOk, DataBody("b"));
    REQUIRE(got.size() == 2);
    CHECK(got[0].code == ErrorCode::kConnectionLoss);
  }
  SECTION("oversized frame") {
    std::string len;
    JuteWriter(&len).Int(64 << 20);
    h.Receive(len);
    CHECK(got.size() == 2);
  }
  CHECK(h.closes == 1);
  CHECK(h.states.back() == SessionState::kSuspended);
}

TEST_CASE("SessionCore: refused credentials end the session with kAuthFailed", "[client]") {
  Harness h;
  std::vector<ErrorCode> auth;
  h.Establish();
  h.core.AddAuth(
      "digest", "u:bad", [&](ErrorCode c) { auth.push_back(c); }, h.now);
  h.Pump();
  CHECK(h.Last().xid == proto::kAuthXid);
  h.Reply(proto::kAuthXid, 0, ErrorCode::kAuthFailed);
  CHECK(auth == std::vector{ErrorCode::kAuthFailed});
  CHECK(h.states.back() == SessionState::kAuthFailed);
  CHECK(h.closes == 1);
}

TEST_CASE("SessionCore: credentials are sent again on reconnect", "[client]") {
  Harness h;
  h.Establish();
  h.core.AddAuth("digest", "u:p", nullptr, h.now);
  h.Pump();
  h.Reply(proto::kAuthXid, 0, ErrorCode::kOk);
  h.core.OnConnectionLost(h.core.connection_id(), "reset", h.now);
  h.Pump();
  h.UntilConnectAsked();
  h.Connected();
  h.Handshake();
  CHECK(h.Last().op == OpCode::kAuth);
}

TEST_CASE("SessionCore: the chroot goes on requests and comes off replies and events", "[client]") {
  SessionConfig c = Harness::Defaults();
  c.chroot = Chroot("/app");
  Harness h(c);
  h.Establish();
  std::vector<Outcome<Created>> created;
  h.Submit(detail::CreateCall(h.core.chroot(), "/x", "d", CreateOptions{},
                              [&](Outcome<Created> o) { created.push_back(o); }));
  JuteReader r(h.Last().body);
  proto::CreateRequest req;
  req.Read(r, false);
  CHECK(req.path == "/app/x");
  std::string body;
  JuteWriter(&body).String("/app/x");
  h.Reply(h.Last().xid, 2, ErrorCode::kOk, body + StatBody(2));
  REQUIRE(created.size() == 1);
  CHECK(created[0].value.path == "/x");
}

TEST_CASE("SessionCore: outstanding requests are bounded", "[client]") {
  SessionConfig c = Harness::Defaults();
  c.max_outstanding = 2;
  Harness h(c);
  std::vector<Outcome<NodeData>> got;
  h.Start();
  h.Submit(GetData("/a", &got));
  h.Submit(GetData("/b", &got));
  h.Submit(GetData("/c", &got));
  REQUIRE(got.size() == 1);
  CHECK(got[0].code == ErrorCode::kThrottled);
}

TEST_CASE("SessionCore: close sends closeSession and finishes on its reply", "[client]") {
  Harness h;
  bool done = false;
  h.Establish();
  h.core.Close([&] { done = true; }, h.now);
  h.Pump();
  CHECK(h.Last().op == OpCode::kCloseSession);
  CHECK_FALSE(done);
  // Closed for the application at once: later requests fail, nothing is sent.
  CHECK(h.core.state() == SessionState::kClosed);
  CHECK(h.states.back() == SessionState::kClosed);
  std::vector<Outcome<NodeData>> late;
  size_t sent = h.sent.size();
  h.Submit(GetData("/a", &late));
  REQUIRE(late.size() == 1);
  CHECK(late[0].code == ErrorCode::kConnectionLoss);
  CHECK(h.sent.size() == sent);
  // A second Close waits for the same reply; both callbacks run.
  bool second = false;
  h.core.Close([&] { second = true; }, h.now);
  h.Pump();
  CHECK(h.sent.size() == sent);
  CHECK_FALSE(second);
  h.Reply(h.Last().xid, 3, ErrorCode::kOk);
  CHECK(done);
  CHECK(second);
  CHECK(std::count(h.states.begin(), h.states.end(), SessionState::kClosed) == 1);
  CHECK(h.closes == 1);
}

TEST_CASE("SessionCore: backoff between attempts stays bounded", "[client]") {
  SessionConfig c = Harness::Defaults();
  c.backoff_max_ms = 300;
  Harness h(c);
  h.Start();
  for (int i = 0; i < 20; ++i) {
    int64_t asked = h.now;
    h.core.OnConnectFailed(h.core.connection_id(), "refused", h.now);
    h.Pump();
    h.UntilConnectAsked();
    CHECK(h.now - asked <= 300);
  }
}

}  // namespace
}  // namespace cairn::client

namespace cairn::client {
namespace {

TEST_CASE(
    "SessionCore: an added listener hears the current state, then every change, until removed",
    "[client]") {
  Harness h;
  h.Establish();
  std::vector<SessionState> heard;
  h.core.AddListener(1, [&](SessionState s) { heard.push_back(s); });
  h.Pump();
  CHECK(heard == std::vector<SessionState>{SessionState::kConnected});
  h.core.OnConnectionLost(h.core.connection_id(), "reset", h.now);
  h.Pump();
  h.UntilConnectAsked();
  h.Connected();
  h.Handshake();
  CHECK(heard == std::vector<SessionState>{SessionState::kConnected, SessionState::kSuspended,
                                           SessionState::kReconnected});
  CHECK(h.states.back() == SessionState::kReconnected);  // the configured one still hears too
  h.core.RemoveListener(1);
  h.core.Close(nullptr, h.now);
  h.Pump();
  CHECK(heard.size() == 3);
}

}  // namespace
}  // namespace cairn::client
