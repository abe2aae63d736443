# Shared helpers of the end-to-end benchmark scripts (sourced, not run).

# Prints a free TCP port on loopback.
free_port() {
  local port
  for port in $(shuf -i 20000-60000 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# Value of one series on /metrics (0 when absent).
metric_value() {
  local port="$1" series="$2"
  { curl -s "http://127.0.0.1:$port/metrics" || true; } | awk -v s="$series" '$1 == s { print $2; found=1 } END { if (!found) print 0 }'
}

# Polls /metrics until SERIES reaches N; exits with the sidecar's log when it dies first.
wait_for_count() {
  local port="$1" series="$2" n="$3" pid="$4" log="$5" count
  while true; do
    count=$(metric_value "$port" "$series")
    [ "${count%.*}" -ge "$n" ] 2>/dev/null && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "specwatch exited early:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.05
  done
}

# CPU seconds (user + system) of a process, from /proc/PID/stat.
cpu_seconds() {
  local pid="$1" ticks
  ticks=$(getconf CLK_TCK)
  awk -v t="$ticks" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$pid/stat"
}

# Peak resident memory (VmHWM) of a process in MB.
peak_rss_mb() {
  awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# Current resident memory (VmRSS) of a process in MB.
rss_mb() {
  awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

# Writes N NDJSON log events of about 350 bytes each (slog/pino-like, with a nested object).
generate_ndjson() {
  local n="$1" out="$2"
  awk -v n="$n" 'BEGIN {
    for (i = 0; i < n; i++) {
      printf "{\"time\":\"2025-01-15T10:30:%02d.%06d-08:00\",\"level\":\"INFO\",\"msg\":\"provider call completed\",\"service\":\"specular\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e%04x\",\"span_id\":\"00f067aa0ba9%04x\",\"provider\":\"anthropic\",\"model\":\"claude-sonnet-4-5\",\"latency_ms\":%d,\"context\":{\"workflow_id\":\"auto-1736965845\",\"step\":\"build\",\"attempt\":%d},\"seq\":%d}\n", i % 60, i % 1000000, i % 65536, i % 65536, 100 + i % 900, i % 3, i
    }
  }' > "$out"
}

# Writes the W1 config into DIR/specwatch.yaml: one ndjson source "w1" over DIR/events.log, listening
# on PORT, with PROFILE (empty: none); OTLP off.
write_w1_config() {
  local dir="$1" port="$2" profile="$3" profile_line=""
  [ -n "$profile" ] && profile_line="    profile: $profile"
  cat > "$dir/specwatch.yaml" <<YAML
http: { listen: "127.0.0.1:$port" }
state_dir: "$dir/state"
log_level: warn
otlp: { grpc: { enabled: false }, http: { enabled: false } }
sources:
  - name: w1
    include: ["$dir/events.log"]
    framing: ndjson
    service: specular
$profile_line
YAML
  # W1_EXTRA_CONFIG: a file of further top-level sections (e.g. bench/e2e/budgets20.yaml).
  if [ -n "${W1_EXTRA_CONFIG:-}" ]; then cat "$W1_EXTRA_CONFIG" >> "$dir/specwatch.yaml"; fi
}
