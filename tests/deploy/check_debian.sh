#!/usr/bin/env bash
# Builds the Debian package from the build tree into a temporary directory
# (deploy/debian/build-deb.sh) and checks it:
#   1. lintian reports no error;
#   2. the package's file list is exactly the expected one (binary, module, conffile, unit,
#      bundled rules, dashboards and profiles, docs), with the expected modes;
#   3. control: conffiles, dependencies, maintainer scripts creating the specwatch user and
#      /var/lib/specwatch;
#   4. systemd-analyze verify passes on the unit inside the extracted package (with the host's
#      systemd units beside it), and the unit has the hardening options;
#   5. the extracted /usr/bin/specwatch loads the gRPC module from /usr/lib/specwatch/.
# Usage: check_debian.sh REPO_ROOT BUILD_DIR
set -euo pipefail
root=$(cd "${1:?usage: check_debian.sh REPO_ROOT BUILD_DIR}" && pwd)
build=$(cd "${2:?usage: check_debian.sh REPO_ROOT BUILD_DIR}" && pwd)
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
work=$(mktemp -d)
pid=
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

echo "== build"
deb=$("$root/deploy/debian/build-deb.sh" "$build" "$work/out")
echo "built $deb"

echo "== lintian"
lintian_out=$(lintian --tag-display-limit 0 "$deb" 2>&1 | grep -v 'running with root privileges' || true)
echo "$lintian_out"
grep -q '^E: ' <<<"$lintian_out" && fail "lintian reports errors"

echo "== file list"
shopt -s nullglob
{
  printf '%s\n' ./etc/ ./etc/specwatch/ ./etc/specwatch/specwatch.yaml ./lib/ ./lib/systemd/ \
    ./lib/systemd/system/ ./lib/systemd/system/specwatch.service ./usr/ ./usr/bin/ \
    ./usr/bin/specwatch ./usr/lib/ ./usr/lib/specwatch/ ./usr/lib/specwatch/libspecwatch_otlp_grpc.so \
    ./usr/share/ ./usr/share/doc/ ./usr/share/doc/specwatch/ ./usr/share/doc/specwatch/CONFIGURATION.md \
    ./usr/share/doc/specwatch/DEPLOYMENT.md ./usr/share/doc/specwatch/METRICS.md \
    ./usr/share/doc/specwatch/changelog.gz ./usr/share/doc/specwatch/copyright \
    ./usr/share/specwatch/ ./usr/share/specwatch/alerts/ ./usr/share/specwatch/alerts/templates/ \
    ./usr/share/specwatch/dashboards/ ./usr/share/specwatch/dashboards/provisioning/ \
    ./usr/share/specwatch/profiles/ ./usr/share/specwatch/alerts/alertmanager.yml ./
  for f in "$root"/alerts/*.rules.yml "$root"/rules/budgets.rules.yml "$root"/rules/generated/*.rules.yml; do
    [[ -f $f ]] && echo "./usr/share/specwatch/alerts/$(basename "$f")"
  done
  for f in "$root"/alerts/templates/*.tmpl; do echo "./usr/share/specwatch/alerts/templates/$(basename "$f")"; done
  for f in "$root"/dashboards/*.json; do echo "./usr/share/specwatch/dashboards/$(basename "$f")"; done
  for f in "$root"/dashboards/provisioning/*.yml; do echo "./usr/share/specwatch/dashboards/provisioning/$(basename "$f")"; done
  for f in "$root"/sidecar/normalize/profiles/*.yaml; do echo "./usr/share/specwatch/profiles/$(basename "$f")"; done
} | sort > "$work/expected.txt"
dpkg-deb -c "$deb" | awk '{print $6}' | sort > "$work/actual.txt"
if diff -u "$work/expected.txt" "$work/actual.txt"; then
  echo "file list: $(wc -l < "$work/actual.txt") entries as expected"
else
  fail "file list differs (- expected, + actual)"
fi
modes=$(dpkg-deb -c "$deb" | awk '$6=="./usr/bin/specwatch"||$6=="./usr/lib/specwatch/libspecwatch_otlp_grpc.so"||$6=="./etc/specwatch/specwatch.yaml"{print $6, $1, $2}')
expected_modes="./etc/specwatch/specwatch.yaml -rw-r--r-- root/root
./usr/bin/specwatch -rwxr-xr-x root/root
./usr/lib/specwatch/libspecwatch_otlp_grpc.so -rw-r--r-- root/root"
[[ $modes == "$expected_modes" ]] && echo "modes and owners as expected" || fail "modes: $modes"

echo "== control"
dpkg-deb -e "$deb" "$work/control"
[[ $(cat "$work/control/conffiles") == "/etc/specwatch/specwatch.yaml" ]] && echo "conffiles: /etc/specwatch/specwatch.yaml" \
  || fail "conffiles: $(cat "$work/control/conffiles")"
depends=$(dpkg-deb -f "$deb" Depends)
for d in 'libc6 (>=' 'libgrpc++1.51' 'libprometheus-cpp-core1.0' 'libsimdjson14' 'libisal2' 'libyaml-cpp0.7' 'librdkafka1' 'adduser'; do
  grep -qF "$d" <<<"$depends" || fail "Depends lacks $d: $depends"
done
echo "Depends: $depends"
grep -q 'adduser --system --group --home /var/lib/specwatch --no-create-home' "$work/control/postinst" \
  || fail "postinst does not create the system user specwatch"
grep -q 'install -d -o specwatch -g specwatch -m 0750 /var/lib/specwatch' "$work/control/postinst" \
  || fail "postinst does not create /var/lib/specwatch owned by specwatch"

echo "== systemd unit"
tree=$work/tree
dpkg-deb -x "$deb" "$tree"
unit=$tree/lib/systemd/system/specwatch.service
for option in 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=read-only' \
              'ReadWritePaths=/var/lib/specwatch' 'PrivateTmp=yes' 'CapabilityBoundingSet=' \
              'ExecReload=/bin/kill -HUP $MAINPID' 'User=specwatch' \
              'ExecStart=/usr/bin/specwatch run --config /etc/specwatch/specwatch.yaml'; do
  grep -qxF "$option" "$unit" && echo "unit has $option" || fail "unit lacks $option"
done
# The units the service refers to (targets) and /bin/kill, from the host, beside the package.
cp -an /lib/systemd/system/. "$tree/lib/systemd/system/"
mkdir -p "$tree/bin" && cp /bin/kill "$tree/bin/kill"
if verify=$(systemd-analyze verify --root="$tree" "$unit" 2>&1) && [[ -z $verify ]]; then
  echo "systemd-analyze verify: clean"
else
  fail "systemd-analyze verify: $verify"
fi

echo "== the packaged binary loads the gRPC module from /usr/lib/specwatch"
cat > "$work/grpc.yaml" <<YAML
http: { listen: "127.0.0.1:0" }
state_dir: "$work/state"
otlp:
  grpc: { listen: "127.0.0.1:0" }
  http: { enabled: false }
YAML
"$tree/usr/bin/specwatch" run --config "$work/grpc.yaml" > "$work/run.log" 2>&1 &
pid=$!
deadline=$((SECONDS + 15))
until grep -q 'OTLP/gRPC receiver listening' "$work/run.log" || grep -q 'OTLP/gRPC receiver unavailable' "$work/run.log" \
      || (( SECONDS > deadline )); do sleep 0.1; done
maps=$(cat "/proc/$pid/maps" 2>/dev/null || true)
kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=
if grep -q 'OTLP/gRPC receiver listening' "$work/run.log" && grep -qF "$tree/usr/lib/specwatch/libspecwatch_otlp_grpc.so" <<<"$maps"; then
  echo "gRPC receiver listening, module mapped from $tree/usr/lib/specwatch/"
else
  fail "gRPC module not loaded from the package layout: $(cat "$work/run.log")"
fi

if [[ $failures -gt 0 ]]; then echo "$failures check(s) failed" >&2; exit 1; fi
echo "all Debian package checks passed"
