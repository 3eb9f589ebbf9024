#!/usr/bin/env bash
# Client CPU per request, side by side in one run: the official C client
# (zkbench --engine c) and client-lib (cairn-bench), the same workloads
# against the same server, alternating, ROUNDS times.
#
#   tools/cairn-bench/compare-clients.sh            # against Cairn (build/)
#   SERVER=zookeeper tools/cairn-bench/compare-clients.sh
#   SHAPE=4x64 SECS=8 WARMUP=2 ROUNDS=2 WORKLOADS=create,set,get ...
#
# Prints every ZKBENCH line and a table of client CPU us/op and the ratio.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${BUILD:-$ROOT/build}
ZKBENCH=${ZKBENCH:-$ROOT/../shared/tools/zkbench/zkbench}
SERVER=${SERVER:-cairn}
SHAPE=${SHAPE:-4x64}
SECS=${SECS:-8}
WARMUP=${WARMUP:-2}
ROUNDS=${ROUNDS:-2}
WORKLOADS=${WORKLOADS:-create,set,get}
clients=${SHAPE%x*}
inflight=${SHAPE#*x}

[[ -x $ZKBENCH ]] || bash "$(dirname "$ZKBENCH")/build.sh"
[[ -x $BUILD/tools/cairn-bench/cairn-bench ]] || { echo "build cairn-bench first" >&2; exit 2; }

dir=$(mktemp -d /tmp/cairn-bench-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$dir/zoo.cfg" <<CFG
tickTime=2000
dataDir=$dir/data
clientPort=$port
clientPortAddress=127.0.0.1
4lw.commands.whitelist=*
admin.enableServer=false
maxClientCnxns=0
CFG
mkdir -p "$dir/data"
if [[ $SERVER == zookeeper ]]; then
  java -cp /usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar -Xmx1g \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zoo.cfg" > "$dir/server.log" 2>&1 &
else
  sed -i '/admin.enableServer/d' "$dir/zoo.cfg"
  "$BUILD/server/cairn-server" "$dir/zoo.cfg" > "$dir/server.log" 2>&1 &
fi
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
ruok() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && echo ruok >&3 && cat <&3" 2>/dev/null; }
for _ in $(seq 300); do
  [[ $(ruok || true) == imok ]] && break
  sleep 0.1
done
hosts=127.0.0.1:$port
common=(--hosts "$hosts" --clients "$clients" --inflight "$inflight" --seconds "$SECS"
        --warmup "$WARMUP" --pids "$pid" --root /cmp)
results=$dir/results.txt
for round in $(seq "$ROUNDS"); do
  for w in ${WORKLOADS//,/ }; do
    "$ZKBENCH" "${common[@]}" --workload "$w" --label "c/rep$round" | tee -a "$results"
    "$BUILD/tools/cairn-bench/cairn-bench" "${common[@]}" --workload "$w" \
      --label "cairn-client/rep$round" | tee -a "$results"
  done
done
python3 - "$results" <<'PY'
import collections, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    if not line.startswith("ZKBENCH"):
        continue
    kv = dict(f.split("=", 1) for f in line.split()[1:] if "=" in f)
    engine = kv["label"].split("/")[0]
    ops = float(kv["ops_s"]) or 1e-9
    rows[(kv["workload"], engine)].append(
        (ops, 1e4 * float(kv["client_cpu_pct"]) / ops, 1e4 * float(kv.get("server_cpu_pct", 0)) / ops))
print("\n| workload | client | ops/s | client CPU us/op | server CPU us/op |")
print("|---|---|---:|---:|---:|")
for (w, e), v in sorted(rows.items()):
    print("| %s | %s | %s | %s | %s |" % (w, e, " / ".join("%.0f" % x[0] for x in v),
          " / ".join("%.1f" % x[1] for x in v), " / ".join("%.1f" % x[2] for x in v)))
print("\n| workload | client-lib / C client, client CPU per request |")
print("|---|---:|")
for w in sorted({w for w, _ in rows}):
    c = [x[1] for x in rows[(w, "c")]]
    k = [x[1] for x in rows[(w, "cairn-client")]]
    if c and k:
        print("| %s | %s |" % (w, " / ".join("%.2f" % (b / a) for a, b in zip(c, k))))
PY
