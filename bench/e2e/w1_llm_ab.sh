#!/usr/bin/env bash
# W1-LLM for two builds, alternating: the records of generate_llm_ndjson (common.sh) generated
# once, then ROUNDS pairs of runs, build A then build B, each reading the same file from the
# beginning with bench/e2e/w1_llm_profile.yaml until /metrics counts all N requests, as w1_llm.sh
# runs one build. Prints each build's CPU seconds (user + system of the sidecar) per run and
# their median, and the load average at the end:
#   A: 0.780 0.810 … median 0.805
#   B: 0.850 0.810 … median 0.75
#   load 1.55 1.69 1.48
# Why beside w1_llm.sh: on a shared VM the seconds drift by more than most changes save within an
# hour; runs that alternate see the same drift, so their pairs compare.
# Usage: bench/e2e/w1_llm_ab.sh BINARY_A BINARY_B [ROUNDS] [N]   (default 8 rounds, 1000000)
# Environment: W1_EXTRA_CONFIG_A, W1_EXTRA_CONFIG_B: further top-level config sections for the runs
# of A and of B (default W1_EXTRA_CONFIG, as common.sh's write_w1_config reads it); with the same
# binary twice, two settings compare.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/e2e/common.sh
[ $# -ge 2 ] || { echo "usage: $0 BINARY_A BINARY_B [ROUNDS] [N]" >&2; exit 2; }
a="$1"
b="$2"
rounds="${3:-8}"
n="${4:-1000000}"
for binary in "$a" "$b"; do
  [ -x "$binary" ] || { echo "not an executable: $binary" >&2; exit 2; }
done
work="$(mktemp -d)"
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
generate_llm_ndjson "$n" "$work/records.ndjson"

# One run of `binary` with the extra config `extra`: prints its CPU seconds.
one_run() {
  local binary="$1" extra="$2" run="$work/run" port count
  rm -rf "$run"
  mkdir -p "$run"
  ln "$work/records.ndjson" "$run/events.log"
  port="$(free_port)"
  W1_EXTRA_CONFIG="$extra" write_w1_config "$run" "$port" w1-llm
  cat bench/e2e/w1_llm_profile.yaml >>"$run/specwatch.yaml"
  "$binary" run --config "$run/specwatch.yaml" 2>"$run/stderr.log" &
  pid=$!
  while true; do
    count=$(metric_sum "$port" specwatch_llm_requests_total)
    [ "$count" -ge "$n" ] 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { echo "sidecar exited; stderr:" >&2; cat "$run/stderr.log" >&2; exit 1; }
    sleep 0.05
  done
  cpu_seconds "$pid"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
}

median() {
  printf '%s\n' "$@" | sort -n |
    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

as=()
bs=()
for _ in $(seq 1 "$rounds"); do
  as+=("$(one_run "$a" "${W1_EXTRA_CONFIG_A:-${W1_EXTRA_CONFIG:-}}")")
  bs+=("$(one_run "$b" "${W1_EXTRA_CONFIG_B:-${W1_EXTRA_CONFIG:-}}")")
done
echo "A: ${as[*]} median $(median "${as[@]}")"
echo "B: ${bs[*]} median $(median "${bs[@]}")"
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
