"""Multi-op transactions through kazoo's client.transaction(): per-op results, failure reporting and atomicity.

kazoo reports a failed multi as a list: RolledBackError for the operations
before the failing one, the failing operation's own exception, and
RuntimeInconsistency for the operations after it.
"""

import pytest

from kazoo.exceptions import (
    BadVersionError,
    NoNodeError,
    NodeExistsError,
    NotEmptyError,
    RolledBackError,
    RuntimeInconsistency,
)
from kazoo.protocol.states import ZnodeStat


def _types(results):
    return [type(r) for r in results]


def test_commit_success_results(zk, root):
    x = zk.create(root + "/x", b"1")
    gone = zk.create(root + "/gone")
    t = zk.transaction()
    t.create(root + "/a", b"A")
    t.set_data(x, b"2", version=0)
    t.check(x, 1)  # sees the set_data before it in the same transaction
    t.delete(gone)
    t.create(root + "/a/child", b"C")
    results = t.commit()
    assert len(results) == 5
    assert results[0] == root + "/a"
    assert isinstance(results[1], ZnodeStat)
    assert results[1].version == 1
    assert results[1].dataLength == 1
    assert results[2] is True
    assert results[3] is True
    assert results[4] == root + "/a/child"
    assert zk.get(root + "/a")[0] == b"A"
    assert zk.get(root + "/a/child")[0] == b"C"
    assert zk.get(x)[0] == b"2"
    assert zk.exists(gone) is None


def test_all_ops_share_one_zxid(zk, root):
    x = zk.create(root + "/x")
    t = zk.transaction()
    t.create(root + "/a")
    t.create(root + "/b")
    t.set_data(x, b"z")
    results = t.commit()
    zxid = zk.exists(root + "/a").czxid
    assert zk.exists(root + "/b").czxid == zxid
    assert zk.exists(x).mzxid == zxid
    assert results[2].mzxid == zxid
    assert zk.exists(root).pzxid == zxid


def test_sequence_and_ephemeral_in_transaction(zk, root):
    zk.create(root + "/first")
    t = zk.transaction()
    t.create(root + "/s-", sequence=True)
    t.create(root + "/s-", sequence=True)
    t.create(root + "/e", ephemeral=True)
    t.delete(root + "/s-0000000002")  # created by this very transaction
    results = t.commit()
    assert results == [root + "/s-0000000001", root + "/s-0000000002", root + "/e", True]
    assert sorted(zk.get_children(root)) == ["e", "first", "s-0000000001"]
    assert zk.exists(root + "/e").ephemeralOwner == zk.client_id[0]


def test_empty_transaction(zk):
    assert zk.transaction().commit() == []


def test_context_manager_commits(zk, root):
    with zk.transaction() as t:
        t.create(root + "/cm", b"v")
    assert zk.get(root + "/cm")[0] == b"v"
    assert t.committed


def test_failed_check_reports_per_op_and_applies_nothing(zk, root):
    x = zk.create(root + "/x", b"1")
    before = zk.exists(root)
    t = zk.transaction()
    t.create(root + "/a", b"A")
    t.set_data(x, b"2")
    t.check(x, 5)
    t.create(root + "/b")
    t.delete(x)
    results = t.commit()
    assert _types(results) == [
        RolledBackError, RolledBackError, BadVersionError,
        RuntimeInconsistency, RuntimeInconsistency,
    ]
    # Atomicity: nothing was applied.
    assert zk.exists(root + "/a") is None
    assert zk.exists(root + "/b") is None
    data, stat = zk.get(x)
    assert data == b"1"
    assert stat.version == 0
    assert zk.exists(root) == before


def test_failure_in_first_op(zk, root):
    t = zk.transaction()
    t.delete(root + "/missing")
    t.create(root + "/a")
    assert _types(t.commit()) == [NoNodeError, RuntimeInconsistency]
    assert zk.get_children(root) == []


def test_conflict_inside_transaction(zk, root):
    # The second create collides with the first one of the same transaction.
    t = zk.transaction()
    t.create(root + "/dup", b"1")
    t.create(root + "/dup", b"2")
    assert _types(t.commit()) == [RolledBackError, NodeExistsError]
    assert zk.exists(root + "/dup") is None


@pytest.mark.parametrize("failing", ["set_data", "delete_not_empty", "create_no_parent"])
def test_failing_op_kinds(zk, root, failing):
    x = zk.create(root + "/x", b"keep")
    zk.create(x + "/child")
    t = zk.transaction()
    t.create(root + "/new")
    if failing == "set_data":
        t.set_data(x, b"nope", version=3)
        expected = BadVersionError
    elif failing == "delete_not_empty":
        t.delete(x)
        expected = NotEmptyError
    else:
        t.create(root + "/no/parent")
        expected = NoNodeError
    assert _types(t.commit()) == [RolledBackError, expected]
    assert sorted(zk.get_children(root)) == ["x"]
    assert zk.get(x)[0] == b"keep"


def test_sequence_counter_untouched_by_failed_transaction(zk, root):
    t = zk.transaction()
    t.create(root + "/s-", sequence=True)
    t.check(root + "/missing", 0)
    assert _types(t.commit()) == [RolledBackError, NoNodeError]
    assert zk.create(root + "/s-", sequence=True) == root + "/s-0000000000"


def test_transaction_cannot_commit_twice(zk, root):
    t = zk.transaction()
    t.create(root + "/once")
    t.commit()
    with pytest.raises(ValueError):
        t.commit()
