#!/usr/bin/env bash
# Installs whatever is missing on a Debian 12 machine, from Debian's packages only.
#   scripts/setup.sh run    what building and running the sidecar needs
#   scripts/setup.sh test   that, plus what the test suite needs (real Prometheus, Alertmanager,
#                           kcat as the Kafka consumer of tests/integration/kafka,
#                           Node.js for the OpenTelemetry SDK and the offline validators of
#                           tests/deploy, lintian and systemd for the package checks)
# Idempotent: a package already installed is not touched, and apt is not called at all when
# nothing is missing.
set -euo pipefail

mode="${1:-run}"
run_packages=(
  build-essential cmake pkg-config ca-certificates curl procps
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  prometheus-cpp-dev libboost-dev rapidjson-dev libsimdjson-dev libyaml-cpp-dev zlib1g-dev libisal-dev libxxhash-dev
  libabsl-dev tzdata
  librdkafka1 librdkafka-dev
)
test_packages=(
  libgtest-dev libgmock-dev libbenchmark-dev jq clang-format git
  prometheus prometheus-alertmanager
  lintian dpkg-dev systemd
  chromium
  kcat
)
# Node.js runs the real OpenTelemetry JavaScript SDK of tests/otel (tests/integration/otel). A node
# already on PATH (e.g. a newer one from elsewhere) is used as it is; Debian's packages otherwise.
node_packages=()
if ! command -v node >/dev/null 2>&1; then node_packages+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then node_packages+=(npm); fi
packages=("${run_packages[@]}")
if [ "$mode" = "test" ]; then
  packages+=("${test_packages[@]}" ${node_packages[@]+"${node_packages[@]}"})
elif [ "$mode" != "run" ]; then
  echo "usage: $0 run|test" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  if ! [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == *'install ok installed'* ]]; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# The npm packages pinned by tests/otel/package-lock.json (the OpenTelemetry SDK),
# tests/genai/package-lock.json (the OpenAI and Anthropic SDK clients and the GenAI
# instrumentation libraries) and tests/deploy/package-lock.json (Kubernetes and Prometheus
# Operator schemas, a YAML parser, a Dockerfile linter): installed when node_modules is missing or
# older than the lock file.
if [ "$mode" = "test" ]; then
  repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  for npm_dir in "$repo_dir/tests/otel" "$repo_dir/tests/genai" "$repo_dir/tests/deploy"; do
    if [ ! -d "$npm_dir/node_modules" ] || [ "$npm_dir/package-lock.json" -nt "$npm_dir/node_modules" ]; then
      echo "setup: npm ci in ${npm_dir#"$repo_dir"/}" >&2
      (cd "$npm_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
      touch "$npm_dir/node_modules"
    fi
  done
fi
