#!/usr/bin/env bash
# The redactor's benchmarks in instructions, the figure that does not spread with the machine's
# load: runs each benchmark of bench_redact under callgrind and prints the instructions per call
# of the function it measures (Redactor::find for the contains_secret benchmarks,
# Redactor::redact for the others), inclusive, counted over the calls the benchmark made:
#   BM_CleanLabelValues function=find calls=… per_call=…
# Usage: bench/redact/redact_callgrind.sh [BENCH_BINARY]   (default build/bench/redact/bench_redact)
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="${1:-build/bench/redact/bench_redact}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for entry in BM_CleanLabelValues:find BM_CleanLabelValuesRedact:redact \
  BM_SecretValuesRedact:redact BM_CleanKilobyte:find BM_UserPatternsCleanLabelValues:find; do
  bench="${entry%%:*}"
  function="${entry##*:}"
  if ! "$binary" --benchmark_list_tests | grep -x "$bench" >/dev/null; then
    echo "$bench absent"
    continue
  fi
  valgrind --tool=callgrind --callgrind-out-file="$work/$bench.out" \
    "$binary" --benchmark_filter="^$bench\$" --benchmark_min_time=0.01 >/dev/null 2>&1
  callgrind_annotate --inclusive=yes --tree=caller "$work/$bench.out" 2>/dev/null >"$work/$bench.txt"
  # In a caller tree block, "<" lines are the callers (with their call counts "(Nx)") and the
  # "*" line is the function with its inclusive cost. Calls of the function from itself (redact
  # recursing over the bytes a match skipped) are not calls of the benchmark.
  awk -v f="specwatch::Redactor::$function(" -v bench="$bench" -v fn="$function" '
    /^ *[0-9,]+ .* < / {
      if (index($0, f)) next
      match($0, /\(([0-9,]+)x\)/)
      if (RSTART) { n = substr($0, RSTART + 1, RLENGTH - 3); gsub(",", "", n); calls += n }
      next
    }
    /^ *[0-9,]+ .* \* / {
      if (index($0, f)) {
        ir = $1; gsub(",", "", ir)
        printf "%s function=%s calls=%d per_call=%.1f\n", bench, fn, calls, ir / calls
        done = 1
        exit
      }
      calls = 0
      next
    }
    /^$/ { calls = 0 }
    END { if (!done) print bench " not measured (no caller tree for " fn ")" }
  ' "$work/$bench.txt"
done
