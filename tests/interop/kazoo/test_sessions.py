"""Sessions through kazoo: ephemeral lifetime, reconnect with the same session, negotiated timeouts, expiry, sync and server restarts.

Connection drops are forced with kazoo 2.8 internals (shutting down
`client._connection._socket`, and holding back `client._connection._connect`
to keep a client away); everything else is kazoo's public API.  All waits are
bounded.
"""

import socket
import threading

import pytest

from kazoo.exceptions import ConnectionClosedError
from kazoo.protocol.states import EventType, KazooState

import harness

WAIT_S = 10.0


class StateLog:
    """Records kazoo state transitions (listener) and waits for them, bounded."""

    def __init__(self, client):
        self._cond = threading.Condition()
        self.states = []
        client.add_listener(self)

    def __call__(self, state):
        with self._cond:
            self.states.append(state)
            self._cond.notify_all()

    def wait_for(self, predicate, timeout=WAIT_S):
        with self._cond:
            return self._cond.wait_for(lambda: predicate(list(self.states)), timeout)


class ConnectGate:
    """Wraps kazoo's private _connect to record the negotiated session timeout
    and, while closed, to hold reconnection attempts back (bounded)."""

    HOLD_MAX_S = 30.0

    def __init__(self, client):
        self._conn = client._connection
        self._inner = self._conn._connect
        self._open = threading.Event()
        self._open.set()
        self.attempts = 0
        self.negotiated_ms = None
        self._conn._connect = self._connect

    def _connect(self, host, hostip, port):
        self.attempts += 1
        self._open.wait(self.HOLD_MAX_S)
        read_timeout, connect_timeout = self._inner(host, hostip, port)
        # kazoo 2.8 returns (negotiated * 2/3, negotiated / len(hosts)).
        self.negotiated_ms = connect_timeout * len(self._conn.client.hosts)
        return read_timeout, connect_timeout

    def close(self):
        self._open.clear()

    def open(self):
        self._open.set()


def drop_connection(client):
    """Break the client's TCP connection under it (kazoo 2.8 internals)."""
    client._connection._socket.shutdown(socket.SHUT_RDWR)


def test_ephemeral_vanishes_when_client_stops(zk, zk_factory, root):
    owner = zk_factory()
    eph = owner.create(root + "/eph", b"x", ephemeral=True)
    seq = owner.create(root + "/seq-", ephemeral=True, sequence=True)
    gone = threading.Event()
    assert zk.exists(eph, watch=lambda ev: ev.type == EventType.DELETED and gone.set())
    owner.stop()
    assert gone.wait(WAIT_S)
    assert zk.exists(eph) is None
    assert zk.exists(seq) is None
    assert zk.get_children(root) == []


def test_ephemeral_owner_and_persistence_across_clients(zk, zk_factory, root):
    owner = zk_factory()
    eph = owner.create(root + "/eph", ephemeral=True)
    assert zk.exists(eph).ephemeralOwner == owner.client_id[0]
    assert owner.client_id[0] != zk.client_id[0]
    persistent = owner.create(root + "/keep")
    owner.stop()
    assert harness.wait_until(lambda: zk.exists(eph) is None, WAIT_S)
    assert zk.exists(persistent) is not None


def test_reconnect_resumes_same_session(zk_factory, root):
    client = zk_factory(start=False)
    log = StateLog(client)
    client.start(timeout=WAIT_S)
    session_id, password = client.client_id
    eph = client.create(root + "/eph", ephemeral=True)
    seen = []
    client.get(eph, watch=seen.append)
    drop_connection(client)
    assert log.wait_for(lambda s: s[-2:] == [KazooState.SUSPENDED, KazooState.CONNECTED])
    assert client.client_id == (session_id, password)
    assert KazooState.LOST not in log.states
    assert client.exists(eph).ephemeralOwner == session_id
    # kazoo 2.8 drops its watchers on disconnect, telling them with a NONE event.
    assert harness.wait_until(lambda: seen, 5.0)
    assert seen[0].type == EventType.NONE
    client.set(eph, b"after")
    assert client.get(eph)[0] == b"after"


def test_data_watch_catches_up_after_reconnect(zk_factory, root):
    client = zk_factory(start=False)
    gate = ConnectGate(client)
    log = StateLog(client)
    client.start(timeout=WAIT_S)
    other = zk_factory()
    path = other.create(root + "/n", b"v0")
    values = []
    got = threading.Condition()

    def changed(data, stat):
        with got:
            values.append(data)
            got.notify_all()

    client.DataWatch(path, changed)
    with got:
        assert got.wait_for(lambda: values == [b"v0"], WAIT_S)
    gate.close()
    drop_connection(client)
    assert log.wait_for(lambda s: s[-1:] == [KazooState.SUSPENDED])
    other.set(path, b"v1")  # while the client is away
    gate.open()
    assert log.wait_for(lambda s: s[-1:] == [KazooState.CONNECTED])
    with got:
        assert got.wait_for(lambda: values[-1:] == [b"v1"], WAIT_S)


@pytest.mark.parametrize("requested_s, expected_ms", [(1, 4000), (10, 10000), (100, 40000)])
def test_negotiated_timeout_is_clamped(zk_factory, requested_s, expected_ms):
    # tickTime=2000: the server grants min(max(requested, 2*tick), 20*tick).
    client = zk_factory(start=False, timeout=requested_s)
    gate = ConnectGate(client)
    client.start(timeout=WAIT_S)
    assert gate.negotiated_ms == expected_ms
    client.get("/")


def test_session_takeover_and_close_expires_original(zk, zk_factory, root):
    client = zk_factory(start=False)
    log = StateLog(client)
    client.start(timeout=WAIT_S)
    session_id, password = client.client_id
    eph = client.create(root + "/eph", ephemeral=True)

    # A second client attaches to the same session with its id and password.
    twin = zk_factory(client_id=(session_id, password))
    assert twin.client_id[0] == session_id
    assert twin.exists(eph).ephemeralOwner == session_id
    # Closing it closes the session: its ephemerals go away ...
    twin.stop()
    assert harness.wait_until(lambda: zk.exists(eph) is None, WAIT_S)
    # ... and the original client finds its session expired (LOST), then gets a new one.
    assert log.wait_for(lambda s: KazooState.LOST in s and s[-1] == KazooState.CONNECTED)
    assert client.client_id[0] != session_id
    assert client.exists(eph) is None
    client.create(eph, ephemeral=True)
    assert zk.exists(eph).ephemeralOwner == client.client_id[0]


def test_wrong_password_does_not_hijack_session(zk_factory, root):
    owner = zk_factory(start=False)
    log = StateLog(owner)
    owner.start(timeout=WAIT_S)
    session_id, password = owner.client_id
    eph = owner.create(root + "/eph", ephemeral=True)
    bad = bytes(b ^ 0xFF for b in password)
    intruder = zk_factory(client_id=(session_id, bad))
    # The server refuses the resumption; kazoo falls back to a new session.
    assert intruder.client_id[0] != session_id
    # ZooKeeper 3.8 closes the owner's connection before it checks the
    # password, so the owner may be briefly SUSPENDED; it resumes its session.
    # kazoo's retry rides over that ConnectionLoss.
    stat = owner.retry(owner.set, eph, b"still-mine")
    assert stat.ephemeralOwner == session_id
    assert log.wait_for(lambda s: s[-1] == KazooState.CONNECTED)
    assert KazooState.LOST not in log.states
    assert owner.client_id[0] == session_id


def test_unknown_session_id_gets_new_session(zk_factory):
    client = zk_factory(client_id=(0x7EADBEEF00000001, b"\x01" * 16))
    assert client.client_id[0] not in (0, 0x7EADBEEF00000001)
    client.get("/")


def test_session_expires_after_timeout_while_disconnected(zk, zk_factory, root):
    client = zk_factory(start=False, timeout=4)  # the minimum the server allows
    gate = ConnectGate(client)
    log = StateLog(client)
    client.start(timeout=WAIT_S)
    assert gate.negotiated_ms == 4000
    session_id = client.client_id[0]
    eph = client.create(root + "/eph", ephemeral=True)
    gone = threading.Event()
    zk.exists(eph, watch=lambda ev: gone.set())
    gate.close()
    drop_connection(client)
    # No pings reach the server now: it must expire the session on its own.
    assert gone.wait(15.0), "session was not expired by the server"
    assert zk.exists(eph) is None
    gate.open()
    assert log.wait_for(lambda s: KazooState.LOST in s and s[-1] == KazooState.CONNECTED, 15.0)
    assert client.client_id[0] != session_id


def test_pings_keep_idle_session_alive(zk_factory, root):
    client = zk_factory(timeout=4)
    log = StateLog(client)
    session_id = client.client_id[0]
    eph = client.create(root + "/eph", ephemeral=True)
    # Idle longer than the session timeout; kazoo pings every ~1.3 s.
    assert not log.wait_for(lambda s: len(s) > 0, 5.0)
    assert client.client_id[0] == session_id
    assert client.exists(eph).ephemeralOwner == session_id


def test_sync_then_read_sees_other_clients_write(zk, zk_factory, root):
    other = zk_factory()
    path = other.create(root + "/n", b"1")
    other.set(path, b"2")
    assert zk.sync(path) == path
    assert zk.get(path)[0] == b"2"
    # sync on a missing path succeeds (ZooKeeper does not check it).
    assert zk.sync(root + "/missing") == root + "/missing"


def test_requests_fail_fast_after_stop(zk_factory, root):
    client = zk_factory()
    client.stop()
    with pytest.raises(ConnectionClosedError):
        client.get(root)


def _wait_recovered(log):
    return log.wait_for(
        lambda s: KazooState.SUSPENDED in s
        and s[-1] in (KazooState.CONNECTED, KazooState.LOST), 30.0)


def test_restarted_server_without_history_refuses_client_that_saw_more(server, zk_factory):
    # A server whose data directory was lost starts from an empty tree at
    # zxid 0. Like ZooKeeper, it must refuse a client whose lastZxidSeen is
    # ahead of it (single system image) rather than serve it an older state,
    # while a fresh client is served.
    client = zk_factory(hosts=server.hosts)
    log = StateLog(client)
    client.create("/before-restart", b"x")
    server.restart_without_history()
    assert log.wait_for(lambda s: KazooState.SUSPENDED in s, 30.0)
    fresh = zk_factory(hosts=server.hosts)
    assert fresh.exists("/before-restart") is None
    assert harness.wait_until(lambda: "refusing session request" in server.log_tail(), 20.0)
    assert log.states[-1] == KazooState.SUSPENDED  # still refused, never served


def test_server_kill_and_restart_client_recovers(server, zk_factory):
    client = zk_factory(hosts=server.hosts)
    log = StateLog(client)
    client.create("/eph", ephemeral=True)
    client.create("/kept", b"acknowledged")
    server.kill()
    assert log.wait_for(lambda s: KazooState.SUSPENDED in s)
    server.restart()
    assert _wait_recovered(log), "client stuck in %r" % (log.states,)
    # The session came back within its timeout, so it is the same session
    # and still owns its ephemeral; the acknowledged write survived SIGKILL.
    assert log.states[-1] == KazooState.CONNECTED
    assert client.get("/kept")[0] == b"acknowledged"
    stat = client.exists("/eph")
    assert stat is not None and stat.ephemeralOwner == client.client_id[0]
