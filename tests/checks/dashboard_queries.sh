#!/usr/bin/env bash
# Prints every query of every panel of the given Grafana dashboards, one per line:
#   <dashboard uid> TAB <panel title> TAB <external: yes|no> TAB <PromQL with variables substituted>
# Grafana's variables are replaced by values Prometheus accepts: $__rate_interval and
# $__interval by RATE_INTERVAL (default 1m), $__range by RANGE (default 1h), and every template
# variable ($service, ${provider}, ...) by ".*" (the dashboards' "All" value).
# Panels whose description starts with "External exporter:" are marked external: they read
# metrics that other exporters write, not specwatch.
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
    | (($p.description // "") | startswith("External exporter:")) as $ext
    | $p.targets[]
    | .expr
    | gsub("\\$__rate_interval|\\$\\{__rate_interval\\}|\\$__interval|\\$\\{__interval\\}"; $ri)
    | gsub("\\$__range|\\$\\{__range\\}"; $range)
    | gsub("\\$\\{?[A-Za-z_][A-Za-z0-9_]*\\}?"; ".*")
    | gsub("[\\n\\t]"; " ")
    | "\($uid)\t\($p.title)\t\(if $ext then "yes" else "no" end)\t\(.)"
  ' "$f"
done
