"""Durability of cairn-server's write path (txn log, snapshots, recovery, the
data-directory lock, sessions): real server processes on free loopback ports
are killed (SIGKILL) or stopped (SIGTERM) and restarted on the same data
directory, and real clients (kazoo, and the raw zkwire client for bulk loads)
check that everything acknowledged before the stop is served after it.

Every loop is bounded in count and time, every wait polls against a deadline,
processes are stopped by PID and their directories removed.  The crash test's
random kill moments come from a seed that is printed (set
CAIRN_DURABILITY_SEED to replay one).
"""

import logging
import os
import random
import re
import resource
import shutil
import signal
import tempfile
import threading
import time

import pytest

from durability_support import (ServerProc, StartupFailed, BulkCreator, diff_dumps, dump_tree,
                                flip_middle_bytes, hex_int, list_snapshots, snapshot_zxid, zkwire)
import harness

from kazoo.client import KazooClient
from kazoo.exceptions import (ConnectionClosedError, ConnectionLoss, NoNodeError,
                              SessionExpiredError)
from kazoo.protocol.states import KazooState

pytestmark = pytest.mark.skipif(not harness.server_bin(), reason="CAIRN_SERVER_BIN is not set")

START_S = 60.0          # startup deadline (recovery included)
WAIT_S = 30.0           # generic wait deadline
RETAIN = 3              # autopurge.snapRetainCount used below (ZooKeeper's minimum)
STORAGE_KEYS = ("zk_last_logged_zxid", "zk_txn_log_size_bytes", "zk_snapshot_count",
                "zk_snapshots_taken", "zk_last_snapshot_zxid", "zk_last_snapshot_duration_ms",
                "zk_snapshot_in_progress")


@pytest.fixture
def servers():
    """Factory for ServerProc; every process is killed and its directory removed."""
    made = []

    def make(cfg=None, **kw):
        s = ServerProc(cfg, **kw)
        made.append(s)
        return s

    yield make
    for s in reversed(made):
        s.cleanup()


@pytest.fixture
def clients():
    """Factory for started kazoo clients with quick reconnects; all stopped at teardown."""
    made = []
    kazoo_log = logging.getLogger("kazoo")
    level = kazoo_log.level
    kazoo_log.setLevel(logging.ERROR)  # connection drops are the point here

    def make(hosts, timeout=10.0, start=True):
        c = KazooClient(hosts=hosts, timeout=timeout,
                        connection_retry=dict(max_tries=-1, delay=0.05, backoff=1.3,
                                              max_delay=0.5, max_jitter=0.1),
                        command_retry=dict(max_tries=3, delay=0.05, deadline=WAIT_S))
        made.append(c)
        if start:
            c.start(timeout=WAIT_S)
        return c

    yield make
    for c in made:
        try:
            c.stop()
            c.close()
        except Exception:
            pass
    kazoo_log.setLevel(level)


def wait_connected(client, timeout=WAIT_S):
    return harness.wait_until(lambda: client.state == KazooState.CONNECTED, timeout, 0.02)


def read_all(client, paths):
    """{path: (data, stat) or None} with pipelined async gets."""
    results = [(p, client.get_async(p)) for p in paths]
    out = {}
    for p, r in results:
        try:
            out[p] = r.get(timeout=WAIT_S)
        except NoNodeError:
            out[p] = None
    return out


def idle_mntr(server, timeout=WAIT_S):
    """mntr once the log has caught up (zk_last_logged_zxid == zk_last_zxid)."""
    got = {}

    def caught_up():
        got.update(server.mntr())
        return got.get("zk_last_logged_zxid") == got.get("zk_last_zxid")
    harness.wait_until(caught_up, timeout, 0.05)
    return got


def recovered_line(server):
    lines = [ln for ln in server.run_log().splitlines() if " recovered snapshot_zxid=" in ln]
    return lines[-1] if lines else ""


# ---------------------------------------------------------------------------
# 1. SIGKILL at random moments under a kazoo writer

DOUBT_ERRORS = (ConnectionLoss, SessionExpiredError, ConnectionClosedError)
CRASH_CYCLES = 6
CRASH_MAX_OPS = 30000        # bound on writes over the whole test
CRASH_DEADLINE_S = 150.0     # bound on the whole crash loop
CYCLE_MAX_S = 10.0           # a cycle's writer stops after this even if no kill came


class CrashModel:
    """What the writer knows: acknowledged (or, after a recovery, observed)
    state, and writes whose outcome is unknown because the server died."""

    PLAIN = "/crash/plain"
    SEQ = "/crash/seq"

    def __init__(self):
        self.nodes = {}            # path -> (data, version), acknowledged or observed
        self.doubt_set = {}        # path -> data of an unacknowledged setData
        self.doubt_creates = {}    # path -> data of an unacknowledged plain create
        self.doubt_seq = set()     # data of unacknowledged sequential creates
        self.max_seq = -1          # highest sequence number acknowledged or observed
        self.counter = 0
        self.acked = {"create": 0, "seq": 0, "set": 0}
        self.doubts = 0

    def tag(self):
        self.counter += 1
        return self.counter

    def record(self, kind, path, data, result):
        """Apply one finished async op; result is ("ok", value) or ("err", exc)."""
        status, value = result
        if status == "err":
            assert isinstance(value, DOUBT_ERRORS), (kind, path, repr(value))
            self.doubts += 1
            if kind == "create":
                self.doubt_creates[path] = data
            elif kind == "seq":
                self.doubt_seq.add(data)
            else:
                self.doubt_set[path] = data
            return
        self.acked[kind] += 1
        if kind == "create":
            assert value == path
            self.nodes[path] = (data, 0)
        elif kind == "seq":
            n = int(value[-10:])
            assert n > self.max_seq, ("sequence numbers must keep rising", value, self.max_seq)
            self.max_seq = n
            self.nodes[value] = (data, 0)
        else:
            _, old_version = self.nodes[path]
            assert value.version == old_version + 1, (path, value.version, old_version)
            self.nodes[path] = (data, value.version)


def _resolve(async_result, killed, deadline):
    """("ok", value) / ("err", exc), or None if the server was killed first."""
    while not async_result.ready():
        if killed.is_set():
            return None
        assert time.monotonic() < deadline, "a write got no answer while the server was up"
        async_result.wait(0.05)
    if async_result.successful():
        return ("ok", async_result.value)
    return ("err", async_result.exception)


def _issue_batch(client, model, rng):
    batch = []
    targets = rng.sample(sorted(model.nodes), min(len(model.nodes), 8)) if model.nodes else []
    for _ in range(rng.randint(1, 16)):
        roll = rng.random()
        if roll < 0.4 or not targets:
            t = model.tag()
            path, data = "%s/n%06d" % (model.PLAIN, t), b"create-%d" % t
            batch.append(("create", path, data, client.create_async(path, data)))
        elif roll < 0.6:
            data = b"seq-%d" % model.tag()
            batch.append(("seq", model.SEQ + "/s-", data,
                          client.create_async(model.SEQ + "/s-", data, sequence=True)))
        else:
            path = targets.pop()  # one setData per node per batch: a clear order per node
            data = b"set-%d" % model.tag()
            batch.append(("set", path, data, client.set_async(path, data)))
    return batch


def _check_snapshot_dir(server, seen, stats):
    finished, temp = list_snapshots(server.snapshot_dir)
    seen.update(os.path.basename(p) for p in finished)
    stats["samples"] += 1
    # Purging follows the rename of a new snapshot (in the parent, once the
    # child has exited), so for that moment retain+1 finished files exist.
    if len(finished) > RETAIN:
        stats["over_retain"] += 1
    assert len(finished) <= RETAIN + 1 and len(temp) <= 1, (finished, temp)


def _verify_after_recovery(client, model):
    plain = set("%s/%s" % (model.PLAIN, c) for c in client.get_children(model.PLAIN))
    seq = set("%s/%s" % (model.SEQ, c) for c in client.get_children(model.SEQ))
    present = plain | seq
    missing = sorted(p for p in model.nodes if p not in present)
    assert not missing, "acknowledged creates lost: %s" % missing[:20]
    extra = present - set(model.nodes)
    got = read_all(client, sorted(present))
    for path, (data, version) in model.nodes.items():
        rdata, stat = got[path]
        if path in model.doubt_set:
            pending = model.doubt_set[path]
            assert (rdata, stat.version) in ((data, version), (pending, version + 1)), \
                (path, rdata, stat.version, data, version, pending)
        else:
            assert (rdata, stat.version) == (data, version), (path, rdata, stat.version, data, version)
    seq_extra = set()
    for path in extra:
        rdata, stat = got[path]
        if path.startswith(model.PLAIN + "/"):
            assert model.doubt_creates.get(path) == rdata and stat.version == 0, \
                ("a node that was never acknowledged has unexpected content", path, rdata)
        else:
            assert rdata in model.doubt_seq and rdata not in seq_extra and stat.version == 0, \
                ("a sequential node nobody sent", path, rdata)
            seq_extra.add(rdata)
    # What a recovery served is on disk now: it must survive later crashes too.
    for path in list(model.doubt_set) + list(extra):
        rdata, stat = got[path]
        model.nodes[path] = (rdata, stat.version)
    model.max_seq = max([model.max_seq] + [int(p[-10:]) for p in seq])
    model.doubt_set.clear()
    model.doubt_creates.clear()
    model.doubt_seq.clear()
    return len(extra)


def test_acknowledged_writes_survive_sigkill_at_random_moments(servers, clients):
    seed = int(os.environ.get("CAIRN_DURABILITY_SEED", time.time_ns() % (1 << 31)))
    print("\ncrash test seed=%d (CAIRN_DURABILITY_SEED=%d replays it)" % (seed, seed))
    rng = random.Random(seed)
    s = servers({"snapCount": 500, "autopurge.snapRetainCount": RETAIN})
    s.start(START_S)
    client = clients(s.hosts)
    client.ensure_path(CrashModel.PLAIN)
    client.ensure_path(CrashModel.SEQ)
    model = CrashModel()
    seen_snapshots, dir_stats = set(), {"samples": 0, "over_retain": 0}
    test_deadline = time.monotonic() + CRASH_DEADLINE_S
    ops = 0
    for cycle in range(CRASH_CYCLES):
        assert time.monotonic() < test_deadline, "crash loop over its %.0f s bound" % CRASH_DEADLINE_S
        assert wait_connected(client), "kazoo did not reconnect; log:\n%s" % s.run_log()[-3000:]
        # The first sequential name after a restart is above every one seen before.
        first = client.create(CrashModel.SEQ + "/s-", b"first-%d" % cycle, sequence=True)
        assert int(first[-10:]) > model.max_seq, (first, model.max_seq)
        model.max_seq = int(first[-10:])
        model.nodes[first] = (b"first-%d" % cycle, 0)

        delay = rng.uniform(0.02, 0.3) if rng.random() < 0.2 else rng.uniform(0.5, 3.0)
        killed = threading.Event()
        pid = s.pid

        def kill_now(pid=pid):
            os.kill(pid, 9)
            killed.set()
        timer = threading.Timer(delay, kill_now)
        acked_before = sum(model.acked.values())
        timer.start()
        outstanding = []
        cycle_end = time.monotonic() + CYCLE_MAX_S
        last_dir_check = 0.0
        try:
            while not killed.is_set() and ops < CRASH_MAX_OPS and time.monotonic() < cycle_end:
                batch = _issue_batch(client, model, rng)
                ops += len(batch)
                for kind, path, data, res in batch:
                    result = _resolve(res, killed, time.monotonic() + WAIT_S)
                    if result is None:
                        outstanding.append((kind, path, data, res))
                    else:
                        model.record(kind, path, data, result)
                if time.monotonic() - last_dir_check > 0.05:
                    _check_snapshot_dir(s, seen_snapshots, dir_stats)
                    last_dir_check = time.monotonic()
        finally:
            timer.cancel()
            timer.join()
        if not killed.is_set():  # op or time bound reached first: kill now
            kill_now()
        s.proc.wait(WAIT_S)
        _check_snapshot_dir(s, seen_snapshots, dir_stats)
        recovery_s = s.start(START_S)
        # Requests kazoo queued while disconnected go out on the new
        # connection; settle every one before looking.
        assert wait_connected(client), "kazoo did not reconnect; log:\n%s" % s.run_log()[-3000:]
        for kind, path, data, res in outstanding:
            try:
                model.record(kind, path, data, ("ok", res.get(timeout=WAIT_S)))
            except DOUBT_ERRORS as e:
                model.record(kind, path, data, ("err", e))
        extra = _verify_after_recovery(client, model)
        print("cycle %d: kill after %.3f s, %d acknowledged this cycle, %d unacknowledged present "
              "after restart, up again in %.2f s; %s" % (
                  cycle, delay, sum(model.acked.values()) - acked_before, extra, recovery_s,
                  recovered_line(s).split(" info ", 1)[-1]))
    # Quiet end: enough writes for a snapshot in this process, then the purge
    # leaves at most snapRetainCount.
    for i in range(60):
        for _ in range(20):
            t = model.tag()
            path = "%s/n%06d" % (CrashModel.PLAIN, t)
            client.create(path, b"tail-%d" % t)
            model.nodes[path] = (b"tail-%d" % t, 0)
        if int(s.mntr()["zk_snapshots_taken"]) >= 1:
            break
    assert harness.wait_until(lambda: int(s.mntr()["zk_snapshots_taken"]) >= 1
                              and len(list_snapshots(s.snapshot_dir)[0]) <= RETAIN, WAIT_S)
    _check_snapshot_dir(s, seen_snapshots, dir_stats)
    _verify_after_recovery(client, model)
    # Idle now: one more SIGKILL must bring back the whole tree, every Stat
    # field included (snapshots were taken while writes went on).
    before = dump_tree(s.hosts)
    s.kill()
    s.start(START_S)
    after = dump_tree(s.hosts)
    assert before == after, diff_dumps(before, after)
    print("crash test: %d ops sent, acknowledged %r, %d unacknowledged, %d snapshot names seen, "
          "%d of %d directory samples held %d finished snapshots for a moment" % (
              ops, model.acked, model.doubts, len(seen_snapshots), dir_stats["over_retain"],
              dir_stats["samples"], RETAIN + 1))
    assert sum(model.acked.values()) >= 1000, model.acked
    assert len(seen_snapshots) > RETAIN, "no snapshot was purged: %s" % sorted(seen_snapshots)


# ---------------------------------------------------------------------------
# 2. Recovery of a million znodes

BIG_PARENTS = 1000
BIG_CHILDREN = 1000
POPULATE_DEADLINE_S = 150.0  # keeps the file inside ctest's 300 s on a slow machine


def _get_all(hosts, paths):
    """{path: (data, Stat)} by plain getData calls on one raw session."""
    c = zkwire.session(hosts)
    try:
        out = {}
        for p in paths:
            r = c.get_data(p)
            assert r.err == 0, (p, r)
            out[p] = zkwire.decode_get_data(r.body)
        return out
    finally:
        c.close()


def test_restart_with_a_million_znodes(servers):
    s = servers()  # default snapCount: snapshots and log purges happen while loading
    s.start(START_S)
    bulk = BulkCreator(s.hosts)
    t0 = time.monotonic()
    deadline = t0 + POPULATE_DEADLINE_S
    wanted = BIG_PARENTS * BIG_CHILDREN

    def on_track(answered):
        # give up early once the rate so far cannot finish before the deadline
        elapsed = time.monotonic() - t0
        return answered < wanted // 10 or elapsed * wanted / answered <= POPULATE_DEADLINE_S
    try:
        assert bulk.create_all([("/big", b"")])
        assert bulk.create_all(("/big/p%03d" % p, b"parent-%d" % p) for p in range(BIG_PARENTS))
        done = bulk.create_all((("/big/p%03d/c%03d" % (p, c), b"%d.%d" % (p, c))
                                for p in range(BIG_PARENTS) for c in range(BIG_CHILDREN)),
                               deadline=deadline, progress=on_track)
    finally:
        bulk.close()
    populate_s = time.monotonic() - t0
    if not done:
        pytest.skip("populating %d znodes would not finish within %.0f s (%d answered in %.0f s): "
                    "machine too slow" % (wanted, POPULATE_DEADLINE_S, bulk.answered, populate_s))
    total = 1 + BIG_PARENTS + BIG_PARENTS * BIG_CHILDREN
    print("\npopulate of %d znodes took %.1f s" % (total, populate_s))
    before = idle_mntr(s)
    # ZooKeeper's count: 5 for a fresh tree (the root keyed twice).
    assert int(before["zk_znode_count"]) == total + 5
    rng = random.Random(1)
    samples = [(rng.randrange(BIG_PARENTS), rng.randrange(BIG_CHILDREN)) for _ in range(300)]
    samples += [(0, 0), (BIG_PARENTS - 1, BIG_CHILDREN - 1)]
    sample_paths = ["/big", "/big/p000", "/big/p%03d" % (BIG_PARENTS - 1)] + [
        "/big/p%03d/c%03d" % pc for pc in samples]
    stats_before = _get_all(s.hosts, sample_paths)
    s.kill()
    s.launch()
    probe = "/big/p%03d/c%03d" % (BIG_PARENTS - 1, BIG_CHILDREN - 1)  # the last create

    def first_read():
        if s.proc.poll() is not None:
            raise StartupFailed(s.proc.returncode, s.run_log())
        try:
            with zkwire.Connection(s.hosts, timeout=2.0) as c:
                c.connect(timeout_ms=30000)
                r = c.get_data(probe)
                return r.err == 0 and zkwire.decode_get_data(r.body)[0] == b"%d.%d" % (
                    BIG_PARENTS - 1, BIG_CHILDREN - 1)
        except (OSError, zkwire.Closed, zkwire.Timeout, zkwire.DecodeError):
            return False
    assert harness.wait_until(first_read, 180.0, 0.05), s.run_log()[-3000:]
    recovery_s = time.monotonic() - s.started_at
    print("recovery of %d znodes took %.2f s (%s)" % (total, recovery_s,
                                                       recovered_line(s).split(" info ", 1)[-1]))
    after = s.mntr()
    assert int(after["zk_znode_count"]) == total + 5
    # (the probes' sessions are txns too)
    assert hex_int(after["zk_last_zxid"]) >= hex_int(before["zk_last_zxid"])
    stats_after = _get_all(s.hosts, sample_paths)
    changed = [p for p in sample_paths if stats_before[p] != stats_after[p]]
    assert not changed, [(p, stats_before[p], stats_after[p]) for p in changed[:5]]
    c = zkwire.session(s.hosts)
    try:
        r = c.get_children("/big")
        assert r.err == 0 and len(zkwire.decode_children(r.body)) == BIG_PARENTS
        for p in rng.sample(range(BIG_PARENTS), 25) + [0, BIG_PARENTS - 1]:
            r = c.get_children("/big/p%03d" % p)
            assert r.err == 0
            kids = zkwire.decode_children(r.body)
            assert len(kids) == BIG_CHILDREN and kids[0] == "c000", (p, len(kids))
        for p, ch in samples:
            r = c.get_data("/big/p%03d/c%03d" % (p, ch))
            assert r.err == 0, (p, ch, r)
            assert zkwire.decode_get_data(r.body)[0] == b"%d.%d" % (p, ch)
        r = c.get_data("/big/p%03d" % 7)
        assert r.err == 0 and zkwire.decode_get_data(r.body)[0] == b"parent-7"
    finally:
        c.close()


# ---------------------------------------------------------------------------
# 3. The data-directory lock

def test_second_server_on_the_same_data_dir_refuses_to_start(servers, clients):
    first = servers()
    first.start(START_S)
    zk = clients(first.hosts)
    zk.create("/owned", b"by-first")
    second = servers(datadir=first.datadir)
    second.launch()
    rc = second.wait_exit(WAIT_S)
    log = second.run_log()
    assert rc == 2, "second server on %s: exit %r\n%s" % (first.datadir, rc, log)
    assert "data directory" in log and "lock" in log and first.datadir in log, log
    # the first keeps serving, reads and writes
    assert zk.get("/owned")[0] == b"by-first"
    zk.set("/owned", b"still-first")
    assert zkwire.four_letter(first.hosts, "ruok") == b"imok"
    # A SIGKILLed owner leaves cairn.lock behind; the lock (not the file) is
    # what counts, so a new server starts on the directory and has the data.
    first.kill()
    second.start(START_S)
    c = zkwire.session(second.hosts)
    try:
        r = c.get_data("/owned")
        assert r.err == 0 and zkwire.decode_get_data(r.body)[0] == b"still-first"
    finally:
        c.close()


# ---------------------------------------------------------------------------
# 4. Corrupted snapshots

def _populate_with_purges(server, count=2400):
    """`count` creates with snapCount small: more than RETAIN snapshots are
    taken, so the log before the oldest kept one has been purged."""
    bulk = BulkCreator(server.hosts, window=50)
    try:
        assert bulk.create_all([("/c", b"")])
        for start in range(0, count, 100):  # small windows: snapshots of many sizes
            assert bulk.create_all(("/c/n%05d" % i, b"v%d" % i) for i in range(start, min(count, start + 100)))
    finally:
        bulk.close()
    assert harness.wait_until(lambda: int(server.mntr()["zk_snapshots_taken"]) > RETAIN + 1,
                              WAIT_S), server.mntr()
    idle_mntr(server)
    return {"/c/n%05d" % i: b"v%d" % i for i in range(count)}


def _assert_serves(server, expected):
    c = zkwire.session(server.hosts)
    try:
        r = c.get_children("/c")
        assert r.err == 0 and len(zkwire.decode_children(r.body)) == len(expected)
        for path, data in expected.items():
            r = c.get_data(path)
            assert r.err == 0 and zkwire.decode_get_data(r.body)[0] == data, (path, r)
    finally:
        c.close()


def _stop_between_snapshots(server):
    """SIGTERM when no snapshot is being written (the snapshot files are settled)."""
    finished, temp = [], []

    def settled():
        nonlocal finished, temp
        if int(server.mntr()["zk_snapshot_in_progress"]) != 0:
            return False
        finished, temp = list_snapshots(server.snapshot_dir)
        return not temp and len(finished) <= RETAIN
    assert harness.wait_until(settled, WAIT_S), (finished, temp)
    assert server.terminate() == 0
    finished, temp = list_snapshots(server.snapshot_dir)
    assert len(finished) == RETAIN and not temp, (finished, temp)
    return finished


def test_every_snapshot_corrupt_and_log_purged_refuses_to_start(servers):
    s = servers({"snapCount": 200, "autopurge.snapRetainCount": RETAIN})
    s.start(START_S)
    _populate_with_purges(s)
    snaps = _stop_between_snapshots(s)
    for p in snaps:
        flip_middle_bytes(p)
    s.launch()
    rc = s.wait_exit(START_S)
    log = s.run_log()
    assert rc is not None, "server started on corrupt snapshots with a purged log:\n" + log[-3000:]
    assert rc == 2, log
    assert "refusing to start" in log and "snapshot" in log, log
    # the message names the damage: one of the snapshot files and what is wrong with it
    assert any(os.path.basename(p) in log for p in snaps), log
    assert not harness.ruok(s.hosts)
    print("\nrefused as expected:", log.strip().splitlines()[-1])


def test_corrupt_newest_snapshot_falls_back_to_an_older_one(servers):
    s = servers({"snapCount": 200, "autopurge.snapRetainCount": RETAIN})
    s.start(START_S)
    expected = _populate_with_purges(s)
    tree = dump_tree(s.hosts)
    before = idle_mntr(s)  # (after the dump: its session is a txn)
    snaps = _stop_between_snapshots(s)
    flip_middle_bytes(snaps[0])
    s.start(START_S)
    log = s.run_log()
    rejected = [ln for ln in log.splitlines() if "snapshot does not verify" in ln]
    assert rejected and os.path.basename(snaps[0]) in rejected[0], log
    line = recovered_line(s)
    assert os.path.basename(snaps[1]) in line, line  # the next older one, plus the log after it
    assert int(re.search(r"replayed_txns=(\d+)", line).group(1)) > 0, line
    assert "last_zxid=%s " % before["zk_last_zxid"] in line, (line, before)
    after = s.mntr()
    assert after["zk_last_zxid"] == before["zk_last_zxid"]
    assert after["zk_znode_count"] == before["zk_znode_count"]
    _assert_serves(s, expected)
    again = dump_tree(s.hosts)
    assert tree == again, diff_dumps(tree, again)


# ---------------------------------------------------------------------------
# 5. Clean and crash restarts, forceSync, the storage keys of mntr and srvr

def _write_and_record(zk, prefix, n):
    zk.ensure_path(prefix)
    out = {}
    for i in range(n):
        path = "%s/k%04d" % (prefix, i)
        zk.create(path, b"%s-%d" % (prefix.encode(), i))
        out[path] = (b"%s-%d" % (prefix.encode(), i), 0)
    for i in range(0, n, 3):
        path = "%s/k%04d" % (prefix, i)
        st = zk.set(path, b"updated-%d" % i)
        out[path] = (b"updated-%d" % i, st.version)
    return out


def _assert_kazoo_sees(zk, expected):
    got = read_all(zk, sorted(expected))
    for path, (data, version) in expected.items():
        assert got[path] is not None, "lost " + path
        assert (got[path][0], got[path][1].version) == (data, version), (path, got[path])


def test_acknowledged_data_survives_sigterm_and_sigkill_with_force_sync(servers, clients):
    s = servers({"forceSync": "yes", "snapCount": 300})
    s.start(START_S)
    assert "forceSync" not in s.run_log()
    zk = clients(s.hosts)
    expected = _write_and_record(zk, "/clean", 400)
    tree = dump_tree(s.hosts)
    assert s.terminate() == 0
    s.start(START_S)
    assert wait_connected(zk)
    _assert_kazoo_sees(zk, expected)
    again = dump_tree(s.hosts)
    assert tree == again, diff_dumps(tree, again)
    expected.update(_write_and_record(zk, "/crash", 400))
    tree = dump_tree(s.hosts)
    s.kill()
    s.start(START_S)
    assert wait_connected(zk)
    _assert_kazoo_sees(zk, expected)
    again = dump_tree(s.hosts)
    assert tree == again, diff_dumps(tree, again)
    fresh = clients(s.hosts)
    _assert_kazoo_sees(fresh, expected)


def test_force_sync_no_warns_and_still_survives_a_process_crash(servers, clients):
    s = servers({"forceSync": "no"})
    s.start(START_S)
    warnings = [ln for ln in s.run_log().splitlines() if " warn" in ln and "forceSync" in ln]
    assert warnings, s.run_log()
    zk = clients(s.hosts)
    expected = _write_and_record(zk, "/nosync", 200)
    # Unsynced writes are in the kernel's page cache: a process crash (not a
    # machine crash) keeps them.
    s.kill()
    s.start(START_S)
    assert wait_connected(zk)
    _assert_kazoo_sees(zk, expected)


def _file_size_limit(limit):
    """A preexec_fn: the child may not grow any file past `limit` bytes; a
    write beyond it fails with EFBIG (SIGXFSZ ignored), as a full disk would."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_failed_log_write_stops_the_server_and_loses_nothing_acknowledged(servers, clients):
    s = servers({"snapCount": 1000000})
    s.start(START_S, preexec_fn=_file_size_limit(1 << 20))
    zk = clients(s.hosts)
    zk.ensure_path("/full")
    zk.stop()
    # ~4 MB of creates: the txn log's file reaches the 1 MiB limit on the way.
    items = [("/full/n%05d" % i, b"%05d" % i + b"x" * 995) for i in range(4000)]
    bulk = BulkCreator(s.hosts, window=64, timeout_s=WAIT_S)
    with pytest.raises((zkwire.Closed, ConnectionError, OSError)):
        bulk.create_all(items, deadline=time.monotonic() + 120)
    acknowledged = bulk.answered  # replies come in request order
    assert 0 < acknowledged < len(items)
    assert s.wait_exit(WAIT_S) == 3, s.run_log()[-3000:]
    log = s.run_log()
    assert "storage failed" in log and "acknowledging" in log, log[-3000:]

    s.start(START_S)  # no limit now
    fresh = clients(s.hosts)
    got = read_all(fresh, [p for p, _ in items])
    for path, data in items[:acknowledged]:
        assert got[path] is not None, "acknowledged %s lost" % path
        assert got[path][0] == data
    # What was logged but never acknowledged may be there or not, but only
    # as a prefix: the log has no holes.
    present = [got[p] is not None for p, _ in items]
    first_missing = present.index(False) if False in present else len(items)
    assert not any(present[first_missing:])


def _srvr_fields(text):
    fields = dict(ln.split(": ", 1) for ln in text.splitlines() if ": " in ln)
    snaps = re.fullmatch(r"(\d+) \(last zxid (0x[0-9a-f]+), took (\d+) ms\)", fields["Snapshots"])
    assert snaps, fields["Snapshots"]
    return fields, snaps


def _dir_bytes(path):
    """Bytes in the files under path (the txn log has a directory per segment)."""
    return sum(os.path.getsize(os.path.join(root, n))
               for root, _dirs, files in os.walk(path) for n in files)


def test_mntr_and_srvr_report_the_storage_state(servers):
    s = servers({"snapCount": 100, "autopurge.snapRetainCount": RETAIN})
    s.start(START_S)
    m0 = idle_mntr(s)
    for key in STORAGE_KEYS:
        assert key in m0, (key, m0)
    assert int(m0["zk_snapshot_count"]) == 0 and int(m0["zk_snapshots_taken"]) == 0
    assert int(m0["zk_snapshot_in_progress"]) == 0, m0
    assert m0["zk_last_logged_zxid"] == m0["zk_last_zxid"]
    c = zkwire.session(s.hosts)
    try:
        assert c.create("/m").err == 0
        for i in range(120):
            assert c.create("/m/a%d" % i, b"x" * 100).err == 0
        m1 = idle_mntr(s)
        assert int(m1["zk_txn_log_size_bytes"]) > int(m0["zk_txn_log_size_bytes"])
        assert harness.wait_until(lambda: int(s.mntr()["zk_snapshots_taken"]) >= 1, WAIT_S)
        for i in range(600):
            assert c.create("/m/b%d" % i, b"y" * 100).err == 0
        assert c.close_session().err == 0
    finally:
        c.close()
    assert harness.wait_until(lambda: int(s.mntr()["zk_snapshots_taken"]) >= 4
                              and int(s.mntr()["zk_snapshot_count"]) <= RETAIN, WAIT_S), s.mntr()
    # A snapshot still being written (they are paced) is renamed into place
    # before the purge that follows it: wait until none is in progress, so
    # that the files, mntr and srvr below all see the same count.
    def settled():
        m = s.mntr()
        return (int(m["zk_snapshot_in_progress"]) == 0
                and int(m["zk_snapshot_count"]) == len(list_snapshots(s.snapshot_dir)[0]) == RETAIN)
    assert harness.wait_until(settled, WAIT_S), (s.mntr(), list_snapshots(s.snapshot_dir))
    m = idle_mntr(s)
    assert m["zk_last_logged_zxid"] == m["zk_last_zxid"], m
    last_zxid = hex_int(m["zk_last_zxid"])
    assert last_zxid >= 721
    finished, _ = list_snapshots(s.snapshot_dir)
    assert int(m["zk_snapshot_count"]) == len(finished) == RETAIN, (m, finished)
    snap_zxid = hex_int(m["zk_last_snapshot_zxid"])
    assert 0 < snap_zxid <= last_zxid and snap_zxid == snapshot_zxid(finished[0]), (m, finished)
    assert 0 <= int(m["zk_last_snapshot_duration_ms"]) < 60000
    log_bytes = int(m["zk_txn_log_size_bytes"])
    on_disk = _dir_bytes(s.txnlog_dir)
    assert log_bytes > 0 and abs(log_bytes - on_disk) <= max(65536, on_disk // 10), (log_bytes, on_disk)
    fields, snaps = _srvr_fields(s.srvr())
    assert fields["Last logged zxid"] == m["zk_last_logged_zxid"] == fields["Zxid"]
    assert abs(int(fields["Txn log size"]) - log_bytes) <= max(65536, log_bytes // 10)
    assert int(snaps.group(1)) == RETAIN
    assert snaps.group(2) == m["zk_last_snapshot_zxid"]
    # after a restart: snapshots on disk are counted, none taken by this process yet
    assert s.terminate() == 0
    s.start(START_S)
    m2 = idle_mntr(s)
    assert int(m2["zk_snapshot_count"]) == RETAIN and int(m2["zk_snapshots_taken"]) == 0, m2
    assert m2["zk_last_logged_zxid"] == m2["zk_last_zxid"] == m["zk_last_zxid"], (m2, m)


# ---------------------------------------------------------------------------
# 6. Sessions across a restart

SESSION_MS = 4000


def test_sessions_and_ephemerals_across_a_restart(servers, clients):
    s = servers({"tickTime": 2000, "minSessionTimeout": SESSION_MS, "maxSessionTimeout": 20000})
    s.start(START_S)
    keeper = clients(s.hosts, timeout=SESSION_MS / 1000.0)
    keeper.create("/eph-keeper", b"k", ephemeral=True)
    keeper_id = keeper.client_id
    # a raw session that never comes back after the restart
    gone = zkwire.session(s.hosts, timeout_ms=SESSION_MS)
    assert gone.create("/eph-gone", b"g", flags=zkwire.Flags.EPHEMERAL).err == 0
    gone_sid = gone.session.session_id
    # a session closed before the crash: its ephemeral is gone for good
    closer = clients(s.hosts, timeout=SESSION_MS / 1000.0)
    closer.create("/eph-closed", b"c", ephemeral=True)
    closer.stop()
    s.kill()
    gone.close()
    s.start(START_S)
    restarted = s.started_at
    probe = zkwire.session(s.hosts, timeout_ms=20000)
    try:
        r = probe.exists("/eph-gone")
        if time.monotonic() - restarted < SESSION_MS / 1000.0:
            assert r.err == 0, "an ephemeral vanished at restart, before its session timed out"
            assert zkwire.decode_stat(r.body).ephemeralOwner == gone_sid
        assert probe.exists("/eph-closed").err == zkwire.Err.NONODE
        # kazoo reconnects with its session id and password and keeps its node
        assert wait_connected(keeper), s.run_log()[-3000:]
        assert keeper.client_id == keeper_id
        data, stat = keeper.get("/eph-keeper")
        assert data == b"k" and stat.ephemeralOwner == keeper_id[0]
        # the abandoned session expires and takes its ephemeral along
        assert harness.wait_until(lambda: probe.exists("/eph-gone").err == zkwire.Err.NONODE,
                                  SESSION_MS / 1000.0 * 3 + 10.0, 0.1), s.run_log()[-3000:]
        assert time.monotonic() - restarted >= SESSION_MS / 1000.0 * 0.9
        assert "expiring session" in s.run_log()
        assert keeper.state == KazooState.CONNECTED and keeper.client_id == keeper_id
        assert keeper.exists("/eph-keeper").ephemeralOwner == keeper_id[0]
        assert probe.ping().err == 0
    finally:
        probe.close()


@pytest.fixture
def scratch_dir():
    d = tempfile.mkdtemp(prefix="cairn-durability-log-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_separate_data_log_dir_holds_the_log_and_is_locked_too(servers, clients, scratch_dir):
    logdir = os.path.join(scratch_dir, "datalog")
    first = servers({"snapCount": 100, "dataLogDir": logdir})
    first.start(START_S)
    zk = clients(first.hosts)
    expected = _write_and_record(zk, "/split", 150)
    assert os.path.isdir(os.path.join(logdir, "txnlog"))
    assert not os.path.exists(os.path.join(first.datadir, "txnlog"))
    assert list_snapshots(first.snapshot_dir)[0], "snapshots belong in dataDir"
    # another server with its own dataDir but this dataLogDir must not start
    other = servers({"dataLogDir": logdir})
    other.launch()
    rc = other.wait_exit(WAIT_S)
    assert rc == 2, (rc, other.run_log())
    assert "dataLogDir" in other.run_log() and logdir in other.run_log(), other.run_log()
    print("\nrefused as expected:", other.run_log().strip().splitlines()[-1])
    first.kill()
    first.start(START_S)
    assert wait_connected(zk)
    _assert_kazoo_sees(zk, expected)
