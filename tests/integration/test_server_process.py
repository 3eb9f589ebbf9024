"""Process-level behaviour of cairn-server: startup errors, limits, bad input,
session expiry and the container/TTL sweeper, checked against real server
processes on free loopback ports with the raw-protocol client (zkwire) and
kazoo. Every wait is bounded by a deadline."""

import os
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))
sys.path.insert(0, os.path.join(HERE, "..", "interop", "wire"))

import harness  # noqa: E402
import zkwire  # noqa: E402
from zkwire import EventType, Flags  # noqa: E402

BIN = os.environ.get("CAIRN_SERVER_BIN")
pytestmark = pytest.mark.skipif(not BIN, reason="CAIRN_SERVER_BIN is not set")


@pytest.fixture
def server_factory():
    started = []

    def start(extra=None):
        s = harness.start_server(extra)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


def run_with_config(text, *args):
    with tempfile.TemporaryDirectory(prefix="cairn-cfg-") as d:
        path = os.path.join(d, "zoo.cfg")
        with open(path, "w") as f:
            f.write(text.replace("@DIR@", d))
        p = subprocess.run([BIN, *args, path], capture_output=True, text=True, timeout=20)
        return p, path


def test_version_and_help_exit_zero():
    v = subprocess.run([BIN, "--version"], capture_output=True, text=True, timeout=10)
    assert v.returncode == 0 and v.stdout.startswith("cairn-server ")
    h = subprocess.run([BIN, "--help"], capture_output=True, text=True, timeout=10)
    assert h.returncode == 0 and "CONFIG_FILE" in h.stdout


@pytest.mark.parametrize("text,needle", [
    ("tickTime=2000\ndataDir=@DIR@/d\ntickTme=3\n", ":3: unknown key 'tickTme' (did you mean 'tickTime'?)"),
    ("dataDir=@DIR@/d\nclientPort=99999\n", ":2: clientPort=99999: must be between 0 and 65535"),
    ("dataDir=@DIR@/d\ntickTime=fast\n", ":2: tickTime=fast: not an integer"),
    ("dataDir=@DIR@/d\nextendedTypesEnabled=maybe\n", ":2: extendedTypesEnabled=maybe: expected true or false"),
    ("dataDir=@DIR@/d\nserver.1=127.0.0.1:2888\n", ":2: server.1=127.0.0.1:2888: expected host:quorumPort"),
    ("dataDir=@DIR@/d\ntickTime=1\ntickTime=2\n", ":3: key 'tickTime' already set on line 2"),
    ("clientPort=2181\n", "dataDir is not set"),
    ("dataDir=@DIR@/d\nminSessionTimeout=9000\nmaxSessionTimeout=5000\n", "minSessionTimeout (9000) is greater"),
])
def test_bad_config_stops_startup_with_file_line_and_reason(text, needle):
    p, path = run_with_config(text)
    assert p.returncode == 2, p.stderr
    assert path in p.stderr and needle in p.stderr, p.stderr


def test_missing_config_file_exits_2():
    p = subprocess.run([BIN, "/nonexistent/zoo.cfg"], capture_output=True, text=True, timeout=10)
    assert p.returncode == 2 and "/nonexistent/zoo.cfg" in p.stderr


def test_documented_but_unimplemented_keys_start_with_one_warning_each(server_factory):
    s = server_factory({"snapCount": 5000, "zookeeper.preAllocSize": 1024,
                        "standaloneEnabled": "false", "admin.enableServer": "false"})
    log = s.log_tail()
    for key in ("zookeeper.preAllocSize", "standaloneEnabled", "admin.enableServer"):
        assert log.count("key=%s " % key) == 1, log
    assert "key=snapCount " not in log  # acted on now, so no warning


def test_four_letter_word_whitelist_is_honoured(server_factory):
    s = server_factory({"4lw.commands.whitelist": "ruok, srvr"})
    assert zkwire.four_letter(s.hosts, "srvr").startswith(b"Zookeeper version: ")
    assert zkwire.four_letter(s.hosts, "stat") == b"stat is not executed because it is not in the whitelist.\n"
    assert zkwire.four_letter(s.hosts, "mntr") == b"mntr is not executed because it is not in the whitelist.\n"


def test_connections_beyond_max_client_cnxns_per_ip_are_refused(server_factory):
    s = server_factory({"maxClientCnxns": 2})
    a = zkwire.session(s.hosts)
    b = zkwire.session(s.hosts)
    c = zkwire.Connection(s.hosts)
    closed, _ = c.wait_closed(5.0)
    assert closed
    assert a.ping().err == 0 and b.ping().err == 0
    a.close()
    # a freed slot can be used again
    assert harness.wait_until(lambda: _can_connect(s.hosts), 5.0)


def _can_connect(hosts):
    try:
        with zkwire.session(hosts) as c:
            return c.ping().err == 0
    except (zkwire.Closed, OSError, zkwire.DecodeError):
        return False


@pytest.mark.parametrize("garbage", [
    b"\x00\x00\x00\x05hello",                       # a frame too short for a ConnectRequest
    b"\x7f\xff\xff\xff",                             # a length far above jute.maxbuffer
    b"\xff\xff\xff\xfe",                             # a negative length
    os.urandom(4096),                               # noise
])
def test_malformed_input_closes_only_that_connection(server_factory, garbage):
    s = server_factory()
    good = zkwire.session(s.hosts)
    good.create("/survivor", b"x")
    for _ in range(20):  # bounded
        bad = zkwire.Connection(s.hosts)
        bad.send_raw(garbage)
        closed, _ = bad.wait_closed(5.0)
        bad.close()
        if garbage[:4] != b"\x00\x00\x00\x05":
            assert closed
    assert good.get_data("/survivor").err == 0
    assert zkwire.four_letter(s.hosts, "ruok") == b"imok"
    assert "closing connection" in s.log_tail()


def test_garbage_after_handshake_closes_that_session_only(server_factory):
    s = server_factory()
    good = zkwire.session(s.hosts)
    bad = zkwire.session(s.hosts)
    bad.send_raw(b"\x00\x00\x00\x02\x01\x02")  # a frame shorter than a RequestHeader
    closed, _ = bad.wait_closed(5.0)
    assert closed
    assert good.ping().err == 0


def test_session_expiry_deletes_ephemerals_and_fires_watches(server_factory):
    s = server_factory({"tickTime": 200})
    owner = zkwire.session(s.hosts, timeout_ms=1000)  # clamped to [400, 4000]
    assert owner.create("/eph", b"e", flags=Flags.EPHEMERAL).err == 0
    watcher = zkwire.session(s.hosts)
    assert watcher.exists("/eph", watch=True).err == 0
    # the owner goes silent: no pings. The watcher keeps pinging.
    deadline = time.monotonic() + 20
    event = None
    while time.monotonic() < deadline and event is None:
        watcher.ping()
        try:
            event = watcher.next_event(timeout=0.2)
        except zkwire.Timeout:
            pass
    assert event is not None and event.type == EventType.NODE_DELETED and event.path == "/eph"
    assert watcher.exists("/eph").err == zkwire.Err.NONODE
    assert "expiring session" in s.log_tail()
    closed, _ = owner.wait_closed(5.0)
    assert closed


def test_empty_containers_and_expired_ttl_nodes_are_swept(server_factory):
    s = server_factory({"znode.container.checkIntervalMs": 100})
    c = zkwire.session(s.hosts)
    assert c.create_container("/box").err == 0
    assert c.create("/box/item").err == 0
    assert c.create_container("/never-used").err == 0
    assert c.create_ttl("/ttl", ttl=300).err == 0
    assert c.delete("/box/item").err == 0
    assert harness.wait_until(lambda: c.exists("/box").err == zkwire.Err.NONODE, 10.0)
    assert harness.wait_until(lambda: c.exists("/ttl").err == zkwire.Err.NONODE, 10.0)
    # a container that never had a child stays
    assert c.exists("/never-used").err == 0


def test_sigterm_stops_the_server(server_factory):
    s = server_factory()
    os.kill(s.pid, 15)
    assert harness.wait_until(lambda: not _alive(s.pid), 10.0)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False


CLI_MT = "/usr/lib/zookeeper/bin/cli_mt"


def cli(hosts, command):
    p = subprocess.run([CLI_MT, hosts, "cmd:" + command], capture_output=True, text=True,
                       timeout=30)
    return p.stdout + p.stderr


@pytest.mark.skipif(not os.path.exists(CLI_MT), reason="zookeeper-bin (cli_mt) not installed")
def test_debian_cli_mt_batch_mode(server_factory):
    s = server_factory()
    assert "[/cli]: rc = 0" in cli(s.hosts, "create /cli")
    assert "/cli: rc = 0" in cli(s.hosts, "set /cli newdata")
    out = cli(s.hosts, "get /cli")
    assert "newdata" in out and "version=1" in out
    out = cli(s.hosts, "create +s /cli/seq-")
    assert "name = /cli/seq-0000000000" in out
    assert "seq-0000000000" in cli(s.hosts, "ls /cli")
    # the ephemeral goes with cli_mt's session when it exits
    assert "name = /cli/eph" in cli(s.hosts, "create +e /cli/eph")
    assert "eph" not in cli(s.hosts, "ls /cli").split("rc = 0", 1)[-1]
    assert "rc = -111" in cli(s.hosts, "delete /cli")  # NotEmpty
    assert "rc = 0" in cli(s.hosts, "delete /cli/seq-0000000000")
    assert "rc = 0" in cli(s.hosts, "delete /cli")
    assert "rc = -101" in cli(s.hosts, "get /cli")  # (cli_mt never exits after a failed exists)


def test_pipelined_burst_is_answered_in_order_without_loss(server_factory):
    # 3000 requests written before reading any reply: the server pauses
    # reading at its per-session bound and resumes as replies drain, and
    # every reply comes back in request order (writes and reads mixed).
    s = server_factory()
    c = zkwire.session(s.hosts)
    assert c.create("/burst").err == 0
    n = 3000
    payload = bytearray()
    first = 1000
    for i in range(n):
        if i % 3 == 0:
            op, body = zkwire.Op.CREATE, zkwire.create_body("/burst/n%d" % i)
        elif i % 3 == 1:
            op, body = zkwire.Op.SET_DATA, zkwire.set_data_body("/burst", b"v%d" % i)
        else:
            op, body = zkwire.Op.GET_DATA, zkwire.path_watch_body("/burst")
        rec = zkwire.Writer().int(first + i).int(op).raw(body).bytes()
        payload += len(rec).to_bytes(4, "big") + rec
    c.sock.sendall(bytes(payload))
    last_zxid = 0
    for i in range(n):
        r = c.recv_reply(timeout=30)
        assert r.xid == first + i and r.err == 0, (i, r)
        assert r.zxid >= last_zxid
        last_zxid = r.zxid
        if i % 3 == 2:  # the read sees the setData just before it
            data, _ = zkwire.decode_get_data(r.body)
            assert data == b"v%d" % (i - 1)


def test_requests_sent_before_the_connect_response_wait_for_the_session(server_factory):
    # Java clients write auth and setWatches right behind their
    # ConnectRequest; the server must hold them until the session exists.
    s = server_factory()
    c = zkwire.Connection(s.hosts)
    connect = zkwire.Writer().int(0).long(0).int(30000).long(0).buffer(b"\0" * 16).bool(False).bytes()
    auth = zkwire.Writer().int(zkwire.Xid.AUTH).int(zkwire.Op.AUTH).raw(
        zkwire.auth_body("digest", b"u:p")).bytes()
    who = zkwire.Writer().int(7).int(zkwire.Op.WHO_AM_I).bytes()
    c.sock.sendall(b"".join(len(f).to_bytes(4, "big") + f for f in (connect, auth, who)))
    resp = c.recv_frame(timeout=5)
    assert len(resp) == 37
    r = c.recv_reply(timeout=5)
    assert (r.xid, r.err) == (zkwire.Xid.AUTH, 0)
    r = c.recv_reply(timeout=5)
    assert r.xid == 7 and r.err == 0
    assert ("digest", "u") in zkwire.decode_who_am_i(r.body)


def test_watch_events_go_only_to_sessions_that_may_read_the_node(server_factory):
    # ZooKeeper 3.8.4's fix for CVE-2024-23944 (ZOOKEEPER-4799): a recursive
    # watch on "/" must not reveal the paths of nodes the watcher cannot read.
    s = server_factory()
    owner = zkwire.session(s.hosts)
    assert owner.add_auth("digest", b"alice:pw").err == 0
    alice = zkwire.ACL(zkwire.Perm.ALL, "digest", zkwire.digest_id("alice", "pw"))
    spy = zkwire.session(s.hosts)
    assert spy.call(zkwire.Op.ADD_WATCH,
                    zkwire.add_watch_body("/", zkwire.AddWatchMode.PERSISTENT_RECURSIVE)).err == 0
    assert owner.create("/secret", b"s", acl=[alice]).err == 0
    assert owner.set_data("/secret", b"t").err == 0
    assert owner.create("/open", b"o").err == 0
    ev = spy.next_event(timeout=5)
    assert (ev.type, ev.path) == (EventType.NODE_CREATED, "/open")
    assert spy.no_event(timeout=0.3)
    # an authorised watcher sees them
    friend = zkwire.session(s.hosts)
    assert friend.add_auth("digest", b"alice:pw").err == 0
    assert friend.get_data("/secret", watch=True).err == 0
    assert owner.set_data("/secret", b"u").err == 0
    ev = friend.next_event(timeout=5)
    assert (ev.type, ev.path) == (EventType.NODE_DATA_CHANGED, "/secret")


def _frame(xid, op, body=b""):
    rec = zkwire.Writer().int(xid).int(op).raw(body).bytes()
    return len(rec).to_bytes(4, "big") + rec


def test_replies_over_the_output_limit_close_only_that_connection(server_factory):
    s = server_factory()
    good = zkwire.session(s.hosts)
    assert good.create("/big", b"x" * 1000000).err == 0
    # 80 pipelined reads of 1 MB: over the 64 MiB output bound
    hog = zkwire.session(s.hosts)
    hog.sock.sendall(b"".join(_frame(10 + i, zkwire.Op.GET_DATA, zkwire.path_watch_body("/big"))
                              for i in range(80)))
    # one multiRead of 70 reads of 1 MB: refused before it is built
    greedy = zkwire.session(s.hosts)
    ops = [(zkwire.Op.GET_DATA, zkwire.path_watch_body("/big"))] * 70
    greedy.send_request(zkwire.Op.MULTI_READ, zkwire.multi_body(ops))
    closed, _ = greedy.wait_closed(10.0)
    assert closed
    assert harness.wait_until(lambda: "closing connection" in s.log_tail(), 10.0)
    assert good.ping().err == 0
    assert zkwire.four_letter(s.hosts, "ruok") == b"imok"


def test_close_session_behind_delete_and_recreate_keeps_the_new_node(server_factory):
    # The session's ephemeral is deleted and re-created as a persistent node
    # just before its closeSession: the close must not count it as its own.
    s = server_factory()
    a = zkwire.session(s.hosts)
    b = zkwire.session(s.hosts)
    assert a.create("/p").err == 0
    assert a.create("/p/e", flags=Flags.EPHEMERAL).err == 0
    a.sock.sendall(_frame(1, zkwire.Op.DELETE, zkwire.delete_body("/p/e")) +
                   _frame(2, zkwire.Op.CREATE, zkwire.create_body("/p/e")) +
                   _frame(3, zkwire.Op.CLOSE_SESSION))
    assert b.create("/p/e").err in (0, zkwire.Err.NODEEXISTS)
    assert b.exists("/p/e").err == 0
    st = zkwire.decode_stat(b.exists("/p").body)
    assert st.numChildren == 1
    assert b.delete("/p").err == zkwire.Err.NOTEMPTY
    assert zkwire.four_letter(s.hosts, "ruok") == b"imok"


def test_nothing_runs_after_a_failed_auth(server_factory):
    s = server_factory()
    c = zkwire.session(s.hosts)
    c.sock.sendall(_frame(zkwire.Xid.AUTH, zkwire.Op.AUTH, zkwire.auth_body("nosuchscheme", b"x")) +
                   _frame(5, zkwire.Op.CREATE, zkwire.create_body("/after-authfail")))
    r = c.recv_reply(timeout=5)
    assert r.err == zkwire.Err.AUTHFAILED
    closed, _ = c.wait_closed(5.0)
    assert closed
    other = zkwire.session(s.hosts)
    assert other.exists("/after-authfail").err == zkwire.Err.NONODE


ZK_JARS = ["/usr/share/java/zookeeper.jar", "/usr/share/java/zookeeper-jute.jar",
           "/usr/share/java/slf4j-api.jar", "/usr/share/java/slf4j-simple.jar",
           "/usr/share/java/netty-all.jar"]


@pytest.mark.skipif(not (os.path.exists("/usr/bin/java") and all(map(os.path.exists, ZK_JARS))),
                    reason="Java ZooKeeper client (Debian zookeeper, default-jre-headless) not installed")
def test_java_client_zookeeper_main(server_factory):
    # Apache ZooKeeper's own Java client (the zkCli shell) drives containers,
    # TTL nodes, getEphemerals, getAllChildrenNumber, addWatch, whoami,
    # setAcl/getAcl and removewatches.
    s = server_factory()
    script = "\n".join([
        "create /j hello", "create -e /j/eph e", "create -s /j/seq- s", "create -c /j/box",
        "create -t 5000 /j/ttl t", "get -s /j", "set /j world", "ls -R /j",
        "getEphemerals /j", "getAllChildrenNumber /j",
        "addWatch -m PERSISTENT_RECURSIVE /j", "set /j/box again",
        "addauth digest u:p", "whoami", "setAcl /j/box auth:u:p:cdrwa", "getAcl /j/box",
        "sync /j", "removewatches /j", "deleteall /j", "ls /", "quit", ""])
    p = subprocess.run(["/usr/bin/java", "-cp", ":".join(ZK_JARS),
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                        "org.apache.zookeeper.ZooKeeperMain", "-waitforconnection",
                        "-server", s.hosts],
                       input=script, capture_output=True, text=True, timeout=120)
    out = p.stdout + p.stderr  # zkCli prints some results on stderr
    for line in ["Created /j", "Created /j/eph", "Created /j/seq-0000000001", "Created /j/box",
                 "Created /j/ttl", "numChildren = 4", "cversion = 4", "/j/seq-0000000001",
                 "[/j/eph]", "WatchedEvent state:SyncConnected type:NodeDataChanged path:/j/box",
                 "digest: u", "'digest,'u:Jq7wMyA/w2Vd5WIDAKdu4OIIFEQ=", ": cdrwa",
                 "Sync is OK", "type:PersistentWatchRemoved path:/j", "[zookeeper]"]:
        assert line in out, (line, out)
    assert "\n4\n" in out  # getAllChildrenNumber /j


def test_node_count_counts_the_root_twice_as_zookeeper_does(server_factory):
    # A fresh ZooKeeper reports "Node count: 5" for /, /zookeeper,
    # /zookeeper/quota and /zookeeper/config: its map keys the root twice.
    s = server_factory()
    assert b"Node count: 5\n" in zkwire.four_letter(s.hosts, "srvr")
    c = zkwire.session(s.hosts)
    assert c.create("/a").err == 0 and c.create("/a/b").err == 0
    assert b"Node count: 7\n" in zkwire.four_letter(s.hosts, "srvr")
    assert b"zk_znode_count\t7\n" in zkwire.four_letter(s.hosts, "mntr")
