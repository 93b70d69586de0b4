#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Oclgrind gate: the op test programs on Oclgrind, a strict second OpenCL implementation that
# simulates a GPU-type OpenCL 1.2 device and reports out-of-bounds accesses, data races in local
# and global memory, barrier divergence and invalid API use. Each program runs OpenCL cases only,
# small problems (OCLNN_TEST_SMALL=1), under every configuration below and both device classes
# (OCLNN_DEVICE_CLASS=cpu and gpu, so the GPU-class kernels run too), with data-race and API
# checks on. Any Oclgrind report (its log file or its API messages on stderr), a failing test or
# a crash fails the gate. Oclgrind is loaded through OCLNN_OPENCL_LIBRARY, without an ICD file.
# Runs (docs/RELIABILITY.md, "The Oclgrind gate"): every program under (48 KiB local memory,
# 1024 work-items per group) in the CPU device class, where the test programs' two GPU-class
# configurations (tests/support/gpuclass.h) run the GPU-class kernels too, and under (32 KiB, 256)
# in the GPU class, the tighter limits that the GPU-class kernels size local memory and
# work-groups from (there the two GPU-class configurations skip as exact repeats).
# Adding a test program: append its name (tests/test_<name>.c) to PROGRAMS below, longest
# first; it must honour OCLNN_TEST_SMALL (rows above TEST_SMALL_WORK left out) so that it takes
# seconds here. Or name extra programs for one run with OCLGRIND_GATE_EXTRA.
# Environment: BUILD_DIR (default build), OCLGRIND_GATE_PROGRAMS (replaces the list),
# OCLGRIND_GATE_EXTRA (appended to it), OCLGRIND_GATE_JOBS (parallel runs, default: the CPU
# count), OCLGRIND_GATE_RUNS (default "49152:1024:cpu 32768:256:gpu": local memory
# bytes:max work-group size:class), OCLNN_TEST_FILTER (a cmocka pattern: only those tests).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
[[ -x "$build/oclnn" && -d "$build/tests" ]] || { echo "check_oclgrind: build first (tools/setup.sh)" >&2; exit 1; }
if ! command -v oclgrind >/dev/null; then
  OCLNN_SETUP_CHECKERS=1 OCLNN_SETUP_NO_BUILD=1 tools/setup.sh
fi
rt=$(dpkg -L oclgrind 2>/dev/null | grep '/liboclgrind-rt\.so$' | head -1 || true)
[[ -n "$rt" && -f "$rt" ]] || { echo "check_oclgrind: liboclgrind-rt.so not found (apt-get install oclgrind)" >&2; exit 1; }

# The op test programs, longest first (the parallel runs then end together).
PROGRAMS="conv2d batchnorm pool2d conv3d norm tensor fc roi detect detect_pipeline deconv resize pool3d conv1d eltwise concat"
programs=(${OCLGRIND_GATE_PROGRAMS:-$PROGRAMS} ${OCLGRIND_GATE_EXTRA:-})
runs=(${OCLGRIND_GATE_RUNS:-49152:1024:cpu 32768:256:gpu})
jobs=${OCLGRIND_GATE_JOBS:-$(nproc)}
out="$build/oclgrind"
rm -rf "$out"
mkdir -p "$out/cache"

export OCLNN_OPENCL_LIBRARY="$rt" OCLNN_TEST_DEVICE=Oclgrind OCLNN_TEST_SMALL=1 OCLNN_TEST_SKIP_CPU=1
export OCLGRIND_DATA_RACES=1 OCLGRIND_CHECK_API=1 OCLGRIND_NUM_THREADS=1 OCLGRIND_MAX_ERRORS=20
export OCLNN_CACHE_DIR="$out/cache" OMP_NUM_THREADS=1
unset OCLNN_DEVICE OCLNN_TEST_SKIP_OPENCL

# The device must be Oclgrind, or every OpenCL case would skip and the gate pass on nothing.
if ! "$build/oclnn" devices 2>&1 | grep -q "Oclgrind"; then
  echo "check_oclgrind: oclnn does not see the Oclgrind device through $rt" >&2
  "$build/oclnn" devices >&2 || true
  exit 1
fi

# One run: program, class, local memory, work-group size. Prints one line; exit status 1 on any
# finding. Oclgrind writes kernel diagnostics to OCLGRIND_LOG and API errors to stderr.
run_one() {
  local prog=$1 class=$2 lmem=$3 wg=$4
  local name="${prog}_${class}_${lmem}_${wg}" start=$SECONDS rc=0 why=""
  OCLNN_DEVICE_CLASS=$class OCLGRIND_LOCAL_MEM_SIZE=$lmem OCLGRIND_MAX_WGSIZE=$wg \
    OCLGRIND_LOG="$out/$name.oclgrind" "$build/tests/test_$prog" > "$out/$name.log" 2>&1 || rc=$?
  if ((rc != 0)); then why="exit status $rc"; fi
  if [[ -s "$out/$name.oclgrind" ]]; then why="$why Oclgrind report"; fi
  if grep -q "Oclgrind - OpenCL runtime error\|^Oclgrind\|Invalid \(read\|write\)\|data race" \
       "$out/$name.log"; then why="$why Oclgrind message on stderr"; fi
  if ! grep -q "PASSED" "$out/$name.log"; then why="$why no PASSED line"; fi
  if [[ -n "$why" ]]; then
    echo "oclgrind: $name FAILED ($why; $((SECONDS - start)) s): $out/$name.log $out/$name.oclgrind"
    return 1
  fi
  echo "oclgrind: $name ok ($((SECONDS - start)) s)"
}
export -f run_one
export build out

for prog in "${programs[@]}"; do
  [[ -x "$build/tests/test_$prog" ]] || { echo "check_oclgrind: $build/tests/test_$prog is missing" >&2; exit 1; }
done

start=$SECONDS
list=()
for prog in "${programs[@]}"; do # longest program's runs first
  for r in "${runs[@]}"; do
    IFS=: read -r lmem wg class <<< "$r"
    list+=("$prog $class $lmem $wg")
  done
done
fail=0
printf '%s\n' "${list[@]}" | xargs -P "$jobs" -L 1 bash -c 'run_one "$@"' _ > "$out/summary.txt" || fail=1
cat "$out/summary.txt"
bad=$(grep -c FAILED "$out/summary.txt" || true)
for f in $(grep FAILED "$out/summary.txt" | sed 's/.*: \([^ ]*\.log\) .*/\1/'); do
  echo "---- $f" >&2; tail -30 "$f" >&2
  o="${f%.log}.oclgrind"; [[ -s "$o" ]] && { echo "---- $o" >&2; head -40 "$o" >&2; }
done
echo "oclgrind: ${#list[@]} runs, $bad failed, $((SECONDS - start)) s"
exit $((fail || bad > 0))
