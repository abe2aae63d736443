#!/usr/bin/env bash
# W2 under hostile input: valid OTLP/HTTP exports at RATE spans/s (otlp_load, 512 GenAI spans per
# export) for DURATION_S seconds, while 20 malformed protobuf bodies and 20 gzip bombs (50 MB of
# zeros, refused at otlp.max_body_bytes) are sent one after another with curl. Prints otlp_load's
# line (the valid exports' p99 is the figure: how much the bad input delayed the good; its rss_mb
# is the sidecar's resident memory at the end), the answers the bad requests got, the sidecar's own
# counts per outcome and its peak resident memory.
# With W2_HOSTILE_PROTOCOL=grpc the valid exports go over OTLP/gRPC instead, and gzip bombs of
# 50 MiB (`otlp_load --grpc --bomb-mib 50`, which compresses each in the client, about 0.8 s) are
# sent one after another for as long as the load runs; no malformed messages.
# Usage: bench/e2e/w2_hostile.sh [DURATION_S] [RATE]   (default 3 s, 20000 spans/s)
# Environment: SPECWATCH_BINARY (default build/sidecar/app/specwatch), OTLP_LOAD (default: the
# otlp_load of the binary's build tree), W2_HOSTILE_PROTOCOL (http, the default, or grpc).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/e2e/common.sh
duration="${1:-3}"
rate="${2:-20000}"
protocol="${W2_HOSTILE_PROTOCOL:-http}"
prepare_otlp_bench
head -c 50000000 /dev/zero | gzip -c > "$work/bomb.gz"
port="$(free_port)"
http_port="$(free_port)"
grpc_port="$(free_port)"
cat > "$work/specwatch.yaml" <<YAML
http: { listen: "127.0.0.1:$port" }
state_dir: "$work/state"
log_level: error
otlp:
  http: { listen: "127.0.0.1:$http_port" }
  grpc: { listen: "127.0.0.1:$grpc_port" }
sources: []
YAML
start_sidecar "$binary" "$work/specwatch.yaml" "$work/stderr.log" "$http_port" "$grpc_port"
answers=""
if [ "$protocol" = grpc ]; then
  "$load" --grpc --port "$grpc_port" --rate "$rate" --duration-s "$duration" --pid "$pid" >"$work/load.txt" 2>"$work/load.err" &
  load_pid=$!
  while kill -0 "$load_pid" 2>/dev/null; do
    answers+="grpc_status=$("$load" --grpc --port "$grpc_port" --bomb-mib 50 | sed -n 's/.*grpc_status=\([0-9]*\).*/\1/p') "
  done
else
  "$load" --port "$http_port" --rate "$rate" --duration-s "$duration" --pid "$pid" >"$work/load.txt" 2>"$work/load.err" &
  load_pid=$!
  for _ in $(seq 1 20); do
    answers+="$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-protobuf' \
      --data-binary $'\x0a\xff\xff\xff\x0f garbage' "http://127.0.0.1:$http_port/v1/traces") "
    answers+="$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-protobuf' \
      -H 'Content-Encoding: gzip' --data-binary @"$work/bomb.gz" "http://127.0.0.1:$http_port/v1/traces") "
  done
fi
status=0
wait "$load_pid" || status=1
sed 's/^/  /' "$work/load.err" >&2
echo "valid: $(cat "$work/load.txt")"
echo "bad requests' answers: $(tr ' ' '\n' <<<"$answers" | sed '/^$/d' | sort | uniq -c | awk '{ printf "%s×%s ", $2, $1 }')"
{ curl -s "http://127.0.0.1:$port/metrics" || true; } |
  awk -v p="protocol=\"$protocol\"" '/^specwatch_otlp_requests_total\{/ && index($0, p) && /signal="traces"/ && $NF != 0 { print "sidecar: " $0 }'
echo "sidecar: peak_rss_mb=$(peak_rss_mb "$pid")"
exit "$status"
