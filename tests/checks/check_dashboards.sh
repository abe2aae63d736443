#!/usr/bin/env bash
# Enforces the dashboard conventions on every dashboards/*.json and proves every panel query
# parses as PromQL with the real promtool.
#   - the committed JSON is exactly what dashboards/build.sh makes from dashboards/src/;
#   - stable uid (8-40 characters of [a-z0-9-], unique), id null, a title, __inputs/__requires;
#   - exactly one template variable `datasource` of type datasource with query prometheus, and
#     every panel and every query uses it (uid "${datasource}");
#   - every template variable used by a query is defined;
#   - every panel (rows excepted) has a description and a known Grafana unit;
#   - every range selector is [$__rate_interval] (or [$__range] for totals over the time range);
#   - panels reading metrics that specwatch does not produce start their description with
#     "External exporter:", and the dashboard description lists them;
#   - panels reading metrics that only specwatch's OTLP receiver produces (specwatch_span_*,
#     specwatch_otlp_*, specular_command_*) start their description with "OTLP input:" (the live
#     check skips them unless told to include them);
#   - every query, with variables substituted, passes `promtool check rules` as a recording rule.
# Usage: check_dashboards.sh REPO_ROOT [PROMTOOL]   (requires jq)
set -euo pipefail
root=${1:?usage: check_dashboards.sh REPO_ROOT [PROMTOOL]}
promtool=${2:-promtool}
here=$(cd "$(dirname "$0")" && pwd)
command -v jq >/dev/null || { echo "FAIL: jq is required (Debian package jq)" >&2; exit 1; }
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

shopt -s nullglob
dashboards=("$root"/dashboards/*.json)
[[ ${#dashboards[@]} -gt 0 ]] || { echo "FAIL: no dashboards" >&2; exit 1; }

echo "== generated dashboards are up to date"
"$root/dashboards/build.sh" "$work/built"
for f in "${dashboards[@]}"; do
  diff -q "$f" "$work/built/$(basename "$f")" >/dev/null || fail "$(basename "$f") differs from dashboards/build.sh output: run dashboards/build.sh"
done
for f in "$work"/built/*.json; do
  [[ -f $root/dashboards/$(basename "$f") ]] || fail "dashboards/$(basename "$f") not committed: run dashboards/build.sh"
done

# Units Grafana knows that these dashboards may use (a subset of Grafana's unit ids).
units='["s","ms","us","ns","m","h","d","reqps","rps","wps","ops","cps","cpm","opm","rpm","percent","percentunit","short","none","bytes","decbytes","Bps","binBps","currencyUSD","bool","dtdurations"]'
# Metrics written by other exporters (the stack's own services, PostgreSQL/Redis exporters).
external_re='\b(http_requests_total|http_request_duration_seconds(_bucket|_sum|_count)?|active_connections|spek_byzantine_consensus_score|spek_performance_improvement_ratio|pg_[a-z_]+|redis_[a-z_]+)\b|up\{job=~?"(?!specwatch")|process_[a-z_]+\{job="(?!specwatch")'

# Metrics that only the OTLP receiver feeds (spans, receiver self-metrics, Specular command spans).
otlp_re='\b(specwatch_span_[a-z_]+|specwatch_otlp_[a-z_]+|specular_command_[a-z_]+)\b'

echo "== conventions"
declare -A uids
for f in "${dashboards[@]}"; do
  name=$(basename "$f")
  if ! jq empty "$f" 2>/dev/null; then fail "$name is not valid JSON"; continue; fi
  uid=$(jq -r '.uid // ""' "$f")
  [[ $uid =~ ^[a-z0-9-]{8,40}$ ]] || fail "$name: uid '$uid' is not 8-40 characters of [a-z0-9-]"
  [[ -z ${uids[$uid]:-} ]] || fail "$name: uid $uid also used by ${uids[$uid]}"
  uids[$uid]=$name
  while IFS= read -r problem; do
    [[ -n $problem ]] && fail "$name: $problem"
  done < <(jq -r --argjson units "$units" --arg ext "$external_re" --arg otlp "$otlp_re" '
    def panels: [.. | objects | select(has("type") and has("gridPos"))];
    (if has("id") and .id == null then empty else "id must be null" end),
    (if (.title // "") == "" then "no title" else empty end),
    (if (.__inputs | length) > 0 and (.__requires | length) > 0 then empty else "no __inputs/__requires" end),
    ([.templating.list[] | select(.type == "datasource")] as $ds
      | if ($ds | length) == 1 and $ds[0].name == "datasource" and $ds[0].query == "prometheus" then empty
        else "needs exactly one variable `datasource` of type datasource with query prometheus" end),
    ([.templating.list[].name] as $vars
      | [panels[] | .targets[]? | .expr | scan("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)") | .[0]
         | select(startswith("__") | not)] | unique[]
      | select(. as $v | $vars | index($v) | not) | "query uses undefined variable $\(.)"),
    ([.templating.list[] | select(.type == "query") | select(.datasource.uid != "${datasource}") | .name][]
      | "variable \(.) does not use ${datasource}"),
    (.description as $dd | panels[] | select(.type != "row") | . as $p
      | (if ($p.description // "") == "" then "panel \"\($p.title)\": no description" else empty end),
        (if ($p.fieldConfig.defaults.unit // "") as $u | $units | index($u) then empty
         else "panel \"\($p.title)\": unit \"\($p.fieldConfig.defaults.unit // "")\" missing or unknown" end),
        (if $p.datasource.uid == "${datasource}" then empty else "panel \"\($p.title)\": datasource is not ${datasource}" end),
        (if ($p.targets | length) > 0 then empty else "panel \"\($p.title)\": no queries" end),
        ($p.targets[] | select(.datasource.uid != "${datasource}") | "panel \"\($p.title)\": query \(.refId) does not use ${datasource}"),
        ($p.targets[] | .expr | scan("\\[[^\\]]*\\]") | select(. != "[$__rate_interval]" and . != "[$__range]")
          | "panel \"\($p.title)\": range \(.) is not [$__rate_interval] or [$__range]"),
        ([$p.targets[].expr | test($ext)] | any) as $is_ext
        | (($p.description // "") | startswith("External exporter:")) as $marked
        | (if $is_ext and ($marked | not) then "panel \"\($p.title)\": reads an external exporter but its description does not start with \"External exporter:\"" else empty end),
          (if $marked and (($dd // "") | contains($p.title) | not) then "panel \"\($p.title)\": external but not listed in the dashboard description" else empty end),
        (if ([$p.targets[].expr | test($otlp)] | any) and ((($p.description // "") | startswith("OTLP input:")) | not)
         then "panel \"\($p.title)\": reads metrics only the OTLP receiver feeds but its description does not start with \"OTLP input:\"" else empty end))
  ' "$f")
done

echo "== every panel query parses (promtool check rules)"
rules="$work/dashboard-queries.rules.yml"
{
  echo "groups:"
  echo "  - name: dashboard-queries"
  echo "    rules:"
  n=0
  while IFS=$'\t' read -r uid title _ expr; do
    n=$((n + 1))
    echo "      # $uid / $title"
    echo "      - record: dashboard_check:query_$n:parse"
    echo "        expr: |"
    echo "          $expr"
  done < <("$here/dashboard_queries.sh" "${dashboards[@]}")
} > "$rules"
count=$(grep -c 'record:' "$rules" || true)
if ! "$promtool" check rules "$rules" > "$work/promtool.out" 2>&1; then
  cat "$work/promtool.out" >&2
  fail "some panel queries do not parse (file: see above)"
fi

echo "checked ${#dashboards[@]} dashboards, $count queries"
if [[ $failures -gt 0 ]]; then echo "$failures failure(s)" >&2; exit 1; fi
echo OK
