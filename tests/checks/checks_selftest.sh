#!/usr/bin/env bash
# Proves the monitoring checks catch what they claim to: copies alerts/, dashboards/ and
# docs/runbooks/ into a temporary tree, breaks one convention at a time, and expects the exact
# failure message from check_dashboards.sh / check_alert_rules.sh (that the untouched tree
# passes is what the other monitoring tests prove).
# Usage: checks_selftest.sh REPO_ROOT [PROMTOOL]   (requires jq)
set -euo pipefail
root=${1:?usage: checks_selftest.sh REPO_ROOT [PROMTOOL]}
promtool=${2:-promtool}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

copy_tree() {
  rm -rf "$work/tree" && mkdir -p "$work/tree/docs"
  cp -r "$root/alerts" "$root/dashboards" "$work/tree/"
  cp -r "$root/docs/runbooks" "$work/tree/docs/"
}
# run_check CHECK_SCRIPT: runs the check once on the broken tree; it must fail.
run_check() {
  script=$1
  if out=$("$here/$script" "$work/tree" "$promtool" 2>&1); then
    echo "FAIL: $script passed on a broken tree" >&2; failures=$((failures + 1))
  fi
}
# expect MESSAGE: the last run_check printed MESSAGE.
expect() {
  local message=$1
  if ! grep -qF -- "$message" <<<"$out"; then
    echo "FAIL: $script did not report: $message" >&2; echo "$out" | grep FAIL >&2 || true
    failures=$((failures + 1))
  else
    echo "ok   $script reports: $message"
  fi
}

# Dashboards: break the first panels of system-health through its source and rebuild.
copy_tree
src="$work/tree/dashboards/src/system-health.src.json"
jq '.rows[0].panels[0].unit = "tokens"
  | .rows[0].panels[1].targets[0].expr |= sub("\\$__rate_interval"; "5m")
  | .rows[0].panels[2].targets[0].expr = "sum(rate(x[$__rate_interval])"
  | .rows[0].panels[3].targets[0].expr = "sum(rate(http_requests_total{q=\"$nope\"}[$__rate_interval]))"
  | .rows[0].panels[4].description = ""
  | (.. | objects | select(.title? == "OTLP requests by signal and outcome") | .description) |= sub("^OTLP input: "; "")' "$src" > "$src.new" && mv "$src.new" "$src"
"$work/tree/dashboards/build.sh"
jq '.templating.list[0].type = "custom"' "$work/tree/dashboards/spek.json" > "$work/spek.json"
sed -i 's/"uid": "${datasource}"/"uid": "prometheus"/' "$work/spek.json"
cp "$work/spek.json" "$work/tree/dashboards/spek.json"
run_check check_dashboards.sh
expect 'panel "Request rate by service": unit "tokens" missing or unknown'
expect 'panel "Error ratio by service": range [5m] is not [$__rate_interval] or [$__range]'
expect 'unclosed left parenthesis'
expect 'query uses undefined variable $nope'
expect 'panel "LLM requests by service": reads an external exporter but its description does not start with "External exporter:"'
expect 'panel "Error and warning log records by service": no description'
expect 'panel "OTLP requests by signal and outcome": reads metrics only the OTLP receiver feeds but its description does not start with "OTLP input:"'
expect 'spek.json differs from dashboards/build.sh output'
expect 'spek.json: needs exactly one variable `datasource`'
expect 'spek.json: panel "Service Health": datasource is not ${datasource}'

# Rules: a missing runbook, a bad summary, a bad severity, an alert without tests.
copy_tree
rm "$work/tree/docs/runbooks/RedisDown.md"
sed -i 's/summary: PostgreSQL is down\./summary: PostgreSQL is down/' "$work/tree/alerts/spek.rules.yml"
sed -i '0,/severity: warning/s//severity: high/' "$work/tree/alerts/specular.rules.yml"
cat >> "$work/tree/alerts/sidecar.rules.yml" <<'YAML'
      - alert: UntestedAlert
        expr: vector(1)
        labels:
          severity: info
        annotations:
          summary: An alert nobody tested.
          description: 'Value {{ $value }}.'
          runbook_url: 'https://example.invalid/UntestedAlert.md'
YAML
run_check check_alert_rules.sh
expect 'RedisDown: runbook'
expect "PostgreSQLDown: summary 'PostgreSQL is down' is not one sentence ending in a period"
expect "SpecularHighErrorRate: severity 'high' is not critical|warning|info"
expect 'UntestedAlert: no unit-test case where it fires'
expect 'UntestedAlert: no unit-test case where it stays silent'

if [[ $failures -gt 0 ]]; then echo "$failures failure(s)" >&2; exit 1; fi
echo OK
