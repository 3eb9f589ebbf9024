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
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import zkwire  # noqa: E402

LOOPBACK = "127.0.0.1"
START_DEADLINE_S = 20.0
STOP_GRACE_S = 5.0
SUPER_DIGEST = "super:D/InIHSb7yEEbrWz8b9l71RjZJU="  # super:test


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


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def _ruok(hosts):
    try:
        return zkwire.four_letter(hosts, "ruok", timeout=1.0) == b"imok"
    except (OSError, zkwire.Timeout):
        return False


def _stop(proc):
    if proc.poll() is not None:
        return
    try:
        os.kill(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(STOP_GRACE_S)
        return
    except subprocess.TimeoutExpired:
        pass
    try:
        os.kill(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    try:
        proc.wait(STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        pass


@pytest.fixture(scope="session")
def hosts():
    """"127.0.0.1:PORT" of the server under test."""
    external = _hosts_env()
    if external:
        yield external
        return
    binary = _bin_env()
    if not binary:
        pytest.skip("set CAIRN_TEST_HOSTS or CAIRN_SERVER_BIN")
    tmp = tempfile.mkdtemp(prefix="cairn-wire-")
    proc = None
    log = None
    try:
        data = os.path.join(tmp, "data")
        os.makedirs(data)
        port = _free_port()
        cfg = os.path.join(tmp, "zoo.cfg")
        with open(cfg, "w") as f:
            f.write("tickTime=2000\n")
            f.write("dataDir=%s\n" % data)
            f.write("clientPort=%d\n" % port)
            f.write("clientPortAddress=%s\n" % LOOPBACK)
            f.write("4lw.commands.whitelist=*\n")
            f.write("extendedTypesEnabled=true\n")
            f.write("superDigest=%s\n" % SUPER_DIGEST)
        log = open(os.path.join(tmp, "server.log"), "wb")
        proc = subprocess.Popen([binary, cfg], stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, cwd=tmp)
        addr = "%s:%d" % (LOOPBACK, port)
        deadline = time.monotonic() + START_DEADLINE_S
        ready = False
        for _ in range(2000):
            if proc.poll() is not None or time.monotonic() >= deadline:
                break
            if _ruok(addr):
                ready = True
                break
            time.sleep(0.05)
        if not ready:
            pytest.fail("server %s did not answer ruok within %.0f s (exit status %r)"
                        % (binary, START_DEADLINE_S, proc.poll()))
        yield addr
    finally:
        if proc is not None:
            _stop(proc)
        if log is not None:
            log.close()
        shutil.rmtree(tmp, ignore_errors=True)


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
