#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds oclnn with clang, AddressSanitizer + UndefinedBehaviorSanitizer and fault injection
# (Debug), then runs the whole test suite: any memory error, undefined behaviour or leak of
# oclnn's own fails it (tests/lsan.supp lists the OpenCL driver's allocations only).
set -euo pipefail
cd "$(dirname "$0")/.."
OCLNN_SETUP_CHECKERS=1 OCLNN_SETUP_NO_BUILD=1 tools/setup.sh
build=${BUILD_DIR:-build-asan}
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DOCLNN_SANITIZE=address,undefined \
  -DOCLNN_WERROR=ON >&2
cmake --build "$build" -j "$(nproc)" >&2
ctest --test-dir "$build" --output-on-failure "$@"
