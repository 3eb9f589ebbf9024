#!/usr/bin/env bash
# test.sh -- install dependencies, build, and run Cairn's whole test suite:
#   1. the release build: unit, purity, C-client interop and pytest (kazoo,
#      wire-level) tests against real server processes;
#   2. unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. libFuzzer targets for the frame decoder and request parsers, run
#      briefly (clang builds only; skipped with a note when clang is absent).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)
status=0
passed=0
failed=0
# run_ctest DIR [ctest args]: runs ctest in DIR and adds its counts to the total.
run_ctest() {
  local dir=$1 out
  shift
  out=$(mktemp)
  (cd "$dir" && ctest --output-on-failure --timeout 600 "$@") 2>&1 | tee "$out" || status=1
  local line total bad
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$out" | tail -1 || true)
  if [ -z "$line" ]; then
    status=1
  else
    total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
    bad=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$line")
    passed=$((passed + total - bad))
    failed=$((failed + bad))
    [ "$bad" = 0 ] || status=1
  fi
  rm -f "$out"
}

scripts/build.sh build
run_ctest build -j "$jobs"

scripts/build.sh build-asan -DCAIRN_SANITIZE=ON -DCAIRN_UNIT_ONLY=ON -DCMAKE_BUILD_TYPE=Debug
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 run_ctest build-asan -j "$jobs"

if command -v clang++ >/dev/null && [ -f tests/fuzz/CMakeLists.txt ]; then
  # Only the fuzzers: the rest of this build is what the other two test.
  CAIRN_TARGETS="frame_fuzz request_fuzz" CC=clang CXX=clang++ \
    scripts/build.sh build-fuzz -DCAIRN_FUZZ=ON -DCAIRN_UNIT_ONLY=ON \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++
  run_ctest build-fuzz -R '^fuzz' 
else
  echo "test.sh: clang++ not found, fuzz targets skipped"
fi
echo
echo "total: $passed passed, $failed failed"
exit $status
