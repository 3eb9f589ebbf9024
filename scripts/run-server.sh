#!/usr/bin/env bash
# run-server.sh [CONFIG] -- install dependencies, build, and run a standalone
# Cairn server in the foreground (default config: conf/standalone.cfg, data
# under ./data/standalone). Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build
cfg=${1:-conf/standalone.cfg}
mkdir -p data
exec build/server/cairn-server "$cfg"
