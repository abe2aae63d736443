#!/usr/bin/env bash
# Quick start, first command: installs what is missing, builds, and runs the sidecar in the
# foreground on its bundled default config (deploy/specwatch.yaml). Extra arguments go to
# `specwatch run`. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
scripts/build.sh specwatch
# The default state_dir is /var/lib/specwatch; without the right to create it, keep the state
# beside the checkout instead.
if [ -z "${SPECWATCH_STATE_DIR:-}" ]; then
  if ! mkdir -p /var/lib/specwatch 2>/dev/null || [ ! -w /var/lib/specwatch ]; then
    export SPECWATCH_STATE_DIR="$PWD/.state"
  fi
fi
exec build/sidecar/app/specwatch run --config deploy/specwatch.yaml "$@"
