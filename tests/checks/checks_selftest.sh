#!/usr/bin/env bash
# Proves the monitoring checks catch what they claim to: copies alerts/, dashboards/ and
# docs/runbooks/ into a temporary tree, breaks one convention at a time, and expects the exact
# failure message from check_dashboards.sh / check_alert_rules.sh.
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
# expect CHECK_SCRIPT MESSAGE: the check must fail and print MESSAGE.
expect() {
  local script=$1 message=$2 out
  if out=$("$here/$script" "$work/tree" "$promtool" 2>&1); then
    echo "FAIL: $script passed on a broken tree (expected: $message)" >&2; failures=$((failures + 1))
  elif ! grep -qF -- "$message" <<<"$out"; then
    echo "FAIL: $script did not report: $message" >&2; echo "$out" | grep FAIL >&2 || true
    failures=$((failures + 1))
  else
    echo "ok   $script reports: $message"
  fi
}

# The untouched copy passes both checks.
copy_tree
"$here/check_dashboards.sh" "$work/tree" "$promtool" >/dev/null
"$here/check_alert_rules.sh" "$work/tree" "$promtool" >/dev/null

# Dashboards: break the first panels of system-health through its source and rebuild.
copy_tree
src="$work/tree/dashboards/src/system-health.src.json"
jq '.rows[0].panels[0].unit = "tokens"
  | .rows[0].panels[1].targets[0].expr |= sub("\\$__rate_interval"; "5m")
  | .rows[0].panels[2].targets[0].expr = "sum(rate(x[$__rate_interval])"
  | .rows[0].panels[3].targets[0].expr = "sum(rate(http_requests_total{q=\"$nope\"}[$__rate_interval]))"
  | .rows[0].panels[4].description = ""' "$src" > "$src.new" && mv "$src.new" "$src"
"$work/tree/dashboards/build.sh"
jq '.templating.list[0].type = "custom"' "$work/tree/dashboards/spek.json" > "$work/spek.json"
sed -i 's/"uid": "${datasource}"/"uid": "prometheus"/' "$work/spek.json"
cp "$work/spek.json" "$work/tree/dashboards/spek.json"
expect check_dashboards.sh 'panel "Request rate by service": unit "tokens" missing or unknown'
expect check_dashboards.sh 'panel "Error ratio by service": range [5m] is not [$__rate_interval] or [$__range]'
expect check_dashboards.sh 'unclosed left parenthesis'
expect check_dashboards.sh 'query uses undefined variable $nope'
expect check_dashboards.sh 'panel "LLM requests by service": reads an external exporter but its description does not start with "External exporter:"'
expect check_dashboards.sh 'panel "Error and warning log records by service": no description'
expect check_dashboards.sh 'spek.json differs from dashboards/build.sh output'
expect check_dashboards.sh 'spek.json: needs exactly one variable `datasource`'
expect check_dashboards.sh 'spek.json: panel "Service Health": datasource is not ${datasource}'

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
expect check_alert_rules.sh 'RedisDown: runbook'
expect check_alert_rules.sh "PostgreSQLDown: summary 'PostgreSQL is down' is not one sentence ending in a period"
expect check_alert_rules.sh "SpecularHighErrorRate: severity 'high' is not critical|warning|info"
expect check_alert_rules.sh 'UntestedAlert: no unit-test case where it fires'
expect check_alert_rules.sh 'UntestedAlert: no unit-test case where it stays silent'

if [[ $failures -gt 0 ]]; then echo "$failures failure(s)" >&2; exit 1; fi
echo OK
