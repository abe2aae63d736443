#!/usr/bin/env bash
# Idle cost: 20 watched files, no writes. Measures the sidecar's CPU over a window after start-up
# and its resident memory, and prints:
#   IDLE files=20 window_s=… cpu_pct=… rss_mb=…
# Usage: bench/e2e/idle.sh [WINDOW_SECONDS]   (default 30)
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/e2e/common.sh
window="${1:-30}"
binary="${SPECWATCH_BINARY:-build/sidecar/app/specwatch}"
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/logs"
for i in $(seq 1 20); do generate_ndjson 100 "$work/logs/app-$i.log"; done
port="$(free_port)"
cat > "$work/specwatch.yaml" <<YAML
http: { listen: "127.0.0.1:$port" }
state_dir: "$work/state"
log_level: warn
otlp: { grpc: { enabled: false }, http: { enabled: false } }
sources:
  - name: idle
    include: ["$work/logs/*.log"]
    framing: ndjson
YAML
"$binary" run --config "$work/specwatch.yaml" 2>"$work/stderr.log" &
pid=$!
until [ "$(metric_value "$port" 'specwatch_source_events_total{source="idle"}' | cut -d. -f1)" -ge 2000 ] 2>/dev/null; do sleep 0.1; done
sleep 2
cpu_before=$(cpu_seconds "$pid")
sleep "$window"
cpu_after=$(cpu_seconds "$pid")
pct=$(awk -v a="$cpu_before" -v b="$cpu_after" -v w="$window" 'BEGIN { printf "%.3f", (b - a) / w * 100 }')
echo "IDLE files=20 window_s=$window cpu_pct=$pct rss_mb=$(rss_mb "$pid")"
