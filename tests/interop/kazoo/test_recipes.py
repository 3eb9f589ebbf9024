"""kazoo's recipes (locks, election, barriers, counter, queues, party, TreeCache) run by several clients and threads at once.

These exercise sequential ephemerals, predecessor watches, versioned sets and
multi-ops the way applications do.  Threads are daemons joined with timeouts;
every wait is bounded.
"""

import threading
import time

import pytest

from kazoo.exceptions import LockTimeout
from kazoo.recipe.cache import TreeCache, TreeEvent

WAIT_S = 10.0


class Worker(threading.Thread):
    """A daemon thread whose exception (if any) is re-raised by finish()."""

    def __init__(self, target, *args):
        super().__init__(daemon=True)
        self._target_fn = target
        self._args = args
        self.error = None
        self.value = None
        self.start()

    def run(self):
        try:
            self.value = self._target_fn(*self._args)
        except BaseException as e:  # reported by finish()
            self.error = e

    def finish(self, timeout=WAIT_S):
        self.join(timeout)
        assert not self.is_alive(), "worker still running after %.0f s" % timeout
        if self.error is not None:
            raise self.error
        return self.value


# --- Lock, ReadLock/WriteLock, Semaphore ---------------------------------

def test_lock_mutual_exclusion(zk_factory, root):
    clients = [zk_factory() for _ in range(4)]
    path = root + "/lock"
    state = {"holder": None, "entries": 0, "overlaps": 0}
    guard = threading.Lock()

    def contend(client, name):
        lock = client.Lock(path, name)
        for _ in range(5):
            assert lock.acquire(timeout=WAIT_S)
            try:
                with guard:
                    if state["holder"] is not None:
                        state["overlaps"] += 1
                    state["holder"] = name
                time.sleep(0.002)
                with guard:
                    if state["holder"] != name:
                        state["overlaps"] += 1
                    state["holder"] = None
                    state["entries"] += 1
            finally:
                lock.release()

    workers = [Worker(contend, c, "c%d" % i) for i, c in enumerate(clients)]
    for w in workers:
        w.finish(30.0)
    assert state["entries"] == 20
    assert state["overlaps"] == 0
    assert clients[0].get_children(path) == []


def test_lock_contenders_and_handoff(zk_factory, root):
    a, b, c = zk_factory(), zk_factory(), zk_factory()
    path = root + "/lock"
    lock_a = a.Lock(path, "alpha")
    lock_b = b.Lock(path, "beta")
    assert lock_a.acquire(timeout=WAIT_S)
    assert lock_a.is_acquired
    got_b = threading.Event()

    def take_b():
        assert lock_b.acquire(timeout=WAIT_S)
        got_b.set()

    w = Worker(take_b)
    lock_c = c.Lock(path, "gamma")
    assert _wait(lambda: lock_c.contenders() == ["alpha", "beta"])
    assert not lock_c.acquire(blocking=False)
    assert not got_b.is_set()
    lock_a.release()
    assert got_b.wait(WAIT_S)
    w.finish()
    assert lock_c.contenders() == ["beta"]
    lock_b.release()
    assert lock_c.acquire(timeout=WAIT_S)
    lock_c.release()


def test_lock_passes_when_holder_session_ends(zk_factory, root):
    holder, waiter = zk_factory(), zk_factory()
    path = root + "/lock"
    assert holder.Lock(path, "h").acquire(timeout=WAIT_S)
    lock = waiter.Lock(path, "w")
    w = Worker(lambda: lock.acquire(timeout=WAIT_S))
    assert _wait(lambda: len(lock.contenders()) == 2)
    holder.stop()
    assert w.finish() is True
    assert lock.contenders() == ["w"]
    lock.release()


def test_lock_acquire_timeout(zk_factory, root):
    a, b = zk_factory(), zk_factory()
    path = root + "/lock"
    assert a.Lock(path).acquire(timeout=WAIT_S)
    t0 = time.monotonic()
    with pytest.raises(LockTimeout):
        b.Lock(path).acquire(timeout=0.5)
    assert time.monotonic() - t0 < 5.0
    assert len(a.get_children(path)) == 1  # the timed-out contender cleaned up


def test_read_write_lock(zk_factory, root):
    r1, r2, wr = zk_factory(), zk_factory(), zk_factory()
    path = root + "/rw"
    read1, read2 = r1.ReadLock(path, "r1"), r2.ReadLock(path, "r2")
    assert read1.acquire(timeout=WAIT_S)
    assert read2.acquire(timeout=WAIT_S)  # readers share
    write = wr.WriteLock(path, "w")
    got_write = threading.Event()
    w = Worker(lambda: write.acquire(timeout=WAIT_S) and got_write.set())
    assert _wait(lambda: len(write.contenders()) == 3)
    read1.release()
    assert not got_write.wait(0.2)
    read2.release()
    assert got_write.wait(WAIT_S)
    w.finish()
    late_reader = r1.ReadLock(path, "r3")
    assert late_reader.acquire(blocking=False) is False  # blocked by the writer
    write.release()
    assert late_reader.acquire(timeout=WAIT_S)
    late_reader.release()


def test_semaphore(zk_factory, root):
    clients = [zk_factory() for _ in range(3)]
    path = root + "/sem"
    sems = [c.Semaphore(path, "s%d" % i, max_leases=2) for i, c in enumerate(clients)]
    assert sems[0].acquire(timeout=WAIT_S)
    assert sems[1].acquire(timeout=WAIT_S)
    assert sorted(sems[2].lease_holders()) == ["s0", "s1"]
    assert sems[2].acquire(blocking=False) is False
    got = threading.Event()
    w = Worker(lambda: sems[2].acquire(timeout=WAIT_S) and got.set())
    assert not got.wait(0.2)
    sems[0].release()
    assert got.wait(WAIT_S)
    w.finish()
    assert sorted(sems[0].lease_holders()) == ["s1", "s2"]
    sems[1].release()
    sems[2].release()
    assert sems[0].lease_holders() == []


# --- Election ---------------------------------------------------------------

def test_election_leadership_passes_on(zk_factory, root):
    path = root + "/election"
    names = ["n0", "n1", "n2"]
    clients = {n: zk_factory() for n in names}
    elected = {n: threading.Event() for n in names}
    step_down = {n: threading.Event() for n in names}
    leaders = []
    guard = threading.Lock()

    def lead(name):
        with guard:
            leaders.append(name)
        elected[name].set()
        step_down[name].wait(20.0)

    def campaign(name):
        try:
            clients[name].Election(path, name).run(lead, name)
        except Exception:
            if not step_down[name].is_set():
                raise  # only a stopped leader's own client may fail

    workers = {}
    for n in names:
        workers[n] = Worker(campaign, n)
        # Join in a known order so the queue order is deterministic.
        assert _wait(lambda: len(clients[n].Election(path).contenders()) == len(workers))

    observer = zk_factory().Election(path)
    assert _wait(lambda: bool(leaders))
    assert leaders == ["n0"]
    assert observer.contenders() == names

    # The leader's client goes away: its lock node vanishes, n1 takes over.
    clients["n0"].stop()
    step_down["n0"].set()
    assert elected["n1"].wait(WAIT_S)
    assert observer.contenders() == ["n1", "n2"]
    assert not elected["n2"].is_set()

    # A leader that finishes its function releases leadership normally.
    step_down["n1"].set()
    assert elected["n2"].wait(WAIT_S)
    step_down["n2"].set()
    for n in names:
        workers[n].finish()
    assert leaders == names
    assert observer.contenders() == []


def test_election_cancel(zk_factory, root):
    path = root + "/election"
    leader_client, other_client = zk_factory(), zk_factory()
    stop = threading.Event()
    leader = Worker(leader_client.Election(path, "L").run, lambda: stop.wait(20.0))
    assert _wait(lambda: leader_client.Election(path).contenders() == ["L"])
    ran = threading.Event()
    election = other_client.Election(path, "C")
    contender = Worker(election.run, ran.set)
    assert _wait(lambda: election.contenders() == ["L", "C"])
    election.cancel()
    contender.finish()
    assert not ran.is_set()
    assert _wait(lambda: election.contenders() == ["L"])
    stop.set()
    leader.finish()


# --- Barriers ----------------------------------------------------------------

def test_barrier(zk_factory, root):
    owner = zk_factory()
    path = root + "/barrier"
    barrier = owner.Barrier(path)
    assert barrier.wait(timeout=0.1) is True  # no barrier node: nothing to wait for
    barrier.create()
    waiters = [Worker(zk_factory().Barrier(path).wait, WAIT_S) for _ in range(3)]
    assert owner.Barrier(path).wait(timeout=0.2) is False
    assert all(w.is_alive() for w in waiters)
    assert barrier.remove() is True
    assert [w.finish() for w in waiters] == [True, True, True]
    assert barrier.remove() is False


def test_double_barrier(zk_factory, root):
    path = root + "/double"
    n = 3
    entered, left = [], []
    guard = threading.Lock()
    may_leave = threading.Event()

    def member(client, name):
        barrier = client.DoubleBarrier(path, n, identifier=name)
        barrier.enter()
        with guard:
            entered.append(name)
        assert may_leave.wait(WAIT_S)
        barrier.leave()
        with guard:
            left.append(name)

    first = [Worker(member, zk_factory(), "m%d" % i) for i in range(n - 1)]
    time.sleep(0.3)  # bounded: give the first members time to (wrongly) pass
    assert entered == []
    last = Worker(member, zk_factory(), "m%d" % (n - 1))
    assert _wait(lambda: len(entered) == n)
    may_leave.set()
    for w in first + [last]:
        w.finish()
    assert sorted(left) == ["m0", "m1", "m2"]
    assert zk_factory().get_children(path) == []  # everyone's node is gone


# --- Counter -----------------------------------------------------------------

def test_counter_concurrent_increments(zk_factory, root):
    path = root + "/counter"
    clients = [zk_factory() for _ in range(4)]

    def bump(client):
        counter = client.Counter(path)
        for _ in range(10):
            counter += 1

    for w in [Worker(bump, c) for c in clients]:
        w.finish(30.0)
    counter = clients[0].Counter(path)
    assert counter.value == 40
    counter -= 5
    assert counter.value == 35
    assert clients[1].get(path)[0] == b"35"


def test_counter_float_and_pre_post_values(zk, root):
    counter = zk.Counter(root + "/f", default=0.0)
    counter += 2.5
    assert counter.pre_value == 0.0
    assert counter.post_value == 2.5
    counter -= 1.0
    assert counter.value == 1.5


# --- Queues ------------------------------------------------------------------

def test_queue_priority_and_exactly_once(zk_factory, root):
    producer = zk_factory()
    path = root + "/queue"
    queue = producer.Queue(path)
    queue.put(b"low", priority=200)
    queue.put(b"high", priority=1)
    queue.put(b"mid")
    assert len(queue) == 3
    assert [queue.get(), queue.get(), queue.get()] == [b"high", b"mid", b"low"]
    assert queue.get() is None

    items = [b"item-%02d" % i for i in range(30)]
    for item in items:
        queue.put(item)
    got = []
    guard = threading.Lock()

    def consume(client):
        q = client.Queue(path)
        while True:
            value = q.get()
            if value is None:
                return
            with guard:
                got.append(value)

    for w in [Worker(consume, zk_factory()) for _ in range(3)]:
        w.finish(30.0)
    assert sorted(got) == items  # each entry delivered exactly once
    assert len(queue) == 0


def test_locking_queue(zk_factory, root):
    path = root + "/lq"
    producer = zk_factory()
    q1 = zk_factory().LockingQueue(path)
    q2 = zk_factory().LockingQueue(path)
    producer.LockingQueue(path).put_all([b"a", b"b"])
    assert q1.get(timeout=WAIT_S) == b"a"
    assert q1.holds_lock()
    assert q2.get(timeout=WAIT_S) == b"b"  # a is locked by q1
    assert q2.release() is True  # give b back
    assert q1.consume() is True
    assert q1.get(timeout=WAIT_S) == b"b"
    assert q1.consume() is True
    assert len(q1) == 0

    # A consumer blocked on an empty queue wakes up when an entry arrives.
    waiter = Worker(q2.get, WAIT_S)
    time.sleep(0.1)
    producer.LockingQueue(path).put(b"late")
    assert waiter.finish() == b"late"
    assert q2.consume() is True
    assert q2.get(timeout=0.2) is None


def test_locking_queue_entry_released_when_consumer_dies(zk_factory, root):
    path = root + "/lq"
    dying = zk_factory()
    zk_factory().LockingQueue(path).put(b"job")
    assert dying.LockingQueue(path).get(timeout=WAIT_S) == b"job"
    survivor = zk_factory().LockingQueue(path)
    assert survivor.get(timeout=0.2) is None  # still locked
    dying.stop()  # its ephemeral lock goes away
    assert survivor.get(timeout=WAIT_S) == b"job"
    assert survivor.consume() is True


# --- Party ---------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["Party", "ShallowParty"])
def test_party_membership(zk_factory, root, kind):
    path = root + "/party"
    clients = [zk_factory() for _ in range(3)]
    parties = [getattr(c, kind)(path, "member-%d" % i) for i, c in enumerate(clients)]
    for p in parties:
        p.join()
    observer = getattr(zk_factory(), kind)(path)
    assert len(observer) == 3
    assert sorted(observer) == ["member-0", "member-1", "member-2"]
    parties[0].leave()
    assert sorted(observer) == ["member-1", "member-2"]
    clients[1].stop()  # membership is ephemeral
    assert _wait(lambda: sorted(observer) == ["member-2"])
    assert len(observer) == 1


# --- TreeCache ---------------------------------------------------------------

def test_tree_cache(zk_factory, root):
    reader, writer = zk_factory(), zk_factory()
    writer.create(root + "/a", b"A")
    events = []
    cond = threading.Condition()

    def listener(event):
        with cond:
            events.append((event.event_type,
                           event.event_data.path if event.event_data else None))
            cond.notify_all()

    def wait_event(expected):
        with cond:
            assert cond.wait_for(lambda: expected in events, WAIT_S), (expected, events)

    cache = TreeCache(reader, root)
    cache.listen(listener)
    cache.start()
    try:
        wait_event((TreeEvent.INITIALIZED, None))
        assert cache.get_data(root + "/a").data == b"A"
        assert cache.get_children(root) == frozenset(["a"])

        writer.create(root + "/a/b", b"B")
        wait_event((TreeEvent.NODE_ADDED, root + "/a/b"))
        assert cache.get_data(root + "/a/b").data == b"B"
        writer.set(root + "/a", b"A2")
        wait_event((TreeEvent.NODE_UPDATED, root + "/a"))
        assert cache.get_data(root + "/a").data == b"A2"
        assert cache.get_data(root + "/a").stat.version == 1
        writer.delete(root + "/a", recursive=True)
        wait_event((TreeEvent.NODE_REMOVED, root + "/a"))
        assert _wait(lambda: cache.get_data(root + "/a") is None)
        assert cache.get_children(root) == frozenset()
    finally:
        cache.close()


def _wait(predicate, timeout=WAIT_S):
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
