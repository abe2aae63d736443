#!/usr/bin/env bash
# Builds the specwatch Debian package from a build tree (the specwatch and specwatch_otlp_grpc
# targets built) with dpkg-deb:
#   deploy/debian/build-deb.sh BUILD_DIR OUT_DIR
# prints the path of the .deb it wrote (OUT_DIR/specwatch_<version>_<arch>.deb). Layout:
#   /usr/bin/specwatch, /usr/lib/specwatch/libspecwatch_otlp_grpc.so (the gRPC module),
#   /etc/specwatch/specwatch.yaml (conffile), /lib/systemd/system/specwatch.service,
#   /usr/share/specwatch/{alerts,dashboards,profiles}/, /usr/share/doc/specwatch/.
# The postinst creates the system user specwatch and /var/lib/specwatch owned by it.
# Needs dpkg-dev (dpkg-shlibdeps, dpkg-architecture) and binutils (strip).
set -euo pipefail
build=$(cd "${1:?usage: build-deb.sh BUILD_DIR OUT_DIR}" && pwd)
mkdir -p "${2:?usage: build-deb.sh BUILD_DIR OUT_DIR}"
out=$(cd "$2" && pwd)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$root/deploy/debian

binary=$build/sidecar/app/specwatch
module=$build/sidecar/app/libspecwatch_otlp_grpc.so
for f in "$binary" "$module"; do
  [[ -f $f ]] || { echo "build-deb: $f not found (build the specwatch target)" >&2; exit 1; }
done
version=$(sed -n 's/^project(specwatch VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
[[ -n $version ]] || { echo "build-deb: no version in CMakeLists.txt" >&2; exit 1; }
arch=$(dpkg --print-architecture)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pkg=$work/pkg
umask 022

install -d "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/usr/lib/specwatch" "$pkg/etc/specwatch" \
  "$pkg/lib/systemd/system" "$pkg/usr/share/doc/specwatch" \
  "$pkg/usr/share/specwatch/alerts/templates" "$pkg/usr/share/specwatch/dashboards/provisioning" \
  "$pkg/usr/share/specwatch/profiles"
install -m 0755 "$binary" "$pkg/usr/bin/specwatch"
install -m 0644 "$module" "$pkg/usr/lib/specwatch/libspecwatch_otlp_grpc.so"
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
  "$pkg/usr/bin/specwatch" "$pkg/usr/lib/specwatch/libspecwatch_otlp_grpc.so"
install -m 0644 "$here/specwatch.yaml" "$pkg/etc/specwatch/specwatch.yaml"
install -m 0644 "$here/specwatch.service" "$pkg/lib/systemd/system/specwatch.service"
install -m 0644 "$root"/alerts/*.rules.yml "$root/alerts/alertmanager.yml" "$pkg/usr/share/specwatch/alerts/"
install -m 0644 "$root"/alerts/templates/*.tmpl "$pkg/usr/share/specwatch/alerts/templates/"
install -m 0644 "$root"/dashboards/*.json "$pkg/usr/share/specwatch/dashboards/"
install -m 0644 "$root"/dashboards/provisioning/*.yml "$pkg/usr/share/specwatch/dashboards/provisioning/"
install -m 0644 "$root"/sidecar/normalize/profiles/*.yaml "$pkg/usr/share/specwatch/profiles/"
install -m 0644 "$here/copyright" "$pkg/usr/share/doc/specwatch/copyright"
install -m 0644 "$root/docs/CONFIGURATION.md" "$root/docs/DEPLOYMENT.md" "$root/docs/METRICS.md" \
  "$pkg/usr/share/doc/specwatch/"
# The budgets' fleet rules, when the repository has them (see deploy/generate).
for f in "$root/rules/budgets.rules.yml" "$root"/rules/generated/*.rules.yml; do
  [[ -f $f ]] && install -m 0644 "$f" "$pkg/usr/share/specwatch/alerts/"
done
date=$(date -R -u -d "@${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}")
printf 'specwatch (%s) unstable; urgency=medium\n\n  * Package built from the specwatch repository.\n\n -- specwatch maintainers <maintainers@specwatch.dev>  %s\n' \
  "$version" "$date" | gzip -9n > "$pkg/usr/share/doc/specwatch/changelog.gz"
for script in postinst prerm postrm; do
  install -m 0755 "$here/$script" "$pkg/DEBIAN/$script"
done
echo /etc/specwatch/specwatch.yaml > "$pkg/DEBIAN/conffiles"

# Shared-library dependencies as Debian computes them. The module's symbols that the executable
# provides (-rdynamic) are not found in any library; dpkg-shlibdeps says so, which is expected.
mkdir -p "$work/src/debian"
printf 'Source: specwatch\n\nPackage: specwatch\nArchitecture: any\n' > "$work/src/debian/control"
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O --warnings=0 \
  -e"$pkg/usr/bin/specwatch" -e"$pkg/usr/lib/specwatch/libspecwatch_otlp_grpc.so" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')
[[ -n $shlibs ]] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

(cd "$pkg" && find usr lib etc -type f -print0 | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
installed_size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: specwatch
Version: $version
Architecture: $arch
Maintainer: specwatch maintainers <maintainers@specwatch.dev>
Installed-Size: $installed_size
Depends: $shlibs, adduser, tzdata
Section: admin
Priority: optional
Homepage: https://github.com/specwatch/specwatch
Description: observability sidecar for the AI development stack
 specwatch tails the JSON trace logs and text logs of Specular, Spec Agents,
 SPEK and SpecWeaver durably, receives OTLP traces, logs and metrics, derives
 LLM latency, token, cost and compliance metrics and serves them to
 Prometheus on /metrics, with /health and /ready.
 .
 The package ships a systemd service, the default configuration, and the
 bundled Prometheus rules, Alertmanager routing and Grafana dashboards under
 /usr/share/specwatch.
CONTROL
deb=$out/specwatch_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "$deb"
