# Shared helpers of the end-to-end benchmark scripts (sourced, not run).

# Prints a free TCP port on loopback.
free_port() {
  # Below the kernel's ephemeral range: a port from it may become the local port of any outgoing
  # connection (the load generators', curl's) between this check and the sidecar's bind, which
  # then fails with "Address already in use" (seen as a benchmark run without figures).
  local port low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$low" -gt 11000 ] 2>/dev/null || low=32768
  for port in $(shuf -i 10000-$((low - 1)) -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# The OTLP benchmarks' common start: sets `binary` (SPECWATCH_BINARY, default
# build/sidecar/app/specwatch) and `load` (OTLP_LOAD, default the otlp_load of the binary's build
# tree), checks both, makes the directory `work` and clears `pid`; on exit the sidecar is stopped
# and `work` removed.
prepare_otlp_bench() {
  binary="${SPECWATCH_BINARY:-build/sidecar/app/specwatch}"
  local build_dir
  build_dir="$(cd "$(dirname "$binary")/../.." 2>/dev/null && pwd || true)"
  load="${OTLP_LOAD:-$build_dir/bench/otlp/otlp_load}"
  [ -x "$binary" ] || { echo "specwatch binary not found: $binary (set SPECWATCH_BINARY)" >&2; exit 2; }
  [ -x "$load" ] || { echo "otlp_load not found: $load (set OTLP_LOAD; target otlp_load)" >&2; exit 2; }
  work="$(mktemp -d)"
  pid=""
  trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$pid" ] && wait "$pid" 2>/dev/null; rm -rf "$work"' EXIT
}

# Starts BINARY on CONFIG (its stderr to LOG) in the background, sets `pid`, and waits until each
# loopback PORT given accepts connections (10 s at most); exits with the log if the sidecar dies.
start_sidecar() {
  local binary="$1" config="$2" log="$3" port ready
  shift 3
  "$binary" run --config "$config" 2>"$log" &
  pid=$!
  for _ in $(seq 1 200); do
    if ! kill -0 "$pid" 2>/dev/null; then echo "specwatch exited early:" >&2; cat "$log" >&2; exit 1; fi
    ready=1
    for port in "$@"; do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { ready=0; break; }
    done
    [ "$ready" = 1 ] && return 0
    sleep 0.05
  done
}

# Value of one series on /metrics (0 when absent).
metric_value() {
  local port="$1" series="$2"
  { curl -s "http://127.0.0.1:$port/metrics" || true; } | awk -v s="$series" '$1 == s { print $2; found=1 } END { if (!found) print 0 }'
}

# Sum of every series of one metric name on /metrics (0 when absent).
metric_sum() {
  local port="$1" name="$2"
  { curl -s "http://127.0.0.1:$port/metrics" || true; } |
    awk -v n="$name" 'index($1, n "{") == 1 || $1 == n { s += $2 } END { printf "%.0f", s }'
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
      printf "{\"time\":\"2025-01-15T10:30:%02d.%06d-08:00\",\"level\":\"INFO\",\"msg\":\"llm call\",\"service\":\"specular\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e%04x\",\"span_id\":\"00f067aa0ba9%04x\",\"provider\":\"anthropic\",\"model\":\"claude-sonnet-4-5\",\"latency_ms\":%d,\"context\":{\"workflow_id\":\"auto-1736965845\",\"step\":\"build\",\"attempt\":%d},\"seq\":%d}\n", i % 60, i % 1000000, i % 65536, i % 65536, 100 + i % 900, i % 3, i
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

# Writes N NDJSON provider-call records of about 335 bytes each (W1-LLM): 4 services, 4 providers
# with 9 bundled-priced models, input/output/cache-read token counts, a float latency_ms, a status
# ("error" about 3 % of the time), a workflow id and a 32-hex trace id. Deterministic: the values
# come from a Park-Miller generator (exact in awk's doubles: 16807 * (2^31 - 1) < 2^53) seeded
# with SEED (default 20260115), so the same N and SEED always give the same bytes.
generate_llm_ndjson() {
  local n="$1" out="$2" seed="${3:-20260115}"
  awk -v n="$n" -v seed="$seed" '
    function draw(bound) { state = (state * 16807) % 2147483647; return state % bound }
    BEGIN {
      state = seed % 2147483647
      if (state <= 0) state = 1
      split("checkout search support-bot indexer", services, " ")
      split("anthropic anthropic anthropic openai openai openai gcp.gemini groq groq", providers, " ")
      split("claude-sonnet-4-5 claude-haiku-4-5 claude-3-5-haiku gpt-4o gpt-4o-mini gpt-4.1-nano gemini-2.5-pro llama-3.3-70b-versatile llama-3.1-8b-instant", models, " ")
      split("chat chat chat text_completion", operations, " ")
      for (i = 0; i < n; i++) {
        t = int(i / 100)
        m = 1 + draw(9)
        input = 200 + draw(20000)
        cache = draw(2) ? draw(int(input / 2)) : 0
        error = draw(100) < 3
        output = error ? draw(20) : 10 + draw(2000)
        printf "{\"time\":\"2025-01-15T%02d:%02d:%02d.%06dZ\",\"level\":\"%s\",\"msg\":\"llm call\",\"service\":\"%s\",\"provider\":\"%s\",\"model\":\"%s\",\"operation\":\"%s\",\"input_tokens\":%d,\"output_tokens\":%d,\"cache_read_tokens\":%d,\"latency_ms\":%d.%03d,\"status\":\"%s\",\"workflow_id\":\"wf-%07d\",\"trace_id\":\"%08x%08x%08x%08x\"}\n", \
          10 + int(t / 3600), int(t / 60) % 60, t % 60, (i % 100) * 10000 + draw(10000), error ? "ERROR" : "INFO", \
          services[1 + draw(4)], providers[m], models[m], operations[1 + draw(4)], input, output, \
          cache, 40 + draw(30000), draw(1000), error ? "error" : "ok", int(i / 20), \
          draw(2147483647), draw(2147483647), draw(2147483647), draw(2147483647)
      }
    }' > "$out"
}

# One W1-LLM run, shared by w1_llm.sh and w1_llm_ab.sh: hard-links RECORDS (generate_llm_ndjson's
# file) into DIR as the source's file (symlinks are not followed by default), starts BINARY with
# the W1 config (W1_EXTRA_CONFIG appended) and bench/e2e/w1_llm_profile.yaml, waits until
# /metrics counts N requests, stops it and sets W1_CPU_S, W1_WALL_S and W1_RSS_MB (the sidecar's
# user + system CPU, wall seconds, peak resident memory). W1_PID is the sidecar's pid while it
# runs, for the caller's EXIT trap; exits the script with the sidecar's log if it ends first.
run_w1_llm() {
  local binary="$1" records="$2" dir="$3" n="$4" port start end count
  mkdir -p "$dir"
  ln "$records" "$dir/events.log"
  port="$(free_port)"
  write_w1_config "$dir" "$port" w1-llm
  cat bench/e2e/w1_llm_profile.yaml >>"$dir/specwatch.yaml"
  start=$(date +%s.%N)
  "$binary" run --config "$dir/specwatch.yaml" 2>"$dir/stderr.log" &
  W1_PID=$!
  while true; do
    count=$(metric_sum "$port" specwatch_llm_requests_total)
    [ "$count" -ge "$n" ] 2>/dev/null && break
    if ! kill -0 "$W1_PID" 2>/dev/null; then
      echo "specwatch exited early:" >&2
      cat "$dir/stderr.log" >&2
      exit 1
    fi
    sleep 0.05
  done
  end=$(date +%s.%N)
  W1_CPU_S=$(cpu_seconds "$W1_PID")
  W1_RSS_MB=$(peak_rss_mb "$W1_PID")
  W1_WALL_S=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
  kill "$W1_PID"
  wait "$W1_PID" 2>/dev/null || true
  W1_PID=""
}

# The W1 input and config in DIR for PROFILE: the log events of generate_ndjson, or, for the
# profile w1-llm, the provider-call records of generate_llm_ndjson with the profile of
# bench/e2e/w1_llm_profile.yaml appended to the config (after any W1_EXTRA_CONFIG).
prepare_w1() {
  local n="$1" dir="$2" port="$3" profile="$4"
  if [ "$profile" = "w1-llm" ]; then
    generate_llm_ndjson "$n" "$dir/events.log"
  else
    generate_ndjson "$n" "$dir/events.log"
  fi
  write_w1_config "$dir" "$port" "$profile"
  if [ "$profile" = "w1-llm" ]; then cat bench/e2e/w1_llm_profile.yaml >> "$dir/specwatch.yaml"; fi
}

# Waits until the sidecar PID listening on PORT has counted N events of the source w1, polling
# every INTERVAL seconds; exits the script with its log (DIR/stderr.log) if it ends first or
# takes more than ten minutes.
wait_for_w1_events() {
  local n="$1" port="$2" pid="$3" dir="$4" interval="$5" count deadline=$((SECONDS + 600))
  while true; do
    count=$(metric_value "$port" 'specwatch_source_events_total{source="w1"}')
    [ "${count%.*}" -ge "$n" ] 2>/dev/null && return 0
    if ! kill -0 "$pid" 2>/dev/null || [ "$SECONDS" -gt "$deadline" ]; then
      echo "specwatch exited early or timed out:" >&2
      tail -20 "$dir/stderr.log" >&2
      exit 1
    fi
    sleep "$interval"
  done
}
