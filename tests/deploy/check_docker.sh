#!/usr/bin/env bash
# Checks deploy/docker without a Docker engine:
#   1. compose.yaml parses and everything it refers to exists (check_compose.js);
#   2. the Compose Prometheus configuration passes promtool check config, with alerts/ where the
#      container mounts it (every alerts/*.rules.yml found and checked);
#   3. the Compose Alertmanager configuration (alerts/alertmanager.yml) passes amtool check-config;
#   4. the Dockerfile passes dockerfilelint (npm, pinned in package-lock.json) and has the
#      essentials: Debian 12 builder, pinned bases, no ADD, fixed non-root UID, HEALTHCHECK on
#      /health, the gRPC module beside the binary.
# Usage: check_docker.sh REPO_ROOT PROMTOOL AMTOOL
set -euo pipefail
root=$(cd "${1:?usage: check_docker.sh REPO_ROOT PROMTOOL AMTOOL}" && pwd)
promtool=${2:?promtool}
amtool=${3:?amtool}
here=$(cd "$(dirname "$0")" && pwd)
docker=$root/deploy/docker
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== compose.yaml"
node "$here/check_compose.js" "$root" || fail "compose.yaml"

echo "== promtool check config (Compose Prometheus)"
cp "$docker/prometheus/prometheus.yml" "$work/prometheus.yml"
ln -s "$root/alerts" "$work/rules"
shopt -s nullglob
rule_files=("$root"/alerts/*.rules.yml)
if out=$("$promtool" check config "$work/prometheus.yml" 2>&1); then
  sed -n 1,3p <<<"$out"
  grep -q "SUCCESS: ${#rule_files[@]} rule files found" <<<"$out" || fail "expected ${#rule_files[@]} rule files: $out"
else
  fail "promtool check config: $out"
fi

echo "== amtool check-config (Compose Alertmanager)"
"$amtool" check-config "$root/alerts/alertmanager.yml" || fail "amtool check-config"

echo "== Dockerfile"
df=$docker/Dockerfile
node "$here/node_modules/dockerfilelint/bin/dockerfilelint" "$df" || fail "dockerfilelint"
expect_line() { grep -Eq "$1" "$df" && echo "ok: $2" || fail "Dockerfile: $2"; }
expect_line '^FROM debian:12\.[0-9]+-slim AS builder$' "Debian 12 builder, pinned to a point release"
[[ $(grep -c '^FROM ' "$df") -eq 2 ]] && echo "ok: two stages" || fail "Dockerfile: two stages expected"
grep -E '^FROM ' "$df" | grep -Evq '(:[0-9][0-9.]*-slim|@sha256:[0-9a-f]{64})( AS [a-z]+)?$' \
  && fail "Dockerfile: a base image not pinned by version or digest" || echo "ok: bases pinned"
grep -Eq '^ADD ' "$df" && fail "Dockerfile: ADD used" || echo "ok: no ADD"
expect_line 'useradd --system --uid 10001 --gid 10001' "fixed UID 10001"
expect_line '^USER 10001:10001$' "runs as 10001"
expect_line '^HEALTHCHECK .*$' "HEALTHCHECK"
expect_line 'http://127\.0\.0\.1:9464/health' "HEALTHCHECK on /health"
expect_line '^COPY --from=builder /build/sidecar/app/specwatch /opt/specwatch/bin/specwatch$' "binary"
expect_line '^COPY --from=builder /build/sidecar/app/libspecwatch_otlp_grpc.so /opt/specwatch/bin/libspecwatch_otlp_grpc.so$' "gRPC module beside the binary"
expect_line '^ENTRYPOINT \["/opt/specwatch/bin/specwatch"\]$' "entrypoint"
# The runtime stage installs no compiler or -dev package.
awk '/^FROM /{n++} n==2' "$df" | grep -Eq -- '-dev\b|build-essential|cmake' \
  && fail "Dockerfile: build tools in the runtime stage" || echo "ok: runtime has only runtime libraries"
for f in $(sed -n 's/^COPY \([^-][^ ]*\) .*/\1/p' "$df"); do
  [[ -e $root/$f ]] && echo "ok: COPY source $f exists" || fail "Dockerfile: COPY source $f missing"
done

if [[ $failures -gt 0 ]]; then echo "$failures check(s) failed" >&2; exit 1; fi
echo "all Docker checks passed"
