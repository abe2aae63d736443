#!/usr/bin/env bash
# Builds the Grafana dashboards dashboards/<name>.json from the compact sources
# dashboards/src/<name>.src.json (requires jq). The sources hold only what differs between
# panels (title, type, unit, description, queries, thresholds); this script adds what every
# dashboard must carry the same way: id null, the `datasource` variable used by every panel and
# query, the service/provider/model variables, __inputs/__requires for sharing, the layout, and
# the dashboard-level list of panels fed by external exporters.
# Usage: dashboards/build.sh [OUTPUT_DIR]   (default: the dashboards/ folder itself)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
mkdir -p "$out"
for src in "$here"/src/*.src.json; do
  name=$(basename "$src" .src.json)
  jq --indent 2 -f "$here/src/expand.jq" "$src" > "$out/$name.json.tmp"
  mv "$out/$name.json.tmp" "$out/$name.json"
done
