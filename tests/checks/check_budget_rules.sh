#!/usr/bin/env bash
# The budgets' fleet rules: rules/generated/budgets.rules.yml must be what `specwatch rules export`
# makes of the bundled deploy/specwatch.yaml; promtool checks it and runs its unit tests
# (rules/tests/budgets.test.yml). The PrometheusRule form must carry the same groups.
# Usage: check_budget_rules.sh REPO_ROOT SPECWATCH PROMTOOL
set -euo pipefail
root=$1 specwatch=$2 promtool=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp SPECWATCH_STATE_DIR=$tmp/state
"$specwatch" rules export --config "$root/deploy/specwatch.yaml" > "$tmp/budgets.rules.yml"
if ! diff -u "$root/rules/generated/budgets.rules.yml" "$tmp/budgets.rules.yml"; then
  echo "rules/generated/budgets.rules.yml is stale: run" \
       "specwatch rules export --config deploy/specwatch.yaml > rules/generated/budgets.rules.yml" >&2
  exit 1
fi
"$promtool" check rules "$root/rules/generated/budgets.rules.yml"
(cd "$root/rules/tests" && "$promtool" test rules budgets.test.yml)
"$specwatch" rules export --config "$root/deploy/specwatch.yaml" --prometheus-rule specwatch-budgets \
  > "$tmp/prometheusrule.yaml"
grep -q '^kind: PrometheusRule$' "$tmp/prometheusrule.yaml"
# The object's spec is the rule file's groups, indented.
diff <(sed -n '/^groups:/,$p' "$tmp/budgets.rules.yml") \
     <(sed -n '/^  groups:/,$p' "$tmp/prometheusrule.yaml" | sed 's/^  //')
echo "budget rules: ok"
