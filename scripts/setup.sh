#!/usr/bin/env bash
# setup.sh -- install every build and test dependency of Cairn on Debian 12.
#
#   scripts/setup.sh    build + test dependencies (the tests include real
#                       ZooKeeper clients and Apache ZooKeeper itself, the
#                       behaviour reference)
#
# Idempotent: packages already present are skipped by apt. Needs root (or sudo).
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build pkg-config git
  libboost-dev                 # Asio, Beast, Outcome (header-only in 1.74)
  nlohmann-json3-dev libleveldb-dev libsnappy-dev
  libspdlog-dev libfmt-dev libssl-dev libcli11-dev
  libjemalloc-dev              # the server's allocator (docs/benchmarks.md)
  libabsl-dev                  # absl::flat_hash_set, the znode index
  libxxhash-dev                # XXH3, the hash of paths in the in-memory indexes
  catch2                       # Catch2 v2
  libreadline-dev              # cairn-cli's shell
)
test_pkgs=(
  libzookeeper-mt-dev zookeeper-bin   # official C client and cli_mt
  python3 python3-kazoo python3-pytest python3-pexpect   # pexpect: cairn-cli's shell under a pty
  clang libclang-rt-14-dev            # libFuzzer + sanitizers runtime
  zookeeper default-jre-headless libslf4j-java   # Apache ZooKeeper's Java client, and the reference server
  default-jdk-headless libcurator-recipes-java   # javac and Curator 5.4, for the recipes' interop tests
  procps iproute2
)
pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "setup: all ${#pkgs[@]} packages present"
  exit 0
fi
SUDO=""
[[ $(id -u) == 0 ]] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup: installed ${#missing[@]} packages"
