#!/usr/bin/env bash
# No include points back up the layers: each part of the daemon may include only the parts below
# it (the table below, lowest first; docs/ARCHITECTURE.md explains the order). A file's part is its
# folder under sidecar/ or exporters/; tests, benchmarks and the app may include anything.
# Usage: check_layers.sh REPO_ROOT
set -euo pipefail
cd "$1"
# part: the parts it may include (besides itself)
declare -A allowed=(
  [core]=""
  [state]="core"
  [redact]="core config"
  [config]="core"
  [framing]="core config"
  [pipeline]="core config framing"
  [normalize]="core config framing pipeline"
  [derive]="core config redact framing pipeline normalize"
  [sources/file]="core config state framing pipeline"
  [http]="core config"
  [observability]="core config http"
  [otlp_metrics]="core config redact"
  [otlp]="core config redact framing pipeline normalize derive http otlp_metrics"
  [rules]="core config state http"
  [budgets]="core config state redact framing pipeline normalize derive"
  [status]="core config http state redact framing pipeline normalize derive budgets"
)
part_of() {
  local f="$1" p
  for p in "${!allowed[@]}"; do
    case "$f" in
      sidecar/"$p"/*) echo "$p"; return ;;
    esac
  done
  echo ""
}
violations=0
checked=0
while IFS= read -r file; do
  part=$(part_of "$file")
  [ -n "$part" ] || continue
  checked=$((checked + 1))
  while IFS= read -r inc; do
    target=$(part_of "$inc")
    if [ -z "$target" ]; then
      case "$inc" in sidecar/*|exporters/*) ;; *) continue ;; esac
      echo "FAIL: $file includes $inc, which belongs to no lower layer"
      violations=$((violations + 1))
      continue
    fi
    [ "$target" = "$part" ] && continue
    case " ${allowed[$part]} " in
      *" $target "*) ;;
      *) echo "FAIL: $file ($part) includes $inc ($target)"; violations=$((violations + 1)) ;;
    esac
  done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file")
done < <(git ls-files -- 'sidecar/*.h' 'sidecar/*.cpp' 'sidecar/*.cpp.in')
echo "checked $checked files of sidecar/, $violations include(s) pointing up the layers"
[ "$violations" -eq 0 ]
