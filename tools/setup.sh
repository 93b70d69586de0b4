#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what oclnn needs on Debian/Ubuntu (only what is missing), then configures and builds
# it in ./build. Usage: tools/setup.sh [extra cmake arguments]
# Environment: BUILD_DIR (default build), CI (set: warnings are errors), OCLNN_SETUP_CHECKERS=1
# (also install clang, its sanitizer runtime, valgrind and oclgrind for tools/check_*.sh),
# OCLNN_SETUP_NO_BUILD=1 (install only).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake make gcc pkg-config ocl-icd-opencl-dev ocl-icd-libopencl1 opencl-headers
          pocl-opencl-icd clinfo libclblast-dev libcmocka-dev libopenblas0-openmp libomp-dev
          python3-numpy python3-pytest protobuf-c-compiler libprotobuf-c-dev libonnx-dev)
[[ -n "${OCLNN_SETUP_CHECKERS:-}" ]] && packages+=(clang libclang-rt-14-dev valgrind oclgrind)
missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
else
  echo "setup: not a Debian-like system; install the equivalents of: ${packages[*]}" >&2
fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  if [[ $(id -u) -eq 0 ]]; then sudo=""
  elif command -v sudo >/dev/null; then sudo="sudo"
  else
    echo "setup: missing packages and no root: run as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

[[ -n "${OCLNN_SETUP_NO_BUILD:-}" ]] && exit 0
build=${BUILD_DIR:-build}
args=(-DCMAKE_BUILD_TYPE=Release)
[[ -n "${CI:-}" ]] && args+=(-DOCLNN_WERROR=ON)
cmake -S . -B "$build" "${args[@]}" "$@" >&2
cmake --build "$build" -j "$(nproc)" >&2
echo "setup: built in $build" >&2
