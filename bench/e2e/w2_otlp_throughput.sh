#!/usr/bin/env bash
# W2: OTLP span throughput into derived metrics. Starts the real sidecar binary (built beforehand;
# this script builds nothing) with a temporary config (no file sources, OTLP/HTTP and OTLP/gRPC on
# free loopback ports, log_level warn) and runs bench/otlp's load generator (otlp_load: exports of
# 512 GenAI spans) against it, with the sidecar's pid so that cpu_s and rss_mb are the sidecar's:
#   1. OTLP/HTTP protobuf, flat out        2. OTLP/gRPC, flat out
#   3. OTLP/HTTP protobuf at RATE spans/s  4. OTLP/gRPC at RATE spans/s   (the p99 runs)
# Each run prints otlp_load's line
#   W2 spans=… cpu_s=… p99_ms=… rss_mb=…
# prefixed by the run's name, followed by spans_per_cpu_s = spans / cpu_s: the throughput of one
# sidecar core (the sidecar's CPU seconds, whatever threads they ran on). The sidecar's own
# counters (specwatch_otlp_items_total, specwatch_span_calls_total) are checked afterwards.
# Usage: bench/e2e/w2_otlp_throughput.sh [DURATION_S] [RATE]   (default 10 s, 50000 spans/s)
# Environment: SPECWATCH_BINARY (default build/sidecar/app/specwatch), OTLP_LOAD (default: the
# otlp_load next to the binary's build tree, bench/otlp/otlp_load), W2_CONNECTIONS (flat-out
# connections, default 1), W2_RUNS (space-separated subset of: http grpc http-rate grpc-rate,
# and http-gzip: flat out with gzip bodies, which the sidecar inflates on its decode worker).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/e2e/common.sh
duration="${1:-10}"
rate="${2:-50000}"
connections="${W2_CONNECTIONS:-1}"
runs="${W2_RUNS:-http grpc http-rate grpc-rate}"
prepare_otlp_bench
port="$(free_port)"
http_port="$(free_port)"
grpc_port="$(free_port)"
cat > "$work/specwatch.yaml" <<YAML
http: { listen: "127.0.0.1:$port" }
state_dir: "$work/state"
log_level: warn
otlp:
  grpc: { listen: "127.0.0.1:$grpc_port" }
  http: { listen: "127.0.0.1:$http_port" }
sources: []
YAML
start_sidecar "$binary" "$work/specwatch.yaml" "$work/stderr.log" "$http_port" "$grpc_port"
echo "W2 sidecar=$binary pid=$pid cpu=\"$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)\" cores=$(nproc)"
status=0
for run in $runs; do
  case $run in
    http) args=(--port "$http_port" --connections "$connections") ;;
    grpc) args=(--port "$grpc_port" --grpc --connections "$connections") ;;
    http-gzip) args=(--port "$http_port" --gzip --connections "$connections") ;;
    http-rate) args=(--port "$http_port" --rate "$rate" --connections 2) ;;
    grpc-rate) args=(--port "$grpc_port" --grpc --rate "$rate" --connections 2) ;;
    *) echo "unknown run $run" >&2; exit 2 ;;
  esac
  line=$("$load" "${args[@]}" --pid "$pid" --duration-s "$duration" 2>"$work/load.err") || status=1
  sed 's/^/  /' "$work/load.err" >&2
  spans=$(sed -n 's/.*spans=\([0-9]*\).*/\1/p' <<<"$line")
  cpu=$(sed -n 's/.*cpu_s=\([0-9.]*\).*/\1/p' <<<"$line")
  per_cpu=$(awk -v s="${spans:-0}" -v c="${cpu:-0}" 'BEGIN { if (c > 0) printf "%.0f", s / c; else print "n/a" }')
  echo "$run: $line spans_per_cpu_s=$per_cpu"
done
accepted=$({ curl -s "http://127.0.0.1:$port/metrics" || true; } | awk '/^specwatch_otlp_items_total\{/ && /signal="traces"/ && /outcome="accepted"/ { s += $NF } END { printf "%.0f", s }')
red=$({ curl -s "http://127.0.0.1:$port/metrics" || true; } | awk '/^specwatch_span_calls_total\{/ { s += $NF } END { printf "%.0f", s }')
llm=$({ curl -s "http://127.0.0.1:$port/metrics" || true; } | awk '/^specwatch_llm_requests_total\{/ { s += $NF } END { printf "%.0f", s }')
echo "sidecar: spans accepted=$accepted span_calls=$red llm_requests=$llm peak_rss_mb=$(peak_rss_mb "$pid")"
exit "$status"
