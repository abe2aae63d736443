#!/usr/bin/env bash
# W1 in instructions, the figure that does not spread with the machine's load: runs the real
# binary under callgrind over N generated NDJSON events (default 100,000; PROFILE as for
# w1_tail_throughput.sh, empty = no profile; w1-llm: W1-LLM's provider-call records and profile,
# see w1_llm.sh), stops it with SIGTERM once /metrics counts all of
# them, and prints the instructions of the pipeline worker and the file source thread (inclusive,
# i.e. per record without the startup both configurations share):
#   W1-callgrind events=N profile=P pipeline=… source=… per_record=…
# The file source's batches run on its own thread while the pipeline is idle (pipeline.h), so in
# a config without sinks `source` holds nearly everything and `pipeline` is `?` (no instructions
# of its worker); per_record is their sum either way.
# Usage: bench/e2e/w1_callgrind.sh [N] [PROFILE]
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/e2e/common.sh
n="${1:-100000}"
profile="${2:-}"
binary="${SPECWATCH_BINARY:-build/sidecar/app/specwatch}"
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port="$(free_port)"
prepare_w1 "$n" "$work" "$port" "$profile"
valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
  "$binary" run --config "$work/specwatch.yaml" 2>"$work/stderr.log" &
pid=$!
wait_for_w1_events "$n" "$port" "$pid" "$work" 0.5
kill -TERM "$pid"
wait "$pid" || true
callgrind_annotate --inclusive=yes "$work/callgrind.out" >"$work/annotate.txt" 2>/dev/null
# CALLGRIND_OUT: where to keep the profile for callgrind_annotate (by default it is deleted).
if [ -n "${CALLGRIND_OUT:-}" ]; then cp "$work/callgrind.out" "$CALLGRIND_OUT"; fi
inclusive() {
  awk -v f="$1" 'index($0, f) && !found { gsub(",", "", $1); print $1; found = 1 }' "$work/annotate.txt"
}
pipeline=$(inclusive 'specwatch::Pipeline::run()')
source_thread=$(inclusive 'specwatch::FileSource::run()')
per_record=$(awk -v a="${pipeline:-0}" -v b="${source_thread:-0}" -v n="$n" 'BEGIN { printf "%.0f", (a + b) / n }')
echo "W1-callgrind events=$n profile=${profile:-none} pipeline=${pipeline:-?} source=${source_thread:-?} per_record=$per_record"
