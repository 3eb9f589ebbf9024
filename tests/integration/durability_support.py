"""Helpers for test_durability.py: a cairn-server process that keeps its data
directory and port across kills and restarts, 4lw parsing, snapshot-directory
listing, byte flipping, and a fast pipelined bulk creator on the raw protocol.

Every wait is bounded by a deadline; processes are stopped by PID only.
"""

import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
for _d in (os.path.join(HERE, "..", "interop"), os.path.join(HERE, "..", "interop", "wire")):
    if _d not in sys.path:
        sys.path.insert(0, _d)

import harness  # noqa: E402
import zkwire  # noqa: E402

LOOPBACK = harness.LOOPBACK
SNAPSHOT_PREFIX = "snapshot."
SNAPSHOT_NAME_LEN = len(SNAPSHOT_PREFIX) + 16


class StartupFailed(RuntimeError):
    """The server exited during startup (exit code and log in the message)."""

    def __init__(self, rc, log):
        super().__init__("server exited with status %s during startup; log tail:\n%s" % (rc, log[-4000:]))
        self.rc = rc
        self.log = log


class ServerProc:
    """One cairn-server whose directory, data dir and port survive restarts.

    `basedir` holds zoo.cfg, server.log (appended to across restarts) and
    data/ (the dataDir).  cleanup() kills the process (by PID) and removes
    basedir.
    """

    def __init__(self, cfg=None, datadir=None, basedir=None):
        self.cmd = harness.server_bin()
        if not self.cmd:
            raise RuntimeError("CAIRN_SERVER_BIN is not set")
        self.basedir = basedir or tempfile.mkdtemp(prefix="cairn-durability-")
        self.own_basedir = basedir is None
        self.datadir = datadir or os.path.join(self.basedir, "data")
        os.makedirs(self.datadir, exist_ok=True)
        self.port = harness.free_port()
        self.hosts = "%s:%d" % (LOOPBACK, self.port)
        self.cfg_path = os.path.join(self.basedir, "zoo-%d.cfg" % self.port)
        self.log_path = os.path.join(self.basedir, "server-%d.log" % self.port)
        merged = dict(harness.DEFAULT_CFG)
        merged.update(cfg or {})
        merged["dataDir"] = self.datadir
        merged["clientPort"] = self.port
        merged["clientPortAddress"] = LOOPBACK
        self.cfg = merged
        with open(self.cfg_path, "w") as f:
            for key, value in merged.items():
                f.write("%s=%s\n" % (key, value))
        self.proc = None
        self.started_at = None  # time.monotonic() just before the last Popen
        self._log_offset = 0    # where the current run's output starts in the log

    # ---- process control ---------------------------------------------
    @property
    def pid(self):
        return self.proc.pid if self.proc is not None else None

    def launch(self, preexec_fn=None):
        """Start the process without waiting for it to serve; `preexec_fn`
        runs in the child before exec (resource limits, signal dispositions)."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        try:
            self._log_offset = os.path.getsize(self.log_path)
        except OSError:
            self._log_offset = 0
        log = open(self.log_path, "ab")
        try:
            self.started_at = time.monotonic()
            self.proc = subprocess.Popen(self.cmd + [self.cfg_path], stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT, cwd=self.basedir,
                                         preexec_fn=preexec_fn)
        finally:
            log.close()  # the child has its own descriptor
        return self.proc

    def wait_ready(self, timeout=60.0):
        """Wait until `ruok` answers; raises StartupFailed if the process exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                raise StartupFailed(rc, self.run_log())
            if harness.ruok(self.hosts, timeout=1.0):
                return time.monotonic() - self.started_at
            time.sleep(0.05)
        raise RuntimeError("server did not answer ruok within %.0f s; log tail:\n%s"
                           % (timeout, self.run_log()[-4000:]))

    def start(self, timeout=60.0, preexec_fn=None):
        self.launch(preexec_fn)
        return self.wait_ready(timeout)

    def wait_exit(self, timeout=30.0):
        """The exit code, waiting at most `timeout` s (None if still running)."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        """SIGKILL by PID and reap."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)

    def terminate(self, grace=30.0):
        """SIGTERM by PID; SIGKILL after `grace` s. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(30)
        return self.proc.returncode

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def cleanup(self):
        try:
            self.kill()
        finally:
            if self.own_basedir:
                shutil.rmtree(self.basedir, ignore_errors=True)

    # ---- logs and status -----------------------------------------------
    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def run_log(self):
        """The output of the current (or last) run only."""
        return self.log_text()[self._log_offset:]

    def mntr(self):
        return parse_mntr(zkwire.four_letter(self.hosts, "mntr", timeout=10.0))

    def srvr(self):
        return zkwire.four_letter(self.hosts, "srvr", timeout=10.0).decode()

    @property
    def snapshot_dir(self):
        return os.path.join(self.datadir, "snapshots")

    @property
    def txnlog_dir(self):
        return os.path.join(self.cfg.get("dataLogDir", self.datadir), "txnlog")

    def __repr__(self):
        return "<ServerProc %s pid=%s dir=%s>" % (self.hosts, self.pid, self.basedir)


def parse_mntr(raw):
    out = {}
    for line in raw.decode("utf-8", "replace").splitlines():
        key, sep, value = line.partition("\t")
        if sep:
            out[key] = value
    return out


def hex_int(value):
    return int(value, 16)


def list_snapshots(snapshot_dir):
    """(finished, temp): finished snapshot paths newest first, and temp files."""
    try:
        names = os.listdir(snapshot_dir)
    except FileNotFoundError:
        return [], []
    finished = sorted((n for n in names if n.startswith(SNAPSHOT_PREFIX) and len(n) == SNAPSHOT_NAME_LEN),
                      reverse=True)
    temp = [n for n in names if n.startswith(SNAPSHOT_PREFIX) and n.endswith(".tmp")]
    return [os.path.join(snapshot_dir, n) for n in finished], [os.path.join(snapshot_dir, n) for n in temp]


def snapshot_zxid(path):
    return int(os.path.basename(path)[len(SNAPSHOT_PREFIX):], 16)


def flip_middle_bytes(path, count=8):
    """XOR `count` bytes in the middle of a file with 0xff."""
    size = os.path.getsize(path)
    assert size > 2 * count, (path, size)
    at = size // 2
    with open(path, "r+b") as f:
        f.seek(at)
        old = f.read(count)
        f.seek(at)
        f.write(bytes(b ^ 0xFF for b in old))
        f.flush()
        os.fsync(f.fileno())


# ---- fast pipelined bulk creation ------------------------------------------

_ACL_FLAGS = zkwire.Writer().acls(zkwire.OPEN_ACL_UNSAFE).int(0).bytes()
_CREATE = zkwire.Op.CREATE


def create_frame(xid, path, data):
    p = path.encode()
    body = struct.pack(">iii", xid, _CREATE, len(p)) + p + struct.pack(">i", len(data)) + data + _ACL_FLAGS
    return struct.pack(">i", len(body)) + body


class BulkCreator:
    """Pipelines plain creates over one raw session, keeping at most `window`
    unanswered.  Every reply must be OK (or NODEEXISTS when `tolerate_exists`)."""

    def __init__(self, hosts, window=900, timeout_s=60.0, tolerate_exists=False):
        self.conn = zkwire.session(hosts, timeout_ms=30000)
        self.sock = self.conn.sock
        self.window = window
        self.timeout_s = timeout_s
        self.ok_errs = (0, zkwire.Err.NODEEXISTS) if tolerate_exists else (0,)
        self.buf = bytearray(self.conn._rbuf)
        self.next_xid = 1
        self.outstanding = 0
        self.answered = 0

    def _read_some(self):
        self.sock.settimeout(self.timeout_s)
        try:
            chunk = self.sock.recv(1 << 20)
        except socket.timeout:
            raise zkwire.Timeout("no reply for %.0f s with %d outstanding" % (self.timeout_s, self.outstanding))
        if not chunk:
            raise zkwire.Closed("server closed the bulk connection")
        self.buf += chunk
        pos, buf, n = 0, self.buf, len(self.buf)
        while n - pos >= 4:
            (flen,) = struct.unpack_from(">i", buf, pos)
            if n - pos - 4 < flen:
                break
            xid, _zxid, err = struct.unpack_from(">iqi", buf, pos + 4)
            pos += 4 + flen
            if xid == zkwire.Xid.NOTIFICATION or xid == zkwire.Xid.PING:
                continue
            if err not in self.ok_errs:
                raise AssertionError("create xid=%d failed with err=%d" % (xid, err))
            self.outstanding -= 1
            self.answered += 1
        del buf[:pos]

    def create_all(self, items, deadline=None, progress=None):
        """items: iterable of (path, data). Returns False if `deadline`
        (monotonic) passed, or `progress(answered)` returned False, before
        all were answered; True otherwise."""
        pending = bytearray()
        for path, data in items:
            pending += create_frame(self.next_xid, path, data)
            self.next_xid += 1
            self.outstanding += 1
            if self.outstanding >= self.window:
                self.sock.sendall(pending)
                pending.clear()
                while self.outstanding >= self.window // 2:
                    self._read_some()
                if deadline is not None and time.monotonic() > deadline:
                    return False
                if progress is not None and progress(self.answered) is False:
                    return False
        if pending:
            self.sock.sendall(pending)
        while self.outstanding > 0:
            self._read_some()
        return True

    def close(self):
        self.conn.close()


# ---- whole-tree dumps --------------------------------------------------------

def _frame(xid, op, body):
    rec = struct.pack(">ii", xid, op) + body
    return struct.pack(">i", len(rec)) + rec


def dump_tree(hosts, root="/", max_nodes=200000, timeout_s=120.0):
    """{path: (data, Stat)} for `root` and everything under it, read level by
    level with pipelined getData/getChildren on one raw session."""
    deadline = time.monotonic() + timeout_s
    c = zkwire.session(hosts)
    out = {}
    try:
        level = [root]
        while level:
            nxt = []
            for i in range(0, len(level), 400):
                chunk = level[i:i + 400]
                frames = bytearray()
                for p in chunk:
                    frames += _frame(c.alloc_xid(), zkwire.Op.GET_DATA, zkwire.path_watch_body(p))
                    frames += _frame(c.alloc_xid(), zkwire.Op.GET_CHILDREN, zkwire.path_watch_body(p))
                c.send_raw(frames)
                for p in chunk:
                    left = max(0.1, deadline - time.monotonic())
                    rd, rc = c.recv_reply(left), c.recv_reply(left)
                    assert rd.err == 0 and rc.err == 0, (p, rd, rc)
                    out[p] = zkwire.decode_get_data(rd.body)
                    base = "" if p == "/" else p
                    nxt.extend(base + "/" + k for k in zkwire.decode_children(rc.body))
                assert len(out) <= max_nodes and time.monotonic() < deadline, "tree too large to dump"
            level = nxt
    finally:
        c.close()
    return out


def diff_dumps(before, after, limit=10):
    """A short description of how two dumps differ ('' when equal)."""
    problems = []
    for p in sorted(set(before) | set(after)):
        if p not in after:
            problems.append("lost %s" % p)
        elif p not in before:
            problems.append("new %s" % p)
        elif before[p] != after[p]:
            problems.append("%s: %r -> %r" % (p, before[p], after[p]))
        if len(problems) >= limit:
            problems.append("...")
            break
    return "\n".join(problems)
