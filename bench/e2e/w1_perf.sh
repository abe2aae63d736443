#!/usr/bin/env bash
# Where W1's time goes natively: runs the real binary over N generated NDJSON events (default
# 1,000,000; PROFILE as for w1_callgrind.sh: empty = no profile, w1-llm = W1-LLM's records and
# profile) under `perf record -e cpu-clock` (a software clock: this project's VMs expose no
# hardware counters), stops it once /metrics counts all of them, and prints the shares of the
# samples by shared object and the TOP (default 25) symbols by self samples:
#   W1-perf events=N profile=P samples=… cpu_s=…
#   <share> <object>            (every object above 0.1 %)
#   <share> <symbol>            (TOP of them)
# cpu_s includes perf's own cost of sampling (about half again on this project's VMs); the
# shares are the figure.
# Why beside w1_callgrind.sh: callgrind counts instructions, the repeatable figure, but under
# valgrind simdjson runs its AVX2 kernel where the machine runs AVX-512 (`icelake`), and an
# instruction that waits for memory counts as one; the samples show where the seconds go.
# Needs perf (Debian: linux-perf) and a kernel.perf_event_paranoid that lets the user sample.
# Usage: bench/e2e/w1_perf.sh [N] [PROFILE] [TOP]
# Environment: SPECWATCH_BINARY; PERF_OUT keeps perf's file there (for `perf annotate -i`).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/e2e/common.sh
n="${1:-1000000}"
profile="${2:-}"
top="${3:-25}"
binary="${SPECWATCH_BINARY:-build/sidecar/app/specwatch}"
command -v perf >/dev/null 2>&1 || { echo "perf not found (Debian: apt-get install linux-perf)" >&2; exit 2; }
work="$(mktemp -d)"
pid=""
trap 'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
port="$(free_port)"
prepare_w1 "$n" "$work" "$port" "$profile"
data="${PERF_OUT:-$work/perf.data}"
perf record -q -e cpu-clock -F 10000 -o "$data" \
  "$binary" run --config "$work/specwatch.yaml" 2>"$work/stderr.log" &
pid=$!
wait_for_w1_events "$n" "$port" "$pid" "$work" 0.05
sidecar=$(pgrep -P "$pid" -f "run --config $work/specwatch.yaml" || true)
cpu=$(cpu_seconds "${sidecar:-$pid}")
kill -INT "$pid"  # perf stops the sidecar and writes its file
wait "$pid" 2>/dev/null || true
pid=""
samples=$(perf report -i "$data" --stdio --sort dso -g none 2>/dev/null |
  awk '/^# Samples:/ { print $3; exit }')
echo "W1-perf events=$n profile=${profile:-none} samples=${samples:-?} cpu_s=$cpu"
perf report -i "$data" --stdio --no-children --sort dso -g none 2>/dev/null |
  awk '/^ *[0-9.]+%/ { share = $1; sub("%", "", share); if (share + 0 >= 0.1) print "  " $1, $2 }'
perf report -i "$data" --stdio --no-children --sort symbol -g none 2>/dev/null |
  awk -v top="$top" '/^ *[0-9.]+%/ && shown < top { $2 = ""; sub(/ +- +-$/, ""); print "  " $0; shown++ }' |
  cut -c1-140
