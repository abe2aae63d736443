#!/usr/bin/env bash
# The cost of derivation in W1: runs bench/e2e/w1_tail_throughput.sh RUNS times without a profile
# and RUNS times with PROFILE, alternately (so that a change in the machine's load hits both
# alike), and prints every run, the median cpu_s of each, and their ratio:
#   W1-ratio runs=… none_cpu_s=… profile_cpu_s=… ratio=…
# The target is ratio <= 1.20 (derivation on costs at most 20 % more).
# Usage: bench/e2e/w1_derivation_ratio.sh [RUNS] [N] [PROFILE]   (default 9, 1000000, generic)
# Environment: SPECWATCH_BINARY, as for w1_tail_throughput.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-9}"
n="${2:-1000000}"
profile="${3:-generic}"
none=()
with=()
cpu_of() { sed -n 's/.*cpu_s=\([0-9.]*\).*/\1/p'; }
for i in $(seq 1 "$runs"); do
  line=$(bench/e2e/w1_tail_throughput.sh "$n" | tail -n 1)
  echo "run $i none:     $line"
  none+=("$(cpu_of <<<"$line")")
  line=$(bench/e2e/w1_tail_throughput.sh "$n" "$profile" | tail -n 1)
  echo "run $i $profile: $line"
  with+=("$(cpu_of <<<"$line")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
m_none=$(median "${none[@]}")
m_with=$(median "${with[@]}")
ratio=$(awk -v a="$m_with" -v b="$m_none" 'BEGIN { printf "%.3f", a / b }')
echo "W1-ratio runs=$runs none_cpu_s=$m_none ${profile}_cpu_s=$m_with ratio=$ratio load=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
