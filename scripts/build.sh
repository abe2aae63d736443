#!/usr/bin/env bash
# Configures (once) and builds the given targets (all when none) in build/.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="$(nproc)"
if [ ! -f build/CMakeCache.txt ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
if [ $# -gt 0 ]; then
  targets=()
  for t in "$@"; do targets+=(--target "$t"); done
  cmake --build build -j "$jobs" "${targets[@]}"
else
  cmake --build build -j "$jobs"
fi
