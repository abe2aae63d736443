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
W1_PID=""
trap 'if [ -n "$W1_PID" ]; then kill "$W1_PID" 2>/dev/null || true; wait "$W1_PID" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
generate_llm_ndjson "$n" "$work/records.ndjson"

median() {
  printf '%s\n' "$@" | sort -n |
    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

as=()
bs=()
for round in $(seq 1 "$rounds"); do
  W1_EXTRA_CONFIG="${W1_EXTRA_CONFIG_A:-${W1_EXTRA_CONFIG:-}}" \
    run_w1_llm "$a" "$work/records.ndjson" "$work/a$round" "$n"
  as+=("$W1_CPU_S")
  W1_EXTRA_CONFIG="${W1_EXTRA_CONFIG_B:-${W1_EXTRA_CONFIG:-}}" \
    run_w1_llm "$b" "$work/records.ndjson" "$work/b$round" "$n"
  bs+=("$W1_CPU_S")
  rm -rf "$work/a$round" "$work/b$round"
done
echo "A: ${as[*]} median $(median "${as[@]}")"
echo "B: ${bs[*]} median $(median "${bs[@]}")"
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
