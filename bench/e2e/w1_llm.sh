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
W1_PID=""
trap 'if [ -n "$W1_PID" ]; then kill "$W1_PID" 2>/dev/null || true; wait "$W1_PID" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
generate_llm_ndjson "$n" "$work/records.ndjson"
cpus=()
walls=()
rsss=()
for i in $(seq 1 "$runs"); do
  run_w1_llm "$binary" "$work/records.ndjson" "$work/run$i" "$n"
  rm -rf "$work/run$i"
  echo "W1-LLM run=$i events=$n cpu_s=$W1_CPU_S wall_s=$W1_WALL_S rss_mb=$W1_RSS_MB"
  cpus+=("$W1_CPU_S")
  walls+=("$W1_WALL_S")
  rsss+=("$W1_RSS_MB")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "W1-LLM events=$n runs=$runs cpu_s=$(median "${cpus[@]}") wall_s=$(median "${walls[@]}") rss_mb=$(median "${rsss[@]}") load=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
