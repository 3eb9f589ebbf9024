#!/usr/bin/env bash
# check_marks.sh CAIRN_SIM ROOT SEEDS LIES_SEEDS -- fails unless the
# simulator reaches every CAIRN_MARK("...") in zab/core over SEEDS, plus
# LIES_SEEDS with lying disks (the refusals that guard against lost data
# fire only there). A rare path no seed reaches is a path nothing tests.
set -euo pipefail
sim=$1 root=$2 seeds=$3 lies=$4
want=$(grep -rhoE 'CAIRN_MARK\("[^"]+"\)' "$root/zab/core" | sed -E 's/CAIRN_MARK\("([^"]+)"\)/\1/' | sort -u)
got=$({ "$sim" --seeds "$seeds" --marks || true; "$sim" --seeds "$lies" --storage-lies --marks || true; } |
      sed -n 's/^mark //p' | sort -u)
missing=$(comm -23 <(echo "$want") <(echo "$got"))
if [ -n "$missing" ]; then
  echo "coverage marks no seed reached (seeds $seeds; with lying disks $lies):"
  echo "$missing"
  exit 1
fi
echo "all $(echo "$want" | wc -l) coverage marks reached (seeds $seeds; with lying disks $lies)"
