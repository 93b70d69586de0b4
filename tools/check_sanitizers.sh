#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds oclnn with clang, AddressSanitizer + UndefinedBehaviorSanitizer and fault injection
# (Debug), then runs the whole test suite: any memory error, undefined behaviour or leak of
# oclnn's own fails it (tests/lsan.supp lists the OpenCL driver's allocations only).
set -euo pipefail
cd "$(dirname "$0")/.."
OCLNN_SETUP_CHECKERS=1 OCLNN_SETUP_NO_BUILD=1 tools/setup.sh
build=${BUILD_DIR:-build-asan}
# Debug (asserts and fault injection on) at -O1, as AddressSanitizer's documentation advises: the
# C backend's loops at -O0 made the stage 2-3x longer (test_detector 517 s -> 239 s, test_net
# 32 s -> 11 s, docs/RELIABILITY.md) for no check the sanitizers do not also make at -O1.
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_C_FLAGS_DEBUG=-g -O1" \
  -DOCLNN_SANITIZE=address,undefined -DOCLNN_WERROR=ON >&2
cmake --build "$build" -j "$(nproc)" >&2
ctest --test-dir "$build" --output-on-failure "$@"
