#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for FUZZ_SECONDS (default 30)
# from its corpus in tests/fuzz/corpus/<target>/ (new inputs go to a scratch copy, not the repo).
# Fails on any crash, leak, timeout or sanitizer report. Prints executions per target. The
# targets run FUZZ_JOBS at a time (default: the CPU count).
set -euo pipefail
cd "$(dirname "$0")/.."
OCLNN_SETUP_CHECKERS=1 OCLNN_SETUP_NO_BUILD=1 tools/setup.sh
build=${BUILD_DIR:-build-fuzz}
seconds=${FUZZ_SECONDS:-30}
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOCLNN_BUILD_FUZZERS=ON \
  -DOCLNN_BUILD_TESTS=OFF -DOCLNN_BUILD_TOOLS=OFF -DOCLNN_SANITIZE=address,undefined >&2
cmake --build "$build" -j "$(nproc)" >&2
# Each target is one process on one core; each writes its log, and the verdicts are printed in
# order at the end.
jobs=${FUZZ_JOBS:-$(nproc)}
run_one() {
  local f=$1 name=${1##*/fuzz_}
  local work="$build/fuzz-corpus/$name" log="$build/fuzz_$name.log"
  mkdir -p "$work"
  cp -n tests/fuzz/corpus/"$name"/* "$work"/ 2>/dev/null || true
  if "$f" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/" \
       "$work" > "$log" 2>&1; then
    echo clean > "$build/fuzz_$name.verdict"
  else
    echo FAILED > "$build/fuzz_$name.verdict"
  fi
}
targets=()
for f in "$build"/tests/fuzz/fuzz_*; do
  [[ -x "$f" && -f "$f" ]] && targets+=("$f")
done
for f in "${targets[@]}"; do
  rm -f "$build/fuzz_${f##*/fuzz_}.verdict"
  run_one "$f" &
  while (( $(jobs -rp | wc -l) >= jobs )); do wait -n || true; done
done
wait
fail=0; total=0; count=0
for f in "${targets[@]}"; do
  name=${f##*/fuzz_}
  log="$build/fuzz_$name.log"
  count=$((count + 1))
  if [[ "$(cat "$build/fuzz_$name.verdict" 2>/dev/null)" == clean ]]; then
    runs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz: $name clean, $runs executions in ${seconds}s"
    [[ "$runs" =~ ^[0-9]+$ ]] && total=$((total + runs))
  else
    echo "fuzz: $name FAILED (see $log)"; tail -30 "$log" >&2; fail=$((fail + 1))
  fi
done
echo "fuzz: $total executions in all"
echo "fuzz: $((count - fail)) passed, $fail failed"
exit $((fail > 0))
