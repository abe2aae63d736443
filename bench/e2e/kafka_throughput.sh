#!/usr/bin/env bash
# Kafka forwarding end to end: N W1 events (~350 bytes, profile `generic`: one log event each)
# tailed, normalized and sent by the Kafka exporter (spool on, the defaults of
# exporters/kafka/README.md) to librdkafka's mock cluster in another process
# (build/tests/support/kafka/specwatch_kafka_mock). Prints once Kafka acknowledged all N:
#   KAFKA events=N cpu_s=… wall_s=… events_per_cpu_s=… rss_mb=…
# cpu_s is the sidecar's user+system CPU over the whole path (the mock's CPU is not counted).
# Usage: bench/e2e/kafka_throughput.sh [N]   (default 1000000)
# KAFKA_PROPERTIES: the exporter's `properties:` (default "{ log_level: 3 }"), e.g.
#   KAFKA_PROPERTIES="{ log_level: 3, compression.type: zstd }" to compare codecs.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/e2e/common.sh
n="${1:-1000000}"
binary="${SPECWATCH_BINARY:-build/sidecar/app/specwatch}"
mock="${SPECWATCH_KAFKA_MOCK:-build/tests/support/kafka/specwatch_kafka_mock}"
work="$(mktemp -d)"
pid=""
mock_pid=""
cleanup() {
  [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  exec 3>&- 2>/dev/null || true
  [ -n "$mock_pid" ] && { kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
generate_ndjson "$n" "$work/events.log"
mkfifo "$work/mock.in"
"$mock" < "$work/mock.in" > "$work/mock.out" &
mock_pid=$!
exec 3>"$work/mock.in"
echo "topic specwatch.events 3" >&3
until grep -q '^bootstrap ' "$work/mock.out" 2>/dev/null; do sleep 0.05; done
brokers=$(sed -n 's/^bootstrap //p' "$work/mock.out")
port="$(free_port)"
write_w1_config "$work" "$port" generic
properties="${KAFKA_PROPERTIES:-"{ log_level: 3 }"}"
cat >> "$work/specwatch.yaml" <<YAML
exporters:
  - type: kafka
    name: bench
    brokers: "$brokers"
    topic: specwatch.events
    properties: $properties
YAML
start=$(date +%s.%N)
"$binary" run --config "$work/specwatch.yaml" 2>"$work/stderr.log" &
pid=$!
series='specwatch_component_events_total{component="bench",kind="sink",outcome="acknowledged"}'
wait_for_count "$port" "$series" "$n" "$pid" "$work/stderr.log"
end=$(date +%s.%N)
cpu=$(cpu_seconds "$pid")
rss=$(peak_rss_mb "$pid")
wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
rate=$(awk -v n="$n" -v c="$cpu" 'BEGIN { printf "%.0f", n / c }')
echo "KAFKA events=$n cpu_s=$cpu wall_s=$wall events_per_cpu_s=$rate rss_mb=$rss"
