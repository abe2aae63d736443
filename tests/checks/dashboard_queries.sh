#!/usr/bin/env bash
# Prints every query of every panel of the given Grafana dashboards, one per line:
#   <dashboard uid> TAB <panel title> TAB <input: specwatch|external|otlp> TAB <PromQL with variables substituted>
# Grafana's variables are replaced by values Prometheus accepts: $__rate_interval and
# $__interval by RATE_INTERVAL (default 1m), $__range by RANGE (default 1h), and every template
# variable ($service, ${provider}, ...) by ".*" (the dashboards' "All" value).
# Panels whose description starts with "External exporter:" are marked external: they read
# metrics that other exporters write, not specwatch. Panels whose description starts with
# "OTLP input:" are marked otlp: specwatch derives their metrics only from data received by its
# OTLP receiver (spans, OTLP metrics), never from the tools' files.
# Usage: dashboard_queries.sh DASHBOARD.json...   (requires jq)
set -euo pipefail
rate_interval=${RATE_INTERVAL:-1m}
range=${RANGE:-1h}
for f in "$@"; do
  jq -r --arg ri "$rate_interval" --arg range "$range" '
    .uid as $uid
    | [.. | objects | select(has("targets") and (.type // "") != "row")] as $panels
    | $panels[]
    | . as $p
    | ($p.description // "") as $d
    | (if ($d | startswith("External exporter:")) then "external"
       elif ($d | startswith("OTLP input:")) then "otlp" else "specwatch" end) as $input
    | $p.targets[]
    | .expr
    | gsub("\\$__rate_interval|\\$\\{__rate_interval\\}|\\$__interval|\\$\\{__interval\\}"; $ri)
    | gsub("\\$__range|\\$\\{__range\\}"; $range)
    | gsub("\\$\\{?[A-Za-z_][A-Za-z0-9_]*\\}?"; ".*")
    | gsub("[\\n\\t]"; " ")
    | "\($uid)\t\($p.title)\t\($input)\t\(.)"
  ' "$f"
done
