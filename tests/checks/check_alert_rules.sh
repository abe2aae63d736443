#!/usr/bin/env bash
# Checks the Prometheus rules in alerts/ with the real promtool:
#   1. promtool check rules on every alerts/*.rules.yml;
#   2. promtool test rules on every alerts/tests/*.test.yml;
#   3. every alert has one unit-test case where it fires (non-empty exp_alerts) and one where it
#      does not (exp_alerts: []);
#   4. conventions: CamelCase name, severity critical|warning|info, summary is one sentence
#      ending in a period, a description, runbook_url ending in /<AlertName>.md, and
#      docs/runbooks/<AlertName>.md exists with the sections of the runbook template;
#      recording rules are named level:metric:operations.
# Usage: check_alert_rules.sh REPO_ROOT [PROMTOOL]
# The rule files are read line by line (no YAML parser on a plain Debian machine): they keep
# the layout "- alert:/- record:" followed by indented fields, one per line.
set -euo pipefail
root=${1:?usage: check_alert_rules.sh REPO_ROOT [PROMTOOL]}
promtool=${2:-promtool}
alerts="$root/alerts"
runbooks="$root/docs/runbooks"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

shopt -s nullglob
rule_files=("$alerts"/*.rules.yml)
test_files=("$alerts"/tests/*.test.yml)
[[ ${#rule_files[@]} -gt 0 ]] || { echo "FAIL: no rule files in $alerts" >&2; exit 1; }
[[ ${#test_files[@]} -gt 0 ]] || { echo "FAIL: no unit tests in $alerts/tests" >&2; exit 1; }

echo "== promtool check rules"
"$promtool" check rules "${rule_files[@]}" || fail "promtool check rules"

echo "== promtool test rules"
for t in "${test_files[@]}"; do
  (cd "$(dirname "$t")" && "$promtool" test rules "$(basename "$t")") || fail "promtool test rules $t"
done

# One line per rule: kind<TAB>name<TAB>severity<TAB>summary<TAB>has_description<TAB>runbook_url
rules_table() {
  awk '
    function flush() {
      if (kind != "") printf "%s\t%s\t%s\t%s\t%s\t%s\n", kind, name, sev, summary, desc, rb
      kind = ""; name = ""; sev = ""; summary = ""; desc = "no"; rb = ""
    }
    function value(line) { sub(/^[^:]*:[ ]*/, "", line); gsub(/^'\''|'\''$/, "", line); gsub(/^"|"$/, "", line); return line }
    /^[ ]*- (alert|record):/ { flush(); kind = ($0 ~ /alert:/) ? "alert" : "record"; name = value($0); next }
    /^[ ]*severity:/    { sev = value($0) }
    /^[ ]*summary:/     { summary = value($0) }
    /^[ ]*description:/ { desc = "yes" }
    /^[ ]*runbook_url:/ { rb = value($0) }
    END { flush() }
  ' "$@"
}

echo "== conventions"
declare -A seen
while IFS=$'\t' read -r kind name sev summary desc rb; do
  if [[ $kind == record ]]; then
    [[ $name =~ ^[a-z_]*:[a-z0-9_]+:[a-z0-9_]+$ ]] || fail "recording rule $name is not level:metric:operations"
    continue
  fi
  [[ -z ${seen[$name]:-} ]] || fail "alert $name defined twice"
  seen[$name]=1
  [[ $name =~ ^[A-Z][A-Za-z0-9]*$ ]] || fail "$name: alert name is not CamelCase"
  [[ $sev =~ ^(critical|warning|info)$ ]] || fail "$name: severity '$sev' is not critical|warning|info"
  [[ $summary =~ ^[A-Za-z].*[^.]\.$ ]] || fail "$name: summary '$summary' is not one sentence ending in a period"
  [[ $summary != *". "* ]] || fail "$name: summary '$summary' has more than one sentence"
  [[ $desc == yes ]] || fail "$name: no description"
  [[ $rb == *"/$name.md" && $rb == *'https://'* ]] || fail "$name: runbook_url '$rb' does not end in /$name.md"
  rbfile="$runbooks/$name.md"
  if [[ ! -f $rbfile ]]; then
    fail "$name: runbook $rbfile missing"
  else
    for section in Symptoms Impact 'Diagnosis Steps' 'Resolution Steps' Escalation Prevention; do
      grep -q "^### $section" "$rbfile" || fail "$name: runbook lacks '### $section'"
    done
    grep -q '```' "$rbfile" || fail "$name: runbook has no command block"
  fi
done < <(rules_table "${rule_files[@]}")
[[ ${#seen[@]} -gt 0 ]] || fail "no alerts found"

echo "== every alert fires in one test case and stays silent in another"
# Emits "alertname<TAB>fires|silent" for every alert_rule_test entry.
cases=$(awk '
  /^[ ]*alertname:/ { a = $2; getline; if ($0 ~ /exp_alerts:[ ]*\[\][ ]*$/) print a "\tsilent"; else print a "\tfires" }
' "${test_files[@]}")
for name in "${!seen[@]}"; do
  grep -q "^$name	fires$" <<<"$cases" || fail "$name: no unit-test case where it fires"
  grep -q "^$name	silent$" <<<"$cases" || fail "$name: no unit-test case where it stays silent"
done
while IFS=$'\t' read -r name _; do
  [[ -n ${seen[$name]:-} ]] || fail "unit test names unknown alert $name"
done <<<"$cases"

echo "checked ${#seen[@]} alerts in ${#rule_files[@]} rule files, ${#test_files[@]} test files"
if [[ $failures -gt 0 ]]; then echo "$failures failure(s)" >&2; exit 1; fi
echo OK
