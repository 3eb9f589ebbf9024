"""Fixtures for the raw wire-protocol tests.

The server under test is chosen by environment variables:

  CAIRN_TEST_HOSTS=127.0.0.1:PORT   use an already running server (for example
                                   the Apache ZooKeeper 3.8 reference)
  CAIRN_SERVER_BIN=/path/to/server  start it here, once per test session, on a
                                   free loopback port with a fresh zoo.cfg

With neither set, every test in this directory is skipped.
"""

import os
import re
import socket
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
for d in (HERE, os.path.dirname(HERE)):
    if d not in sys.path:
        sys.path.insert(0, d)

import harness  # noqa: E402
import zkwire  # noqa: E402


def _hosts_env():
    return os.environ.get("CAIRN_TEST_HOSTS", "").strip()


def _bin_env():
    return os.environ.get("CAIRN_SERVER_BIN", "").strip()


def pytest_collection_modifyitems(config, items):
    if _hosts_env() or _bin_env():
        return
    skip = pytest.mark.skip(reason="set CAIRN_TEST_HOSTS or CAIRN_SERVER_BIN to run the wire tests")
    for item in items:
        if str(item.fspath).startswith(HERE):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def hosts():
    """"127.0.0.1:PORT" of the server under test."""
    external = _hosts_env()
    if external:
        yield external
        return
    if not _bin_env():
        pytest.skip("set CAIRN_TEST_HOSTS or CAIRN_SERVER_BIN")
    server = harness.start_server()
    try:
        yield server.hosts
    finally:
        server.stop()


class ZK:
    """Factory for raw sessions; every session is closed at teardown."""

    def __init__(self, hosts):
        self.hosts = hosts
        self.conns = []

    def connect(self, **kw):
        c = zkwire.session(self.hosts, **kw)
        self.conns.append(c)
        return c

    def raw(self):
        c = zkwire.Connection(self.hosts)
        self.conns.append(c)
        return c

    def super(self):
        c = self.connect()
        rep = c.add_auth("digest", "super:test")
        assert rep.err == 0
        return c

    def close_all(self):
        for c in self.conns:
            if c.session is not None and c.session.session_id:
                try:
                    c.send_request(zkwire.Op.CLOSE_SESSION)
                    c.wait_closed(0.5)
                except Exception:
                    pass
            c.close()
        self.conns = []


@pytest.fixture
def zk(hosts):
    f = ZK(hosts)
    yield f
    f.close_all()


@pytest.fixture
def base(request, hosts):
    """A unique, existing node /wire-<test>-<pid>; removed (as super) afterwards."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name)[:60].strip("_")
    path = "/wire-%s-%d" % (name, os.getpid())
    c = zkwire.session(hosts)
    try:
        c.add_auth("digest", "super:test")
        c.delete_tree(path)
        rep = c.create(path)
        assert rep.err == 0, rep
    finally:
        c.close()
    yield path
    c = zkwire.session(hosts)
    try:
        c.add_auth("digest", "super:test")
        c.delete_tree(path)
        for extra in getattr(request.node, "wire_cleanup", []):
            c.delete_tree(extra)
        c.send_request(zkwire.Op.CLOSE_SESSION)
        c.wait_closed(0.5)
    finally:
        c.close()


@pytest.fixture(scope="session")
def java_internals(hosts):
    """True when the server is Apache ZooKeeper itself.

    A few facts pinned here are Java implementation details rather than
    protocol (HashSet and ConcurrentHashMap iteration orders, passwords drawn
    from java.util.Random seeded with the session id). Cairn keeps children
    sorted, auth ids in the order they were added, and draws passwords from a
    CSPRNG; those tests check the order-free part against it.
    """
    host, port = hosts.split(",")[0].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(b"srvr")
        out = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            out += chunk
    return b"cairn" not in out
