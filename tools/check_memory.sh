#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every test executable under valgrind memcheck, C backend only (OpenCL cases skip: PoCL's
# JIT under valgrind takes many minutes and its own errors are not ours; the sanitizer run covers
# the OpenCL paths). Fails on any memory error or definite leak outside the OpenCL driver stack
# (tests/valgrind.supp documents each suppression).
set -euo pipefail
cd "$(dirname "$0")/.."
OCLNN_SETUP_CHECKERS=1 OCLNN_SETUP_NO_BUILD=1 tools/setup.sh
build=${BUILD_DIR:-build}
[[ -d "$build/tests" ]] || { echo "check_memory: build first (tools/setup.sh)" >&2; exit 1; }
export OCLNN_TEST_SKIP_OPENCL=1 OCLNN_CACHE_DIR="$build/test-cache" OMP_NUM_THREADS=2
# The programs run MEMCHECK_JOBS at a time (default: the CPU count), longest first; each writes
# its log, and the verdicts are printed in order at the end.
jobs=${MEMCHECK_JOBS:-$(nproc)}
programs=()
for t in "$build"/tests/test_*; do
  [[ -x "$t" && -f "$t" ]] && programs+=("$t")
done
# the slowest under valgrind first, so the parallel runs end together
for slow in conv3d net video conv2d detector; do
  for i in "${!programs[@]}"; do
    if [[ "$(basename "${programs[$i]}")" == "test_$slow" ]]; then
      programs=("${programs[$i]}" "${programs[@]:0:$i}" "${programs[@]:$((i + 1))}")
      break
    fi
  done
done
run_one() {
  local t=$1 name
  name=$(basename "$t")
  if valgrind -q --suppressions=tests/valgrind.supp --leak-check=full --errors-for-leak-kinds=definite \
       --error-exitcode=99 "$t" > "$build/$name.valgrind.log" 2>&1; then
    echo clean > "$build/$name.valgrind.verdict"
  else
    echo FAILED > "$build/$name.valgrind.verdict"
  fi
}
for t in "${programs[@]}"; do
  rm -f "$build/$(basename "$t").valgrind.verdict"
  run_one "$t" &
  while (( $(jobs -rp | wc -l) >= jobs )); do wait -n || true; done
done
wait
fail=0; count=0
for t in "${programs[@]}"; do
  name=$(basename "$t")
  count=$((count + 1))
  if [[ "$(cat "$build/$name.valgrind.verdict" 2>/dev/null)" == clean ]]; then
    echo "valgrind: $name clean" >&2
  else
    echo "valgrind: $name FAILED (see $build/$name.valgrind.log)" >&2
    tail -40 "$build/$name.valgrind.log" >&2
    fail=$((fail + 1))
  fi
done
echo "valgrind: $((count - fail)) passed, $fail failed"
exit $((fail > 0))
