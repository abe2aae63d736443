#!/usr/bin/env bash
# Checks alerts/alertmanager.yml with the real amtool:
#   1. amtool check-config (also loads templates/*.tmpl);
#   2. amtool config routes test: every severity of every service of the stack reaches the
#      intended receiver (critical -> PagerDuty, warning -> Slack, info -> nowhere), and alerts
#      without a severity still reach Slack;
#   3. the critical-inhibits-warning rule and the secrets-from-files settings are present.
# Usage: check_alertmanager.sh REPO_ROOT [AMTOOL]
set -euo pipefail
root=${1:?usage: check_alertmanager.sh REPO_ROOT [AMTOOL]}
amtool=${2:-amtool}
config="$root/alerts/alertmanager.yml"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

echo "== amtool check-config"
"$amtool" check-config "$config" || fail "amtool check-config"

expect_route() {
  local receiver=$1; shift
  if "$amtool" config routes test --config.file="$config" --verify.receivers="$receiver" "$@" >/dev/null; then
    echo "ok   $* -> $receiver"
  else
    fail "$* does not route to $receiver (got: $("$amtool" config routes test --config.file="$config" "$@" 2>&1))"
  fi
}

echo "== routes"
services=(specular spec-agents spek specweaver postgresql redis specwatch)
for service in "${services[@]}"; do
  expect_route pagerduty-critical alertname=Any service="$service" severity=critical
  expect_route slack-warnings alertname=Any service="$service" severity=warning
  expect_route blackhole alertname=Any service="$service" severity=info
done
expect_route pagerduty-critical alertname=SPEKServiceDown service=spek severity=critical job=spek
expect_route slack-warnings alertname=SpecWeaverLLMFallbacks service=specweaver severity=warning
expect_route slack-warnings alertname=NoSeverity service=specular

echo "== inhibition and secrets"
grep -q "source_matchers: \['severity=\"critical\"'\]" "$config" || fail "no inhibit rule with critical source"
grep -q "target_matchers: \['severity=\"warning\"'\]" "$config" || fail "no inhibit rule with warning target"
grep -q 'equal: \[alertname, service\]' "$config" || fail "inhibition is not scoped to alertname and service"
grep -q 'group_by: \[alertname, service\]' "$config" || fail "grouping is not by alertname and service"
grep -q 'routing_key_file:' "$config" || fail "PagerDuty key is not read from a file"
grep -q 'api_url_file:' "$config" || fail "Slack webhook is not read from a file"
grep -q 'send_resolved: true' "$config" || fail "Slack does not send resolved notifications"
if grep -qE '^\s*(routing_key|api_url|service_key):' "$config"; then fail "a secret is inlined in $config"; fi

if [[ $failures -gt 0 ]]; then echo "$failures failure(s)" >&2; exit 1; fi
echo OK
