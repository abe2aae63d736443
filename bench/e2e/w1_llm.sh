#!/usr/bin/env bash
# W1-LLM: N provider-call records (generate_llm_ndjson in common.sh, ~335 bytes each, seeded) read
# from the beginning by the real binary with the profile of bench/e2e/w1_llm_profile.yaml, which
# maps each record onto one llm_call event (requests, duration histogram, three token counters,
# cost from the bundled prices). A run ends when the requests of /metrics
# (specwatch_llm_requests_total, all series) reach N; it prints
#   W1-LLM run=i events=N cpu_s=… wall_s=… rss_mb=…
# and after RUNS runs the medians:
#   W1-LLM events=N runs=RUNS cpu_s=… wall_s=… rss_mb=… load="…"
# cpu_s is the sidecar's user+system CPU, rss_mb its peak resident memory (VmHWM). The records
# are generated once and every run reads the same file.
# Usage: bench/e2e/w1_llm.sh [N] [RUNS]   (default 1000000, 5)
# Environment: SPECWATCH_BINARY (default build/sidecar/app/specwatch).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/e2e/common.sh
n="${1:-1000000}"
runs="${2:-5}"
binary="${SPECWATCH_BINARY:-build/sidecar/app/specwatch}"
work="$(mktemp -d)"
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
generate_llm_ndjson "$n" "$work/records.ndjson"
cpus=()
walls=()
rsss=()
for i in $(seq 1 "$runs"); do
  run="$work/run$i"
  mkdir -p "$run"
  ln "$work/records.ndjson" "$run/events.log"  # a hard link: symlinks are not followed by default
  port="$(free_port)"
  write_w1_config "$run" "$port" w1-llm
  cat bench/e2e/w1_llm_profile.yaml >> "$run/specwatch.yaml"
  start=$(date +%s.%N)
  "$binary" run --config "$run/specwatch.yaml" 2>"$run/stderr.log" &
  pid=$!
  while true; do
    count=$(metric_sum "$port" specwatch_llm_requests_total)
    [ "$count" -ge "$n" ] 2>/dev/null && break
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "specwatch exited early:" >&2
      cat "$run/stderr.log" >&2
      exit 1
    fi
    sleep 0.05
  done
  end=$(date +%s.%N)
  cpu=$(cpu_seconds "$pid")
  rss=$(peak_rss_mb "$pid")
  wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
  rm -rf "$run"
  echo "W1-LLM run=$i events=$n cpu_s=$cpu wall_s=$wall rss_mb=$rss"
  cpus+=("$cpu")
  walls+=("$wall")
  rsss+=("$rss")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "W1-LLM events=$n runs=$runs cpu_s=$(median "${cpus[@]}") wall_s=$(median "${walls[@]}") rss_mb=$(median "${rsss[@]}") load=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
