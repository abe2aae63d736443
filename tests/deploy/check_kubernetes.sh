#!/usr/bin/env bash
# Checks deploy/kubernetes:
#   1. the generated files are what deploy/generate produces now;
#   2. kubectl kustomize renders the base, every variant, every overlay and the monitoring
#      objects (skipped, and said so, when no kubectl with Kustomize v5 is found: the plain
#      manifests and the generated monitoring objects are then validated as files);
#   3. every rendered object validates against the Kubernetes / Prometheus Operator schemas;
#   4. the sidecar's shape in each rendered workload (check_sidecar_shape.js);
#   5. the scrape variants: PodMonitor (base), ServiceMonitor + Service, prometheus.io annotations;
#   6. the PrometheusRules pass promtool check rules once unwrapped, and the dashboard
#      ConfigMaps carry exactly dashboards/*.json;
#   7. with SPECWATCH (the built binary): specwatch validate accepts every rendered configuration.
# Usage: check_kubernetes.sh REPO_ROOT PROMTOOL [KUBECTL] [SPECWATCH]
set -euo pipefail
root=$(cd "${1:?usage: check_kubernetes.sh REPO_ROOT PROMTOOL [KUBECTL] [SPECWATCH]}" && pwd)
promtool=${2:?promtool}
kubectl=${3:-}
specwatch=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
k8s=$root/deploy/kubernetes
[[ -d $here/node_modules/kubernetes-models ]] || { echo "FAIL: $here/node_modules missing: run scripts/setup.sh test" >&2; exit 1; }
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== generated files are up to date (deploy/generate)"
"$root/deploy/generate" "$work/gen"
for f in "$work"/gen/deploy/kubernetes/monitoring/kustomization.yaml \
         "$work"/gen/deploy/kubernetes/monitoring/generated/*.yaml \
         "$work"/gen/deploy/kubernetes/components/pre-1.29-sidecar/sidecar-as-container.yaml; do
  rel=${f#"$work"/gen/}
  if ! diff -q "$f" "$root/$rel" >/dev/null 2>&1; then fail "$rel differs from deploy/generate output: run deploy/generate"; else echo "up to date: $rel"; fi
done
for f in "$root"/deploy/kubernetes/monitoring/generated/*.yaml; do
  [[ -f $work/gen/${f#"$root"/} ]] || fail "${f#"$root"/} is not generated any more: remove it"
done

targets=(base variants/pre-1.29 variants/servicemonitor variants/scrape-annotations
         overlays/specular overlays/spec-agents overlays/spek overlays/specweaver monitoring)
can_render=false
if [[ -n $kubectl ]] && grep -q 'Kustomize Version: v5' <<<"$("$kubectl" version --client 2>/dev/null)"; then
  can_render=true
fi

if $can_render; then
  echo "== kubectl kustomize ($("$kubectl" version --client | tr '\n' ' '))"
  for t in "${targets[@]}"; do
    out=$work/render-${t//\//_}.yaml
    if "$kubectl" kustomize "$k8s/$t" > "$out"; then
      echo "rendered $t: $(grep -c '^kind:' "$out") objects"
    else
      fail "kubectl kustomize $t"
    fi
  done

  echo "== schema validation"
  node "$here/validate_manifests.js" "$work"/render-*.yaml || fail "schema validation"

  echo "== sidecar shape"
  for t in base variants/servicemonitor variants/scrape-annotations overlays/specular overlays/spec-agents overlays/spek overlays/specweaver; do
    node "$here/check_sidecar_shape.js" native "$work/render-${t//\//_}.yaml" || fail "sidecar shape: $t"
  done
  node "$here/check_sidecar_shape.js" container "$work/render-variants_pre-1.29.yaml" || fail "sidecar shape: variants/pre-1.29"

  echo "== scrape variants"
  kinds() { grep '^kind:' "$1" | sort | tr '\n' ' '; }
  [[ $(kinds "$work/render-base.yaml") == "kind: ConfigMap kind: Deployment kind: PodMonitor kind: Secret " ]] \
    || fail "base objects: $(kinds "$work/render-base.yaml")"
  [[ $(kinds "$work/render-variants_servicemonitor.yaml") == "kind: ConfigMap kind: Deployment kind: Secret kind: Service kind: ServiceMonitor " ]] \
    || fail "servicemonitor objects: $(kinds "$work/render-variants_servicemonitor.yaml")"
  [[ $(kinds "$work/render-variants_scrape-annotations.yaml") == "kind: ConfigMap kind: Deployment kind: Secret " ]] \
    || fail "scrape-annotations objects: $(kinds "$work/render-variants_scrape-annotations.yaml")"
  for a in 'prometheus.io/scrape: "true"' 'prometheus.io/port: "9464"' 'prometheus.io/path: /metrics'; do
    grep -qF "$a" "$work/render-variants_scrape-annotations.yaml" || fail "scrape-annotations: no $a"
  done
  for f in base variants_servicemonitor; do
    grep -q 'replacement: specwatch' "$work/render-$f.yaml" && grep -q 'targetLabel: job' "$work/render-$f.yaml" \
      || fail "$f: the monitor does not set job=specwatch"
  done
  echo "checked: PodMonitor, ServiceMonitor + Service, prometheus.io annotations"
  monitoring=$work/render-monitoring.yaml
else
  echo "SKIPPED rendering: no kubectl with Kustomize v5 found (see deploy/kubernetes/README.md);"
  echo "validating the manifests as files instead"
  node "$here/validate_manifests.js" "$k8s"/components/podmonitor/podmonitor.yaml \
    "$k8s"/components/servicemonitor/service.yaml "$k8s"/components/servicemonitor/servicemonitor.yaml \
    "$k8s"/base/workload.yaml "$k8s"/monitoring/generated/*.yaml || fail "schema validation"
  monitoring=$work/monitoring.yaml
  for f in "$k8s"/monitoring/generated/*.yaml; do cat "$f"; echo '---'; done > "$monitoring"
fi

echo "== monitoring objects"
mkdir -p "$work/rules"
node "$here/unwrap_monitoring.js" "$monitoring" "$work/rules" "$root" || fail "monitoring objects"
"$promtool" check rules "$work"/rules/*.rules.yml || fail "promtool check rules on the unwrapped PrometheusRules"

if [[ -n $specwatch ]] && $can_render; then
  echo "== specwatch validate on every rendered configuration"
  for t in base overlays/specular overlays/spec-agents overlays/spek overlays/specweaver; do
    cfg=$work/config-${t//\//_}.yaml
    node -e '
      const YAML = require(process.argv[1] + "/node_modules/yaml");
      const docs = YAML.parseAllDocuments(require("fs").readFileSync(process.argv[2], "utf8")).map((d) => d.toJS());
      const map = docs.find((d) => d && d.kind === "ConfigMap" && d.metadata.name.startsWith("specwatch-config"));
      process.stdout.write(map.data["specwatch.yaml"]);' "$here" "$work/render-${t//\//_}.yaml" > "$cfg"
    if out=$(SPECWATCH_STATE_DIR=$work/state "$specwatch" validate --config "$cfg" 2>&1); then
      echo "specwatch validate $t: $out"
    else
      fail "specwatch validate $t: $out"
    fi
  done
fi

if [[ $failures -gt 0 ]]; then echo "$failures check(s) failed" >&2; exit 1; fi
echo "all Kubernetes checks passed"
