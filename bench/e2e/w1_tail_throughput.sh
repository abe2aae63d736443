#!/usr/bin/env bash
# W1: end-to-end tailing throughput. Generates N NDJSON events (~350 bytes each), runs the real
# binary over them from the beginning, and prints once all N are counted in /metrics:
#   W1 events=N cpu_s=… wall_s=… rss_mb=…
# cpu_s is the sidecar's user+system CPU, rss_mb its peak resident memory.
# Usage: bench/e2e/w1_tail_throughput.sh [N] [PROFILE]   (default 1000000; PROFILE e.g. generic
# turns derivation on for the source; w1-llm reads W1-LLM's provider-call records with their
# profile instead, see w1_llm.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/e2e/common.sh
n="${1:-1000000}"
profile="${2:-}"
binary="${SPECWATCH_BINARY:-build/sidecar/app/specwatch}"
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port="$(free_port)"
prepare_w1 "$n" "$work" "$port" "$profile"
start=$(date +%s.%N)
"$binary" run --config "$work/specwatch.yaml" 2>"$work/stderr.log" &
pid=$!
wait_for_count "$port" 'specwatch_source_events_total{source="w1"}' "$n" "$pid" "$work/stderr.log"
end=$(date +%s.%N)
cpu=$(cpu_seconds "$pid")
rss=$(peak_rss_mb "$pid")
wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
echo "W1 events=$n cpu_s=$cpu wall_s=$wall rss_mb=$rss"
