#!/usr/bin/env bash
# purity_check.sh ROOT -- fails if a pure module (proto/, znode/, session/,
# zab/core/) includes IO, threading or clock headers, or calls clocks,
# randomness, getenv or sleep. The deterministic simulator depends on it.
set -u
root=${1:?usage: purity_check.sh ROOT}
dirs=()
for d in proto znode session zab/core; do [ -d "$root/$d" ] && dirs+=("$root/$d"); done
pattern='#include[[:space:]]*<(boost/asio[^>]*|thread|mutex|shared_mutex|condition_variable|future|filesystem|fstream|iostream|leveldb/[^>]*|chrono|random|ctime|unistd\.h|sys/[^>]*)>'
calls='(_clock::now|random_device|[^_[:alnum:]]rand[[:space:]]*\(|srand|getenv|[^_[:alnum:]]sleep[[:space:]]*\(|usleep|sleep_for|time[[:space:]]*\(nullptr|std::thread)'
bad=$(grep -rnE "$pattern|$calls" "${dirs[@]}" --include='*.h' --include='*.cpp' || true)
if [ -n "$bad" ]; then
  echo "purity check failed: pure modules must not do IO, threads, clocks or randomness:"
  echo "$bad"
  exit 1
fi
echo "purity check passed: ${dirs[*]#$root/}"
