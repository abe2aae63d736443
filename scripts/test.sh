#!/usr/bin/env bash
# Quick start, second command: installs what is missing, builds everything, and runs every test
# (unit, integration with the real binary, and the monitoring checks with real Prometheus and
# Alertmanager tools). Safe to re-run. Exit status is ctest's.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 600
