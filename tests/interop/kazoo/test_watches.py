"""Watches through kazoo: one-shot data/child/exists watches, their ordering, and kazoo's DataWatch/ChildrenWatch recipes.

Every wait is bounded.  "No further event" is checked with a fence: a watch on
a separate znode triggered afterwards; kazoo runs watch callbacks in order on
one thread, so once the fence's callback ran, any stray event would have too.
"""

import itertools
import threading

import harness

from kazoo.handlers.threading import SequentialThreadingHandler
from kazoo.protocol.states import EventType, KazooState

WAIT_S = 5.0


def harness_wait(predicate, timeout=WAIT_S):
    return harness.wait_until(predicate, timeout)


class Recorder:
    """A callable that records its calls; wait_for(n) waits (bounded) for n of them."""

    def __init__(self):
        self._cond = threading.Condition()
        self.calls = []

    def __call__(self, *args):
        with self._cond:
            self.calls.append(args[0] if len(args) == 1 else args)
            self._cond.notify_all()

    def wait_for(self, n, timeout=WAIT_S):
        with self._cond:
            self._cond.wait_for(lambda: len(self.calls) >= n, timeout)
            return list(self.calls)


_fence_ids = itertools.count()


def fence(client, root):
    """Return once every watch callback already delivered to `client` has run."""
    path = "%s/fence-%d" % (root, next(_fence_ids))
    done = threading.Event()
    assert client.exists(path, watch=lambda ev: done.set()) is None
    client.create(path)
    assert done.wait(WAIT_S), "fence watch never fired"
    client.delete(path)


def test_get_watch_fires_once_on_change(zk, root):
    path = zk.create(root + "/n", b"a")
    rec = Recorder()
    data, _ = zk.get(path, watch=rec)
    assert data == b"a"
    zk.set(path, b"b")
    events = rec.wait_for(1)
    assert len(events) == 1
    ev = events[0]
    assert ev.type == EventType.CHANGED
    assert ev.path == path
    assert ev.state == KazooState.CONNECTED
    # One-shot: later changes do not fire the consumed watch.
    zk.set(path, b"c")
    zk.delete(path)
    fence(zk, root)
    assert len(rec.calls) == 1


def test_watch_can_be_rearmed(zk, root):
    path = zk.create(root + "/n", b"0")
    seen = []
    rearmed = threading.Event()

    def watcher(ev):
        if not seen:
            zk.get_async(path, watch=watcher)  # re-arm from the callback thread
            seen.append(ev.type)
        else:
            seen.append(ev.type)
            rearmed.set()

    zk.get(path, watch=watcher)
    zk.set(path, b"1")
    assert harness_wait(lambda: len(seen) == 1)
    zk.sync(path)  # queued after the re-arm, so the re-arm has been processed
    zk.set(path, b"2")
    assert rearmed.wait(WAIT_S)
    assert seen == [EventType.CHANGED, EventType.CHANGED]


def test_watch_triggered_by_other_client(zk, zk_factory, root):
    other = zk_factory()
    path = zk.create(root + "/n")
    rec = Recorder()
    zk.get(path, watch=rec)
    other.set(path, b"from-other")
    events = rec.wait_for(1)
    assert [(e.type, e.path) for e in events] == [(EventType.CHANGED, path)]


def test_exists_watch_on_missing_node_fires_on_create(zk, zk_factory, root):
    other = zk_factory()
    path = root + "/later"
    rec = Recorder()
    assert zk.exists(path, watch=rec) is None
    other.create(path, b"now")
    events = rec.wait_for(1)
    assert [(e.type, e.path) for e in events] == [(EventType.CREATED, path)]
    other.set(path, b"again")
    fence(zk, root)
    assert len(rec.calls) == 1


def test_exists_watch_fires_on_delete(zk, root):
    path = zk.create(root + "/n")
    rec = Recorder()
    assert zk.exists(path, watch=rec) is not None
    zk.delete(path)
    events = rec.wait_for(1)
    assert [(e.type, e.path) for e in events] == [(EventType.DELETED, path)]


def test_child_watch_on_create_and_delete(zk, zk_factory, root):
    other = zk_factory()
    rec = Recorder()
    assert zk.get_children(root, watch=rec) == []
    other.create(root + "/kid")
    events = rec.wait_for(1)
    assert [(e.type, e.path) for e in events] == [(EventType.CHILD, root)]

    rec2 = Recorder()
    assert zk.get_children(root, watch=rec2) == ["kid"]
    other.delete(root + "/kid")
    events = rec2.wait_for(1)
    assert [(e.type, e.path) for e in events] == [(EventType.CHILD, root)]
    assert len(rec.calls) == 1


def test_child_watch_ignores_data_changes(zk, root):
    kid = zk.create(root + "/kid")
    rec = Recorder()
    zk.get_children(root, watch=rec)
    zk.set(kid, b"data")  # a child's data change is not a child event
    zk.set(root, b"data")  # nor is the parent's own data change
    fence(zk, root)  # creates and deletes a child of root: fires rec
    events = rec.wait_for(1)
    assert [(e.type, e.path) for e in events] == [(EventType.CHILD, root)]


def test_child_watch_gets_deleted_event_when_parent_deleted(zk, root):
    parent = zk.create(root + "/p")
    children_rec, data_rec = Recorder(), Recorder()
    zk.get_children(parent, watch=children_rec)
    zk.get(parent, watch=data_rec)
    zk.delete(parent)
    assert [(e.type, e.path) for e in children_rec.wait_for(1)] == [(EventType.DELETED, parent)]
    assert [(e.type, e.path) for e in data_rec.wait_for(1)] == [(EventType.DELETED, parent)]


class OrderRecordingHandler(SequentialThreadingHandler):
    """Notes, on kazoo's connection thread, when a watch event is handed over."""

    def __init__(self, log):
        super().__init__()
        self._log = log

    def dispatch_callback(self, callback):
        if callback.type == "watch":
            event = callback.args[0]
            self._log.append(("event", event.type, event.path))
        return super().dispatch_callback(callback)


def test_event_delivered_before_read_of_new_data(zk_factory, root):
    # ZooKeeper: a client sees a watch event before it sees the new data.
    log = []
    watcher = zk_factory(handler=OrderRecordingHandler(log))
    writer = zk_factory()
    path = writer.create(root + "/n", b"old")
    rec = Recorder()
    watcher.get(path, watch=rec)
    writer.set(path, b"new")
    data, _ = watcher.get(path)
    log.append(("result", data))
    assert log == [("event", EventType.CHANGED, path), ("result", b"new")]
    assert len(rec.wait_for(1)) == 1


def test_own_write_event_precedes_write_result(zk_factory, root):
    # For the client's own write, the event comes before the write's reply.
    log = []
    client = zk_factory(handler=OrderRecordingHandler(log))
    path = client.create(root + "/n")
    client.get(path, watch=Recorder())
    client.exists(root + "/c", watch=Recorder())
    client.set(path, b"x")
    log.append("set-returned")
    client.create(root + "/c")
    log.append("create-returned")
    assert log == [
        ("event", EventType.CHANGED, path),
        "set-returned",
        ("event", EventType.CREATED, root + "/c"),
        "create-returned",
    ]


def test_data_watch_recipe(zk, zk_factory, root):
    other = zk_factory()
    path = root + "/dw"
    rec = Recorder()

    @zk.DataWatch(path)
    def changed(data, stat):
        rec(data, stat.version if stat else None)

    assert rec.wait_for(1) == [(None, None)]
    other.create(path, b"v0")
    assert rec.wait_for(2)[1] == (b"v0", 0)
    other.set(path, b"v1")
    assert rec.wait_for(3)[2] == (b"v1", 1)
    other.delete(path)
    assert rec.wait_for(4)[3] == (None, None)


def test_data_watch_can_stop_itself(zk, root):
    path = zk.create(root + "/dw", b"0")
    rec = Recorder()

    def changed(data, stat):
        rec(data)
        return data != b"1"  # returning False cancels the DataWatch

    zk.DataWatch(path, changed)
    rec.wait_for(1)
    zk.set(path, b"1")
    assert rec.wait_for(2) == [b"0", b"1"]
    zk.set(path, b"2")
    fence(zk, root)
    assert rec.calls == [b"0", b"1"]


def test_children_watch_recipe(zk, zk_factory, root):
    other = zk_factory()
    rec = Recorder()
    zk.ChildrenWatch(root, lambda children: rec(sorted(children)))
    assert rec.wait_for(1) == [[]]
    other.create(root + "/a")
    assert rec.wait_for(2)[-1] == ["a"]
    other.create(root + "/b")
    assert rec.wait_for(3)[-1] == ["a", "b"]
    other.delete(root + "/a")
    assert rec.wait_for(4)[-1] == ["b"]


def test_ephemeral_removal_fires_watches_when_owner_closes(zk, zk_factory, root):
    owner = zk_factory()
    eph = owner.create(root + "/eph", ephemeral=True)
    data_rec, child_rec = Recorder(), Recorder()
    assert zk.exists(eph, watch=data_rec) is not None
    assert zk.get_children(root, watch=child_rec) == ["eph"]
    owner.stop()
    owner.close()
    assert [(e.type, e.path) for e in data_rec.wait_for(1)] == [(EventType.DELETED, eph)]
    assert [(e.type, e.path) for e in child_rec.wait_for(1)] == [(EventType.CHILD, root)]
    assert zk.get_children(root) == []
