#!/usr/bin/env bash
# `promtool check metrics` (Prometheus's own text-format parser and linter) on a /metrics page as
# the daemon renders it (print_metrics_page). A parse error fails (promtool exits 1); the lint
# findings must be exactly those listed in the expected file: names that a tool's own documents
# promise and that docs/METRICS.md keeps as a contract, whatever the linter's naming advice.
# Usage: check_metrics_page.sh PRINT_METRICS_PAGE PROMTOOL EXPECTED_LINT_FILE
set -euo pipefail
print_page="$1"
promtool="$2"
expected="$3"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$print_page" > "$tmp/page.txt"
lines=$(grep -c -v '^#' "$tmp/page.txt")
rc=0
"$promtool" check metrics < "$tmp/page.txt" > "$tmp/lint.txt" 2>&1 || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
  echo "FAIL: promtool check metrics exited $rc:"
  cat "$tmp/lint.txt"
  exit 1
fi
if grep -q "error while linting" "$tmp/lint.txt"; then
  echo "FAIL: promtool could not parse the page:"
  cat "$tmp/lint.txt"
  exit 1
fi
if ! diff <(sort "$tmp/lint.txt") <(sort "$expected") > "$tmp/diff.txt"; then
  echo "FAIL: lint findings differ from $expected (< found, > expected):"
  cat "$tmp/diff.txt"
  exit 1
fi
echo "promtool check metrics: $lines sample lines parsed, $(wc -l < "$expected") known lint findings"
