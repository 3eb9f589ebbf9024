"""Basic znode CRUD through kazoo: checks results, stat fields and error codes against ZooKeeper's rules.

Each test works under its own `root` znode and uses only kazoo's public API.
"""

import inspect
import re
import time

import pytest

from kazoo.exceptions import (
    BadArgumentsError,
    BadVersionError,
    NoChildrenForEphemeralsError,
    NodeExistsError,
    NoNodeError,
    NotEmptyError,
)

BIG_VALUE_BYTES = 1000000  # under jute.maxbuffer (1048575) minus framing overhead


def test_create_get_set_delete(zk, root):
    path = root + "/node"
    assert zk.create(path, b"hello") == path
    data, stat = zk.get(path)
    assert data == b"hello"
    assert stat.version == 0
    stat2 = zk.set(path, b"world")
    assert stat2.version == 1
    assert zk.get(path)[0] == b"world"
    zk.delete(path)
    assert zk.exists(path) is None
    with pytest.raises(NoNodeError):
        zk.get(path)


def test_exists_returns_stat_or_none(zk, root):
    assert zk.exists(root + "/nope") is None
    zk.create(root + "/yes", b"abc")
    stat = zk.exists(root + "/yes")
    assert stat is not None
    assert stat.dataLength == 3


def test_get_children_and_include_data(zk, root):
    for name in ("b", "a", "c"):
        zk.create(root + "/" + name)
    assert sorted(zk.get_children(root)) == ["a", "b", "c"]
    children, stat = zk.get_children(root, include_data=True)
    assert sorted(children) == ["a", "b", "c"]
    # The stat is the parent's.
    assert stat.numChildren == 3
    assert stat.cversion == 3
    assert stat == zk.exists(root)
    assert zk.get_children(root + "/a") == []
    with pytest.raises(NoNodeError):
        zk.get_children(root + "/missing")


def test_ensure_path_and_makepath(zk, root):
    deep = root + "/x/y/z"
    zk.ensure_path(deep)
    assert zk.exists(deep) is not None
    zk.ensure_path(deep)  # idempotent
    assert zk.get_children(root + "/x") == ["y"]
    made = zk.create(root + "/p/q/r", b"leaf", makepath=True)
    assert made == root + "/p/q/r"
    assert zk.get(made)[0] == b"leaf"
    assert zk.get(root + "/p")[0] == b""
    with pytest.raises(NoNodeError):
        zk.create(root + "/no/such/parent")


def test_sequence_nodes_names_and_ordering(zk, root):
    made = [zk.create(root + "/job-", b"%d" % i, sequence=True) for i in range(12)]
    for i, path in enumerate(made):
        assert re.fullmatch(re.escape(root) + r"/job-\d{10}", path), path
        assert path == "%s/job-%010d" % (root, i)
        assert zk.get(path)[0] == b"%d" % i
    assert sorted(zk.get_children(root)) == [p.rsplit("/", 1)[1] for p in made]


def test_sequence_counter_counts_creates_not_deletes(zk, root):
    # ZooKeeper's suffix is the number of children ever created under the
    # parent; the reported cversion counts creates and deletes.
    zk.create(root + "/plain")
    zk.delete(root + "/plain")
    zk.create(root + "/other")
    assert zk.exists(root).cversion == 3
    assert zk.create(root + "/s-", sequence=True) == root + "/s-0000000002"
    # A different prefix shares the same counter.
    assert zk.create(root + "/t-", sequence=True) == root + "/t-0000000003"
    # A bare sequence name (empty prefix).
    assert zk.create(root + "/", sequence=True) == root + "/0000000004"
    for name in ("other", "s-0000000002", "t-0000000003", "0000000004"):
        zk.delete(root + "/" + name)
    st = zk.exists(root)
    assert st.cversion == 10
    assert st.numChildren == 0
    assert zk.create(root + "/u-", sequence=True) == root + "/u-0000000005"


def test_ephemeral_sequence(zk, root):
    a = zk.create(root + "/e-", ephemeral=True, sequence=True)
    b = zk.create(root + "/e-", ephemeral=True, sequence=True)
    assert a == root + "/e-0000000000"
    assert b == root + "/e-0000000001"
    for path in (a, b):
        assert zk.exists(path).ephemeralOwner == zk.client_id[0]


def test_ephemeral_cannot_have_children(zk, root):
    eph = zk.create(root + "/eph", ephemeral=True)
    with pytest.raises(NoChildrenForEphemeralsError):
        zk.create(eph + "/child")
    with pytest.raises(NoChildrenForEphemeralsError):
        zk.create(eph + "/child", ephemeral=True, sequence=True)
    assert zk.exists(eph).numChildren == 0


def test_version_checks(zk, root):
    path = zk.create(root + "/v", b"0")
    with pytest.raises(BadVersionError):
        zk.set(path, b"x", version=5)
    assert zk.set(path, b"1", version=0).version == 1
    assert zk.set(path, b"2", version=1).version == 2
    assert zk.set(path, b"3", version=-1).version == 3  # -1 matches any version
    with pytest.raises(BadVersionError):
        zk.delete(path, version=2)
    zk.delete(path, version=3)
    assert zk.exists(path) is None


def test_error_codes(zk, root):
    path = zk.create(root + "/n")
    with pytest.raises(NodeExistsError):
        zk.create(path)
    zk.create(path + "/child")
    with pytest.raises(NotEmptyError):
        zk.delete(path)
    # The version check comes before the emptiness check.
    with pytest.raises(BadVersionError):
        zk.delete(path, version=7)
    with pytest.raises(NoNodeError):
        zk.delete(root + "/missing")
    with pytest.raises(NoNodeError):
        zk.set(root + "/missing", b"x")
    with pytest.raises(NoNodeError):
        zk.get(root + "/missing")
    with pytest.raises(NoNodeError):
        zk.create(root + "/missing/child")
    # An embedded NUL is not a valid path character.
    with pytest.raises(BadArgumentsError):
        zk.create(root + "/bad\x00name")
    # Failed operations changed nothing.
    stat = zk.exists(path)
    assert stat.numChildren == 1
    assert stat.version == 0


def test_stat_fields(zk, root):
    now_ms = time.time() * 1000
    path = zk.create(root + "/s", b"abcd")
    st = zk.exists(path)
    assert st.czxid == st.mzxid == st.pzxid
    assert st.czxid > 0
    assert st.version == st.cversion == st.aversion == 0
    assert st.numChildren == 0
    assert st.dataLength == 4
    assert st.ephemeralOwner == 0
    assert st.ctime == st.mtime
    assert abs(st.ctime - now_ms) < 60000

    st_set = zk.set(path, b"xy")
    assert st_set.czxid == st.czxid
    assert st_set.mzxid > st.mzxid
    assert st_set.pzxid == st.pzxid  # data changes leave pzxid alone
    assert st_set.version == 1
    assert st_set.dataLength == 2
    assert st_set.mtime >= st.mtime
    assert st_set.ctime == st.ctime

    child = zk.create(path + "/c")
    child_st = zk.exists(child)
    parent = zk.exists(path)
    assert parent.numChildren == 1
    assert parent.cversion == 1
    assert parent.pzxid == child_st.czxid
    assert parent.mzxid == st_set.mzxid  # child changes leave mzxid alone
    assert parent.version == 1
    assert child_st.czxid > st_set.mzxid

    zk.delete(child)
    parent2 = zk.exists(path)
    assert parent2.numChildren == 0
    assert parent2.cversion == 2
    assert parent2.pzxid > parent.pzxid
    assert parent2.mzxid == st_set.mzxid

    eph = zk.create(root + "/eph", ephemeral=True)
    assert zk.exists(eph).ephemeralOwner == zk.client_id[0]


def test_zxids_increase_across_writes(zk, root):
    zxids = [zk.exists(zk.create(root + "/z%d" % i)).czxid for i in range(5)]
    assert zxids == sorted(zxids)
    assert len(set(zxids)) == 5


@pytest.mark.parametrize(
    "value",
    [b"", b"\x00", bytes(range(256)), b"\xff\xfe\x00\x01" * 1000, b"x" * BIG_VALUE_BYTES],
    ids=["empty", "nul", "all-bytes", "binary-4k", "1MB"],
)
def test_binary_data_roundtrip(zk, root, value):
    path = zk.create(root + "/bin", value)
    data, stat = zk.get(path)
    assert data == value
    assert stat.dataLength == len(value)
    zk.set(path, value[::-1])
    assert zk.get(path)[0] == value[::-1]


def test_empty_data_is_empty_bytes(zk, root):
    path = zk.create(root + "/empty")
    data, stat = zk.get(path)
    assert data == b""
    assert stat.dataLength == 0
    zk.set(path, b"abc")
    zk.set(path, b"")
    assert zk.get(path)[0] == b""


def test_unicode_paths(zk, root):
    names = ["ünïcødé", "路径", "space name", "\u00a0nbsp", "\ufeffbom", "\uf900"]
    for name in names:
        path = zk.create(root + "/" + name, name.encode("utf-8"))
        assert path == root + "/" + name
        assert zk.get(path)[0] == name.encode("utf-8")
    assert sorted(zk.get_children(root)) == sorted(names)
    seq = zk.create(root + "/ß-", sequence=True)
    assert seq == root + "/ß-%010d" % len(names)


@pytest.mark.parametrize(
    "name",
    ["ctl\x01", "del\x7f", "c1\x9f", "emoji-\U0001F333", "private\ue000", "special\ufff0"],
    ids=["C0", "DEL", "C1", "non-BMP", "private-use", "specials"],
)
def test_rejected_path_characters(zk, root, name):
    # ZooKeeper rejects control characters, surrogates (so anything outside
    # the BMP), the private-use area and U+FFF0..U+FFFF.
    with pytest.raises(BadArgumentsError):
        zk.create(root + "/" + name)
    assert zk.get_children(root) == []


def test_delete_recursive(zk, root):
    top = root + "/tree"
    for path in ("/a/b/c", "/a/b/d", "/a/e", "/f"):
        zk.create(top + path, makepath=True)
    zk.create(top + "/a/b/c/eph", ephemeral=True)
    zk.delete(top, recursive=True)
    assert zk.exists(top) is None
    assert zk.get_children(root) == []


def _create_supports(arg):
    from kazoo.client import KazooClient
    return arg in inspect.signature(KazooClient.create).parameters


@pytest.mark.skipif(not _create_supports("container"),
                    reason="this kazoo's create() has no container= argument")
def test_container_node(zk, root):
    path = zk.create(root + "/container", container=True)
    zk.create(path + "/child")
    assert zk.exists(path).ephemeralOwner == 0
    zk.delete(path + "/child")
    # The server reaps an empty container eventually; the node is usable until then.


@pytest.mark.skipif(not _create_supports("ttl"),
                    reason="this kazoo's create() has no ttl= argument")
def test_ttl_node(zk, root):
    path = zk.create(root + "/ttl", b"t", ttl=60000)
    assert zk.get(path)[0] == b"t"
