"""Pytest fixtures that run kazoo, unchanged, against Cairn (or an external server).

Set CAIRN_TEST_HOSTS=host:port to test an already running server (e.g. the
Apache ZooKeeper reference), or CAIRN_SERVER_BIN=/path/to/cairn-server to
start one per session (plus dedicated ones for the `server` fixture).  With
neither set, every test here is skipped.
"""

import os
import sys
import uuid

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import harness  # noqa: E402  (tests/interop/harness.py)

from kazoo.client import KazooClient  # noqa: E402
from kazoo.exceptions import NoNodeError  # noqa: E402

CLIENT_TIMEOUT_S = 10.0  # requested session timeout
START_TIMEOUT_S = 15.0  # how long KazooClient.start() may take
SUPER_AUTH = ("digest", "super:test")
COMMAND_RETRY = dict(max_tries=200, delay=0.01, backoff=1.5, max_jitter=0.05,
                     max_delay=0.5, deadline=30.0)


def _configured():
    return bool(harness.target_hosts() or harness.server_bin())


def pytest_collection_modifyitems(config, items):
    if _configured():
        return
    skip = pytest.mark.skip(
        reason="set CAIRN_TEST_HOSTS or CAIRN_SERVER_BIN to run the kazoo interop tests")
    here = os.path.dirname(os.path.abspath(__file__))
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(skip)


def make_client(hosts, start=True, **kwargs):
    """A KazooClient for `hosts`; started (bounded) unless start=False."""
    kwargs.setdefault("timeout", CLIENT_TIMEOUT_S)
    # kazoo's default command retry (used by recipes) never gives up; bound it.
    kwargs.setdefault("command_retry", dict(COMMAND_RETRY))
    client = KazooClient(hosts=hosts, **kwargs)
    if start:
        client.start(timeout=START_TIMEOUT_S)
    return client


def close_client(client):
    """Stop and close a client, tolerating any state it was left in."""
    try:
        client.stop()
    except Exception:
        pass
    try:
        client.close()
    except Exception:
        pass


@pytest.fixture(scope="session")
def hosts():
    """Connection string of the server under test for the whole session."""
    external = harness.target_hosts()
    if external:
        yield external
        return
    if not harness.server_bin():
        pytest.skip("neither CAIRN_TEST_HOSTS nor CAIRN_SERVER_BIN is set")
    srv = harness.start_server()
    try:
        yield srv.hosts
    finally:
        srv.stop()


@pytest.fixture
def zk_factory(hosts):
    """make(**KazooClient kwargs, start=True, hosts=None) -> client; all closed afterwards."""
    made = []
    _hosts = hosts

    def make(start=True, hosts=None, **kwargs):
        client = make_client(hosts or _hosts, start=False, **kwargs)
        made.append(client)
        if start:
            client.start(timeout=START_TIMEOUT_S)
        return client

    yield make
    for client in reversed(made):
        close_client(client)


@pytest.fixture
def zk(zk_factory):
    """A started KazooClient; stopped and closed after the test."""
    return zk_factory()


@pytest.fixture
def server():
    """A dedicated Cairn server for this test only (restart/kill tests)."""
    if harness.target_hosts():
        pytest.skip("needs its own server process; CAIRN_TEST_HOSTS is set")
    if not harness.server_bin():
        pytest.skip("CAIRN_SERVER_BIN is not set")
    srv = harness.start_server()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def root(request, hosts):
    """A fresh, existing znode path for this test; deleted recursively after."""
    name = "".join(c if c.isalnum() else "-" for c in request.node.name)[:60]
    path = "/cairn-it-%s-%s" % (name, uuid.uuid4().hex[:8])
    admin = make_client(hosts, auth_data=[SUPER_AUTH])
    try:
        admin.create(path)
        yield path
    finally:
        try:
            # The superuser bypasses any ACL a test left behind.
            admin.delete(path, recursive=True)
        except NoNodeError:
            pass
        finally:
            close_client(admin)
