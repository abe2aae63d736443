#!/usr/bin/env bash
# Live check: a real Prometheus scrapes the real specwatch sidecar after it ingested a config's
# inputs, evaluates alerts/*.rules.yml every second, and the HTTP API is asked whether
#   - every recording rule of alerts/*.rules.yml returns at least one series,
#   - every dashboard panel query that is not marked "External exporter:" returns at least one
#     series (variables substituted as in check_dashboards.sh: $__rate_interval=1m, $__range=1h,
#     template variables = .*),
#   - every alert of the expected list is pending or firing, and every alert of the silent list
#     is neither.
# Panels whose description starts with "OTLP input:" and recording rules preceded by a comment
# line "# OTLP input: ..." are fed only by specwatch's OTLP receiver. By default the check posts
# the OTLP samples (samples/otel/otlp-traces.json, otlp-metrics.json, otlp-logs.json, OTLP/JSON)
# to the sidecar's OTLP/HTTP receiver right after it is ready (before Prometheus' first scrape),
# asserts 200 with no rejected items, and checks those panels and rules too. --skip-otlp (or
# SPECWATCH_LIVE_INCLUDE_OTLP=0) sends nothing and skips (and counts) them, for a sidecar built
# without the receiver.
# Registered in ctest as monitoring.live_prometheus (tests/checks/CMakeLists.txt).
#
# Usage:
#   live_prometheus_check.sh --sidecar BIN --config SIDECAR_CONFIG --prometheus BIN
#       [--promtool BIN] [--repo ROOT] [--expect-alerts FILE|A,B,...] [--expect-silent FILE|A,B,...]
#       [--startup-timeout SECONDS] [--ingest-timeout SECONDS] [--assert-timeout SECONDS]
#       [--include-otlp | --skip-otlp] [--keep]
# Alert list files hold one alert name per line; blank lines and lines starting with # are
# ignored. The sidecar is started with SPECWATCH_HTTP_LISTEN=127.0.0.1:<free port> and scraped as
# job "specwatch" (the job name the rules and dashboards expect). The rest of the environment is
# passed through; SPECWATCH_STATE_DIR defaults to a directory inside the check's temporary
# directory (deploy/specwatch.yaml needs one).
# Exit status: 0 all assertions hold, 1 an assertion failed, 2 usage or start-up error.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
sidecar="" config="" prometheus="" promtool=promtool
expect_alerts="" expect_silent=""
startup_timeout=30 ingest_timeout=60 assert_timeout=60 keep=0
include_otlp=${SPECWATCH_LIVE_INCLUDE_OTLP:-1}
while [[ $# -gt 0 ]]; do
  case $1 in
    --sidecar) sidecar=$2; shift 2 ;;
    --config) config=$2; shift 2 ;;
    --prometheus) prometheus=$2; shift 2 ;;
    --promtool) promtool=$2; shift 2 ;;
    --repo) repo=$2; shift 2 ;;
    --expect-alerts) expect_alerts=$2; shift 2 ;;
    --expect-silent) expect_silent=$2; shift 2 ;;
    --startup-timeout) startup_timeout=$2; shift 2 ;;
    --ingest-timeout) ingest_timeout=$2; shift 2 ;;
    --assert-timeout) assert_timeout=$2; shift 2 ;;
    --include-otlp) include_otlp=1; shift ;;
    --skip-otlp) include_otlp=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -x $sidecar && -f $config && -x $prometheus ]] || {
  echo "usage: $0 --sidecar BIN --config SIDECAR_CONFIG --prometheus BIN [...] (see --help)" >&2; exit 2; }
command -v "$promtool" >/dev/null || { echo "promtool not found" >&2; exit 2; }
command -v jq >/dev/null || { echo "jq not found (Debian package jq)" >&2; exit 2; }

work=$(mktemp -d)
export SPECWATCH_STATE_DIR=${SPECWATCH_STATE_DIR:-$work/state}
mkdir -p "$SPECWATCH_STATE_DIR"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $keep -eq 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT   # so that the EXIT trap stops the processes on SIGTERM / Ctrl-C too

# A loopback port nobody listens on (bash's /dev/tcp connect fails). A port taken between this
# test and the bind makes the process exit, which the start-up wait reports.
free_port() {
  # Below the kernel's ephemeral range, which outgoing connections take their local ports from.
  local port low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$low" -gt 11000 ] 2>/dev/null || low=32768
  for _ in $(seq 1 100); do
    port=$((10000 + RANDOM % (low - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "no free port found" >&2; return 1
}
# list_arg FILE|A,B,... -> one name per line
list_arg() {
  local arg=$1
  [[ -z $arg ]] && return 0
  if [[ -f $arg ]]; then grep -vE '^\s*(#|$)' "$arg" | tr -d ' \t'; else tr ',' '\n' <<<"$arg" | sed '/^$/d'; fi
}
# query EXPR -> prints the result lines of an instant query (empty when no series)
query() { timeout 10 "$promtool" query instant "http://127.0.0.1:$prom_port" "$1" 2>>"$work/query-errors.log"; }
# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND until it succeeds or the time is up.
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@"; do
    if [[ $SECONDS -ge $deadline ]]; then echo "timed out waiting for $what" >&2; return 1; fi
    sleep 0.5
  done
}
alive() { kill -0 "$1" 2>/dev/null; }

# --- sidecar ------------------------------------------------------------------------------
# A port another process takes between free_port and the bind makes the process exit with
# "address already in use"; start_sidecar and start_prometheus then try fresh ports (5 times).
in_use() { grep -q 'address already in use\|Address already in use' "$1"; }
start_sidecar() {
  sidecar_port=$(free_port) && otlp_http_port=$(free_port) && otlp_grpc_port=$(free_port) || exit 2
  SPECWATCH_HTTP_LISTEN="127.0.0.1:$sidecar_port" \
    SPECWATCH_OTLP_HTTP_LISTEN="127.0.0.1:$otlp_http_port" \
    SPECWATCH_OTLP_GRPC_LISTEN="127.0.0.1:$otlp_grpc_port" \
    "$sidecar" run --config "$config" \
    >"$work/sidecar.log" 2>&1 &
  sidecar_pid=$!
  pids+=("$sidecar_pid")
}
# sidecar_up: 0 when listening, 1 while starting, 3 when it exited over a taken port, else exit 2.
sidecar_up() {
  if in_use "$work/sidecar.log"; then kill "$sidecar_pid" 2>/dev/null; return 3; fi
  if ! alive "$sidecar_pid"; then
    echo "sidecar exited; log:" >&2; tail -n 30 "$work/sidecar.log" >&2; exit 2
  fi
  (exec 3<>"/dev/tcp/127.0.0.1/$sidecar_port") 2>/dev/null || return 1
}
for attempt in 1 2 3 4 5; do
  start_sidecar
  rc=0
  deadline=$((SECONDS + startup_timeout))
  while true; do
    sidecar_up && break || rc=$?
    [[ $rc -eq 3 ]] && break
    [[ $SECONDS -ge $deadline ]] && { echo "timed out waiting for the sidecar to listen on 127.0.0.1:$sidecar_port" >&2; exit 2; }
    sleep 0.5
  done
  [[ $rc -ne 3 ]] && break
  echo "a sidecar port was taken (attempt $attempt); starting again on fresh ports" >&2
  [[ $attempt -eq 5 ]] && { tail -n 30 "$work/sidecar.log" >&2; exit 2; }
done
echo "sidecar listening on 127.0.0.1:$sidecar_port"

# --- OTLP samples -------------------------------------------------------------------------
# Posted before Prometheus starts, so its first scrape already sees them (like the file samples).
# The receiver answers only after the pipeline processed the data (sidecar/otlp/README.md).
otlp_ready() {
  alive "$sidecar_pid" || { echo "sidecar exited; log:" >&2; tail -n 30 "$work/sidecar.log" >&2; exit 2; }
  (exec 3<>"/dev/tcp/127.0.0.1/$otlp_http_port") 2>/dev/null
}
# post_otlp SIGNAL FILE: POST FILE as OTLP/JSON to /v1/SIGNAL; 200 with no partialSuccess (or one
# that rejects nothing) is required.
post_otlp() {
  local signal=$1 file=$2 status answer
  status=$(curl -sS -o "$work/otlp-$signal.answer" -w '%{http_code}' --max-time 10 \
    -H 'Content-Type: application/json' --data-binary "@$file" \
    "http://127.0.0.1:$otlp_http_port/v1/$signal") || status=000
  answer=$(cat "$work/otlp-$signal.answer" 2>/dev/null || true)
  if [[ $status != 200 ]]; then
    echo "OTLP /v1/$signal ($file): HTTP $status: $answer" >&2; return 1
  fi
  if ! jq -e '(.partialSuccess // {}) | ((.rejectedSpans // .rejectedLogRecords // .rejectedDataPoints // 0) | tonumber) == 0
              and ((.errorMessage // "") == "")' <<<"$answer" >/dev/null; then
    echo "OTLP /v1/$signal ($file): partial success: $answer" >&2; return 1
  fi
}
if [[ $include_otlp -eq 1 ]]; then
  command -v curl >/dev/null || { echo "curl not found (needed to post the OTLP samples; --skip-otlp skips them)" >&2; exit 2; }
  wait_for "$startup_timeout" "the OTLP/HTTP receiver on 127.0.0.1:$otlp_http_port" otlp_ready || exit 2
  otlp_problems=0
  post_otlp traces "$repo/samples/otel/otlp-traces.json" || otlp_problems=1
  post_otlp metrics "$repo/samples/otel/otlp-metrics.json" || otlp_problems=1
  post_otlp logs "$repo/samples/otel/otlp-logs.json" || otlp_problems=1
  [[ $otlp_problems -eq 0 ]] || exit 1
  echo "OTLP samples accepted on 127.0.0.1:$otlp_http_port (traces, metrics, logs)"
fi

# --- prometheus ---------------------------------------------------------------------------
{
  echo "global:"
  echo "  scrape_interval: 1s"
  echo "  scrape_timeout: 1s"
  echo "  evaluation_interval: 1s"
  echo "rule_files:"
  for f in "$repo"/alerts/*.rules.yml; do echo "  - $f"; done
  echo "scrape_configs:"
  echo "  - job_name: specwatch"
  echo "    static_configs:"
  echo "      - targets: ['127.0.0.1:$sidecar_port']"
} > "$work/prometheus.yml"
"$promtool" check config "$work/prometheus.yml" >/dev/null || { echo "generated prometheus.yml invalid" >&2; exit 2; }
# prom_up: 0 once it scraped the sidecar, 1 while starting, 3 when it exited over a taken port.
# Prometheus may linger after "Unable to start web listener", so the log decides, not the exit.
prom_up() {
  if in_use "$work/prometheus.log"; then kill "$prom_pid" 2>/dev/null; return 3; fi
  if ! alive "$prom_pid"; then
    echo "prometheus exited; log:" >&2; tail -n 30 "$work/prometheus.log" >&2; exit 2
  fi
  [[ -n $(query 'up{job="specwatch"} == 1') ]] || return 1
}
for attempt in 1 2 3 4 5; do
  prom_port=$(free_port) || exit 2
  rm -rf "$work/tsdb"
  "$prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$work/prometheus.log" 2>&1 &
  prom_pid=$!
  pids+=("$prom_pid")
  rc=0
  deadline=$((SECONDS + startup_timeout))
  while true; do
    prom_up && break || rc=$?
    [[ $rc -eq 3 ]] && break
    [[ $SECONDS -ge $deadline ]] && { echo "timed out waiting for Prometheus to scrape the sidecar; log:" >&2; tail -n 30 "$work/prometheus.log" >&2; exit 2; }
    sleep 0.5
  done
  [[ $rc -ne 3 ]] && break
  echo "the Prometheus port was taken (attempt $attempt); starting again on a fresh port" >&2
  [[ $attempt -eq 5 ]] && { tail -n 30 "$work/prometheus.log" >&2; exit 2; }
done
echo "prometheus on 127.0.0.1:$prom_port scrapes the sidecar"

# --- ingestion ----------------------------------------------------------------------------
# Ingestion is over when the sidecar has produced events and the total stayed the same for
# three seconds (scraped every second).
last="" stable=0
ingested() {
  local now
  now=$(query 'sum(specwatch_source_events_total)' | sed -n 's/.*=> \([0-9.e+]*\).*/\1/p')
  [[ -n $now && $now != 0 ]] || { stable=0; return 1; }
  if [[ $now == "$last" ]]; then stable=$((stable + 1)); else stable=0; last=$now; fi
  [[ $stable -ge 6 ]]
}
wait_for "$ingest_timeout" "the sidecar to ingest its inputs" ingested || exit 1
echo "ingested: $last events"

# --- assertions ---------------------------------------------------------------------------
# Recording rules as "<otlp|specwatch> TAB <name>": otlp when the comment lines right above the
# rule include one starting with "# OTLP input:".
all_records=$(awk '
  /^[[:space:]]*#/ { if ($0 ~ /^[[:space:]]*# OTLP input:/) otlp = 1; next }
  /record:/ { name = $0; sub(/.*record:[[:space:]]*/, "", name); print (otlp ? "otlp" : "specwatch") "\t" name }
  { otlp = 0 }' "$repo"/alerts/*.rules.yml | sort -u)
all_panels=$(RATE_INTERVAL=1m RANGE=1h "$here/dashboard_queries.sh" "$repo"/dashboards/*.json)
if [[ $include_otlp -eq 1 ]]; then wanted='specwatch|otlp'; else wanted='specwatch'; fi
records=$(awk -F'\t' -v w="^($wanted)\$" '$1 ~ w { print $2 }' <<<"$all_records" | sort -u)
skipped_records=$(awk -F'\t' -v w="^($wanted)\$" '$1 !~ w { print $2 }' <<<"$all_records" | sort -u)
mapfile -t panel_queries < <(awk -F'\t' -v w="^($wanted)\$" '$3 ~ w' <<<"$all_panels")
skipped_otlp_panels=$(awk -F'\t' -v w="^($wanted)\$" '$3 == "otlp" && $3 !~ w' <<<"$all_panels" | wc -l)
mapfile -t want_active < <(list_arg "$expect_alerts")
mapfile -t want_silent < <(list_arg "$expect_silent")
# The lists name existing alerts only (a typo in the silent list would pass unnoticed), and when
# both are given, every alert of the rules is in one of them.
all_alerts=$(grep -h 'alert:' "$repo"/alerts/*.rules.yml | sed 's/.*alert: *//' | sort -u)
list_problems=0
for name in "${want_active[@]}" "${want_silent[@]}"; do
  grep -qx "$name" <<<"$all_alerts" || { echo "alert list names $name, which no rule file defines" >&2; list_problems=1; }
done
if [[ -n $expect_alerts && -n $expect_silent ]]; then
  for name in $all_alerts; do
    # A here-string, not a pipe: grep -q exits at its first match, and under pipefail the
    # writer's SIGPIPE would make a listed alert look unlisted.
    grep -qx "$name" <<<"$(printf '%s\n' "${want_active[@]}" "${want_silent[@]}")" \
      || { echo "alert $name is in neither the expected nor the silent list" >&2; list_problems=1; }
  done
fi
[[ $list_problems -eq 0 ]] || exit 1

report="$work/report.txt"
last_active=""
assert_all() {
  local problems=0 active line name
  : > "$report"
  for r in $records; do
    [[ -n $(query "$r") ]] || { echo "recording rule $r: no series" >> "$report"; problems=$((problems + 1)); }
  done
  for line in "${panel_queries[@]}"; do
    IFS=$'\t' read -r uid title _ expr <<<"$line"
    [[ -n $(query "$expr") ]] || { echo "panel $uid / $title: no series for: $expr" >> "$report"; problems=$((problems + 1)); }
  done
  active=$(query 'ALERTS{alertstate=~"pending|firing"}' | grep -o 'alertname="[^"]*"' | cut -d'"' -f2 | sort -u)
  for name in "${want_active[@]}"; do
    grep -qx "$name" <<<"$active" || { echo "alert $name: expected pending or firing, is not" >> "$report"; problems=$((problems + 1)); }
  done
  for name in "${want_silent[@]}"; do
    if grep -qx "$name" <<<"$active"; then echo "alert $name: expected silent, is active" >> "$report"; problems=$((problems + 1)); fi
  done
  last_active=$active
  [[ $problems -eq 0 ]]
}
if wait_for "$assert_timeout" "every assertion to hold" assert_all; then
  echo "pending or firing: $(tr '\n' ' ' <<<"$last_active")"
  echo "OK: ${#panel_queries[@]} panel queries, $(wc -w <<<"$records") recording rules, ${#want_active[@]} active and ${#want_silent[@]} silent alerts checked"
  if [[ $include_otlp -ne 1 ]]; then
    echo "skipped (OTLP input, --skip-otlp): $skipped_otlp_panels panel queries, recording rules: $(tr '\n' ' ' <<<"$skipped_records")"
  fi
  exit 0
fi
echo "FAILED:" >&2
cat "$report" >&2
echo "pending or firing: $(tr '\n' ' ' <<<"$last_active")" >&2
exit 1
