"""Start and stop a Cairn server process for interop tests, on a free loopback port.

Pytest-independent: any Python test driver can `import harness` and call
`start_server()`.  The server binary comes from the environment variable
CAIRN_SERVER_BIN (it may carry extra arguments, split like a shell would); it
is started as `<bin> [args...] <tmp>/zoo.cfg` with stdout and stderr going to
`<tmp>/server.log`, and it is considered up once the four-letter word `ruok`
answers `imok` (and, for Apache ZooKeeper, once `srvr` shows it serving).

`target_hosts()` returns CAIRN_TEST_HOSTS when it is set, so that the same
tests can be pointed at an external server (for example the Apache ZooKeeper
reference) instead of a Cairn process started here.
"""

import os
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time

LOOPBACK = "127.0.0.1"
STARTUP_DEADLINE_S = 20.0
STOP_GRACE_S = 5.0
LOG_TAIL_BYTES = 4000

# Digest of "super:test" (base64(sha1("super:test"))), as ZooKeeper expects
# in superDigest.
SUPER_DIGEST = "super:D/InIHSb7yEEbrWz8b9l71RjZJU="

DEFAULT_CFG = {
    "tickTime": 2000,
    "4lw.commands.whitelist": "*",
    "extendedTypesEnabled": "true",
    "superDigest": SUPER_DIGEST,
}


class ServerError(RuntimeError):
    """The server could not be started or did not become ready."""


def target_hosts():
    """The external server tests should use, or None to start our own."""
    hosts = os.environ.get("CAIRN_TEST_HOSTS", "").strip()
    return hosts or None


def wait_until(predicate, timeout=10.0, interval=0.02):
    """Poll `predicate` until it returns a true value or `timeout` seconds pass.

    Returns the last value of `predicate()` (falsy on timeout).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def server_bin():
    """The Cairn server command line prefix from CAIRN_SERVER_BIN, or None."""
    value = os.environ.get("CAIRN_SERVER_BIN", "").strip()
    return shlex.split(value) if value else None


def free_port():
    """A loopback TCP port that was free a moment ago (bind port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def four_letter_word(host, port, word, timeout=2.0):
    """Send a four-letter word and return the whole reply as text.

    Raises OSError when nothing listens or the connection fails.
    """
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(word.encode("ascii"))
        # The server answers and then closes the connection.
        chunks = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode("utf-8", "replace")


def _split_hosts(hosts):
    first = hosts.split(",")[0].strip()
    host, _, port = first.rpartition(":")
    return host, int(port)


def ruok(hosts, timeout=2.0):
    """True when the first server in `hosts` answers `ruok` with `imok`."""
    host, port = _split_hosts(hosts)
    try:
        return four_letter_word(host, port, "ruok", timeout).strip() == "imok"
    except OSError:
        return False


class Server:
    """One Cairn server process with its own temporary directory.

    Attributes: hosts ("127.0.0.1:PORT"), port, pid, datadir, basedir,
    cfg_path, log_path.  The directory and port survive restart(); stop()
    removes the directory.
    """

    def __init__(self, cmd, cfg):
        self._cmd = list(cmd)
        self.basedir = tempfile.mkdtemp(prefix="cairn-interop-")
        self.datadir = os.path.join(self.basedir, "data")
        os.makedirs(self.datadir)
        self.port = free_port()
        self.hosts = "%s:%d" % (LOOPBACK, self.port)
        self.cfg_path = os.path.join(self.basedir, "zoo.cfg")
        self.log_path = os.path.join(self.basedir, "server.log")
        merged = dict(DEFAULT_CFG)
        merged.update(cfg or {})
        merged["dataDir"] = self.datadir
        merged["clientPort"] = self.port
        merged["clientPortAddress"] = LOOPBACK
        with open(self.cfg_path, "w") as f:
            for key, value in merged.items():
                f.write("%s=%s\n" % (key, value))
        self._proc = None
        self._log = None

    @property
    def pid(self):
        return self._proc.pid if self._proc is not None else None

    def log_tail(self, nbytes=LOG_TAIL_BYTES):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                f.seek(max(0, size - nbytes))
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def _launch(self):
        self._log = open(self.log_path, "ab")
        try:
            self._proc = subprocess.Popen(
                self._cmd + [self.cfg_path],
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                cwd=self.basedir,
            )
        except OSError as e:
            self._close_log()
            raise ServerError("cannot start %r: %s" % (self._cmd, e))
        deadline = time.monotonic() + STARTUP_DEADLINE_S
        while time.monotonic() < deadline:
            rc = self._proc.poll()
            if rc is not None:
                self._proc = None
                self._close_log()
                raise ServerError(
                    "server exited with status %s during startup; log tail:\n%s"
                    % (rc, self.log_tail()))
            if ruok(self.hosts, timeout=1.0) and self._serving():
                return
            time.sleep(0.05)
        self._terminate()
        raise ServerError(
            "server did not answer ruok within %.0f s; log tail:\n%s"
            % (STARTUP_DEADLINE_S, self.log_tail()))

    def _serving(self):
        """ZooKeeper answers ruok while it still loads its data and turns
        sessions away; srvr shows a Mode only once it serves. Cairn serves
        from the moment it answers at all."""
        if self._cmd != ZOOKEEPER_CMD:
            return True
        host, port = _split_hosts(self.hosts)
        try:
            return "Mode: " in four_letter_word(host, port, "srvr", 1.0)
        except OSError:
            return False

    def _close_log(self):
        if self._log is not None:
            self._log.close()
            self._log = None

    def _terminate(self):
        """SIGTERM, then SIGKILL after the grace period; always reaps."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(STOP_GRACE_S)
        elif proc is not None:
            proc.wait()
        self._close_log()

    def kill(self):
        """SIGKILL the process (no cleanup of the directory)."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.wait(STOP_GRACE_S)
        self._close_log()

    def restart(self):
        """Stop gracefully and start again with the same port and data dir."""
        self._terminate()
        self._launch()

    def restart_without_history(self):
        """Stop, delete the data directory (snapshots and txn log), start again."""
        self._terminate()
        shutil.rmtree(self.datadir, ignore_errors=True)
        os.makedirs(self.datadir, exist_ok=True)
        self._launch()

    def stop(self):
        """SIGTERM (SIGKILL after 5 s), wait, and remove the directory."""
        try:
            self._terminate()
        finally:
            shutil.rmtree(self.basedir, ignore_errors=True)

    def running(self):
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def __repr__(self):
        return "<cairn Server %s pid=%s dir=%s>" % (self.hosts, self.pid, self.basedir)


ZOOKEEPER_CMD = ["/usr/bin/java", "-cp",
                 "/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar",
                 "-Xmx256m", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                 "org.apache.zookeeper.server.quorum.QuorumPeerMain"]


def _launched(cmd, cfg):
    """A Server for `cmd` and `cfg`, started; its directory goes if it fails."""
    server = Server(cmd, cfg)
    try:
        server._launch()
    except BaseException:
        shutil.rmtree(server.basedir, ignore_errors=True)
        raise
    return server


def start_zookeeper(extra_cfg=None):
    """Start Apache ZooKeeper (Debian's package) as the reference, like start_server."""
    cfg = {"admin.enableServer": "false", "maxClientCnxns": 0}
    cfg.update(extra_cfg or {})
    return _launched(ZOOKEEPER_CMD, cfg)


def start_server(extra_cfg=None):
    """Start a Cairn server from CAIRN_SERVER_BIN and wait until it is up.

    `extra_cfg` adds or overrides zoo.cfg keys (e.g. {"tickTime": 500}).
    Returns a Server; raises ServerError on failure (with the log tail).
    """
    cmd = server_bin()
    if not cmd:
        raise ServerError("CAIRN_SERVER_BIN is not set")
    return _launched(cmd, extra_cfg)
