"""Fixtures shared by the integration tests of the tools."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "interop"))

import harness  # noqa: E402


@pytest.fixture(scope="module", params=["cairn", "zookeeper"])
def server(request):
    """A Cairn server, then Apache ZooKeeper (Debian's): the module runs once per kind."""
    srv = harness.start_server() if request.param == "cairn" else harness.start_zookeeper()
    try:
        yield srv
    finally:
        srv.stop()
