"""cairn-bench runs zkbench's workloads through client-lib and prints
zkbench's ZKBENCH line: a bounded run against Cairn and against ZooKeeper
completes every request without errors (no timing is asserted)."""

import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "interop"))

import harness  # noqa: E402

BENCH = os.environ.get("CAIRN_BENCH_BIN", "")
CLI = os.environ.get("CAIRN_CLI_BIN", "")

pytestmark = pytest.mark.skipif(not BENCH or not CLI or not harness.server_bin(),
                                reason="needs CAIRN_BENCH_BIN, CAIRN_CLI_BIN and CAIRN_SERVER_BIN "
                                       "(run via ctest)")


def test_bounded_run_prints_one_zkbench_line_per_workload(server):
    workloads = ["create", "set", "get", "mixed", "create-ephemeral-seq"]
    p = subprocess.run([BENCH, "--hosts", server.hosts, "--workload", ",".join(workloads),
                        "--clients", "3", "--inflight", "8", "--count", "600", "--seconds", "20",
                        "--nodes", "50", "--pids", str(server.pid), "--label", "test"],
                       capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stderr
    lines = [l for l in p.stdout.splitlines() if l.startswith("ZKBENCH ")]
    assert len(lines) == len(workloads), p.stdout
    for workload, line in zip(workloads, lines):
        kv = dict(f.split("=", 1) for f in line.split()[1:])
        assert kv["workload"] == workload
        assert kv["label"] == "test"
        assert kv["clients"] == "3" and kv["inflight"] == "8"
        assert int(kv["ops"]) == 600, line  # the count caps the run; all inside the window
        assert kv["errors"] == "0" and kv["errors_total"] == "0", line
        assert int(kv["p50_us"]) <= int(kv["p99_us"]) <= int(kv["max_us"])
        assert "server_cpu_pct" in kv and kv["engine"] == "cairn-client"
    # The creates are really there.
    path = dict(f.split("=", 1) for f in lines[0].split()[1:])["path"]
    count = subprocess.run([CLI, "-server", server.hosts, "getAllChildrenNumber", path],
                           capture_output=True, text=True, timeout=60)
    assert count.stdout.strip() == "600", count
