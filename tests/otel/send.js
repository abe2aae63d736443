#!/usr/bin/env node
// Sends one fixed scenario to specwatch's OTLP receivers through the real OpenTelemetry
// JavaScript SDK (tests/integration/otel runs it against the real binary and asserts the exact
// /metrics samples the data must produce; keep the two in step).
//
//   node send.js <scenario> [--http http://127.0.0.1:4318] [--grpc http://127.0.0.1:4317]
//   (or OTLP_HTTP_ENDPOINT / OTLP_GRPC_ENDPOINT)
//
// Scenarios:
//   specular-spans      Specular's spans (service.name specular) over OTLP/HTTP protobuf
//   genai-spans-http    GenAI semantic-convention spans over OTLP/HTTP JSON
//   genai-spans-grpc    GenAI semantic-convention spans over OTLP/gRPC
//   specular-metrics-cumulative / specular-metrics-delta
//                       Specular's pushed metrics over OTLP/HTTP protobuf, two collections
//   logs                log records over OTLP/HTTP protobuf
//
// Every export is awaited (forceFlush, then shutdown); the exit code is 1 when any export failed,
// 2 on bad usage. Times are fixed offsets from one start time, so durations are exact.
'use strict';

const api = require('@opentelemetry/api');
const { ExportResultCode } = require('@opentelemetry/core');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter: ProtoTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { OTLPTraceExporter: JsonTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { OTLPTraceExporter: GrpcTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc');
const {
  MeterProvider,
  PeriodicExportingMetricReader,
  AggregationTemporality,
} = require('@opentelemetry/sdk-metrics');
const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-proto');
const { LoggerProvider, BatchLogRecordProcessor } = require('@opentelemetry/sdk-logs');
const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-proto');
const { SeverityNumber } = require('@opentelemetry/api-logs');

function usage(message) {
  process.stderr.write(`send.js: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const out = {
    scenario: undefined,
    http: process.env.OTLP_HTTP_ENDPOINT,
    grpc: process.env.OTLP_GRPC_ENDPOINT,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--http' || a === '--grpc') {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      out[a.slice(2)] = argv[++i];
    } else if (!out.scenario) {
      out.scenario = a;
    } else {
      usage(`unexpected argument ${a}`);
    }
  }
  return out;
}

// Failures of the SDK's background work (processors, readers) go to the global error handler;
// they fail the run as well.
const failures = [];
api.diag.setLogger(
  {
    error: (...args) => failures.push(`diag: ${args.join(' ')}`),
    warn: () => {},
    info: () => {},
    debug: () => {},
    verbose: () => {},
  },
  api.DiagLogLevel.ERROR,
);
require('@opentelemetry/core').setGlobalErrorHandler((err) => failures.push(`error handler: ${err}`));

// Wraps an SDK exporter so that every export result is seen here: the processors and readers
// report failures only through the global error handler, and this makes the count exact.
function watched(exporter, label) {
  const stats = { label, exports: 0, failed: 0 };
  const proxy = new Proxy(exporter, {
    get(target, prop) {
      if (prop === 'export') {
        return (items, done) => {
          stats.exports++;
          target.export(items, (result) => {
            if (result.code !== ExportResultCode.SUCCESS) {
              stats.failed++;
              failures.push(`${label}: export failed: ${result.error ? result.error.message : 'unknown'}`);
            }
            done(result);
          });
        };
      }
      const v = target[prop];
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { exporter: proxy, stats };
}

const START_MS = Date.now() - 60_000;
const at = (offsetMs) => START_MS + offsetMs;

function endpoint(url, name) {
  if (!url) usage(`the ${name} endpoint is missing (--${name} or OTLP_${name.toUpperCase()}_ENDPOINT)`);
  return url.replace(/\/+$/, '');
}

// One span with explicit start and end (ms since the epoch) and optional ERROR status.
function span(tracer, name, { kind, attributes, startMs, endMs, error, parent }) {
  const ctx = parent ? api.trace.setSpan(api.ROOT_CONTEXT, parent) : api.ROOT_CONTEXT;
  const s = tracer.startSpan(name, { kind, attributes, startTime: startMs }, ctx);
  if (error) {
    s.recordException({ name: 'ProviderError', message: error });
    s.setStatus({ code: api.SpanStatusCode.ERROR, message: error });
  }
  return { span: s, end: () => s.end(endMs) };
}

async function sendSpans(exporter, label, serviceName, build) {
  const w = watched(exporter, label);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.version': '1.4.0' }),
    spanProcessors: [new BatchSpanProcessor(w.exporter, { scheduledDelayMillis: 60_000 })],
  });
  build(provider.getTracer('specwatch-test/' + label, '0.1.0'));
  await provider.forceFlush();
  await provider.shutdown();
  return w.stats;
}

// Specular (internal/telemetry): command.auto around two successful provider.generate calls and
// one failing call (error=true, span status Error, exception event).
function specularSpans(tracer) {
  const auto = span(tracer, 'command.auto', {
    kind: api.SpanKind.INTERNAL,
    attributes: { command: 'auto', component: 'cli', goal: 'add a health endpoint', profile: 'default',
      max_steps: 12, max_cost_usd: 5.0, status: 'completed', steps_count: 3, duration_ms: 9000 },
    startMs: at(0), endMs: at(9000),
  });
  span(tracer, 'provider.generate', {
    kind: api.SpanKind.CLIENT, parent: auto.span,
    attributes: { provider: 'anthropic', operation: 'generate', model: 'claude-sonnet-4-5-20250929',
      max_tokens: 4096, prompt_length: 5120, tokens_used: 1550, input_tokens: 1200,
      output_tokens: 350, latency_ms: 1234, finish_reason: 'end_turn', http_status: 200 },
    startMs: at(100), endMs: at(1400),
  }).end();
  span(tracer, 'provider.generate', {
    kind: api.SpanKind.CLIENT, parent: auto.span,
    attributes: { provider: 'openai', operation: 'generate', model: 'gpt-4o', max_tokens: 2048,
      prompt_length: 3000, tokens_used: 1200, input_tokens: 1000, output_tokens: 200,
      latency_ms: 2500, finish_reason: 'stop', http_status: 200 },
    startMs: at(1500), endMs: at(4100),
  }).end();
  span(tracer, 'provider.generate', {
    kind: api.SpanKind.CLIENT, parent: auto.span,
    attributes: { provider: 'anthropic', operation: 'generate', model: 'claude-sonnet-4-5-20250929',
      max_tokens: 4096, prompt_length: 800, error: true },
    startMs: at(4200), endMs: at(4700), error: 'rate limited',
  }).end();
  auto.end();
}

// GenAI semantic conventions: span name "{operation} {model}", kind CLIENT. The two transports
// send under different service names (genai-http-app, genai-grpc-app).
function genaiSpansHttp(tracer) {
  span(tracer, 'chat gpt-4o', {
    kind: api.SpanKind.CLIENT,
    attributes: { 'gen_ai.provider.name': 'openai', 'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': 2000, 'gen_ai.usage.output_tokens': 500,
      'gen_ai.usage.cache_read.input_tokens': 800 },
    startMs: at(0), endMs: at(2500),
  }).end();
  // Deprecated gen_ai.system and the cache_read_input_tokens spelling.
  span(tracer, 'chat claude-3-5-haiku-20241022', {
    kind: api.SpanKind.CLIENT,
    attributes: { 'gen_ai.system': 'anthropic', 'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'claude-3-5-haiku-20241022',
      'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100,
      'gen_ai.usage.cache_read_input_tokens': 400 },
    startMs: at(3000), endMs: at(3640),
  }).end();
  // A failed call: error.type, status ERROR, deprecated gen_ai.system value "gemini".
  span(tracer, 'generate_content gemini-2.5-pro', {
    kind: api.SpanKind.CLIENT,
    attributes: { 'gen_ai.system': 'gemini', 'gen_ai.operation.name': 'generate_content',
      'gen_ai.request.model': 'gemini-2.5-pro', 'error.type': 'rate_limited' },
    startMs: at(4000), endMs: at(4080), error: 'quota exceeded',
  }).end();
}

function genaiSpansGrpc(tracer) {
  span(tracer, 'chat llama-3.3-70b-versatile', {
    kind: api.SpanKind.CLIENT,
    attributes: { 'gen_ai.provider.name': 'groq', 'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'llama-3.3-70b-versatile',
      'gen_ai.response.model': 'llama-3.3-70b-versatile',
      'gen_ai.usage.input_tokens': 3000, 'gen_ai.usage.output_tokens': 700 },
    startMs: at(0), endMs: at(320),
  }).end();
  span(tracer, 'embeddings voyage-3-lite', {
    kind: api.SpanKind.CLIENT,
    attributes: { 'gen_ai.provider.name': 'voyage', 'gen_ai.operation.name': 'embeddings',
      'gen_ai.request.model': 'voyage-3-lite', 'gen_ai.usage.input_tokens': 5000 },
    startMs: at(400), endMs: at(440),
  }).end();
  span(tracer, 'chat llama-3.3-70b-versatile', {
    kind: api.SpanKind.CLIENT,
    attributes: { 'gen_ai.provider.name': 'groq', 'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'llama-3.3-70b-versatile', 'error.type': 'timeout' },
    startMs: at(500), endMs: at(10_740), error: 'deadline exceeded',
  }).end();
}

// Specular's pushed metrics (internal/telemetry), recorded in two collections so that delta
// temporality has two points per series to add up; cumulative sends the running totals.
async function specularMetrics(httpBase, temporality) {
  const w = watched(
    new OTLPMetricExporter({ url: `${httpBase}/v1/metrics`, temporalityPreference: temporality,
      timeoutMillis: 5000 }),
    'metrics');
  const reader = new PeriodicExportingMetricReader({ exporter: w.exporter,
    exportIntervalMillis: 3_600_000, exportTimeoutMillis: 5000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'specular', 'service.version': '1.4.0' }),
    readers: [reader],
  });
  const meter = provider.getMeter('specular/telemetry', '1.4.0');
  const latency = meter.createHistogram('specular.provider.latency', {
    unit: 's', description: 'Provider call latency',
    advice: { explicitBucketBoundaries: [0.1, 0.5, 1, 2, 5, 10, 30, 60] },
  });
  const calls = meter.createCounter('specular.provider.calls', { unit: '1' });
  const tokens = meter.createCounter('specular.provider.tokens', { unit: '{token}' });
  const sonnet = { provider: 'anthropic', model: 'claude-sonnet-4-5', operation: 'generate' };

  // Collection 1.
  latency.record(0.25, sonnet);
  latency.record(1.5, sonnet);
  calls.add(2, { ...sonnet, status: 'success' });
  tokens.add(1200, { ...sonnet, token_type: 'input' });
  tokens.add(350, { ...sonnet, token_type: 'output' });
  await provider.forceFlush();
  // Collection 2.
  latency.record(7, sonnet);
  latency.record(0.05, sonnet);
  calls.add(1, { ...sonnet, status: 'success' });
  calls.add(1, { ...sonnet, status: 'error' });
  tokens.add(800, { ...sonnet, token_type: 'input' });
  tokens.add(150, { ...sonnet, token_type: 'output' });
  await provider.forceFlush();
  await provider.shutdown();
  return w.stats;
}

async function sendLogs(httpBase) {
  const w = watched(new OTLPLogExporter({ url: `${httpBase}/v1/logs`, timeoutMillis: 5000 }), 'logs');
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'specular' }),
    processors: [new BatchLogRecordProcessor(w.exporter, { scheduledDelayMillis: 60_000 })],
  });
  const logger = provider.getLogger('specular/log', '1.4.0');
  const emit = (severityNumber, severityText, body, attributes) =>
    logger.emit({ timestamp: at(0), severityNumber, severityText, body, attributes });
  emit(SeverityNumber.INFO, 'INFO', 'workflow started', { workflow_id: 'auto-1736965845' });
  emit(SeverityNumber.INFO, 'INFO', 'step done', { step: 'plan' });
  emit(SeverityNumber.WARN, 'WARN', 'budget at 75%', {});
  emit(SeverityNumber.ERROR, 'ERROR', 'operation failed', { error_code: 'PROVIDER-001' });
  // No severity text: the level comes from the OTLP severity number (21 = FATAL).
  emit(SeverityNumber.FATAL, undefined, 'cannot continue', {});
  await provider.forceFlush();
  await provider.shutdown();
  return w.stats;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let stats;
  switch (args.scenario) {
    case 'specular-spans':
      stats = await sendSpans(
        new ProtoTraceExporter({ url: `${endpoint(args.http, 'http')}/v1/traces`, timeoutMillis: 5000 }),
        'traces-proto', 'specular', specularSpans);
      break;
    case 'genai-spans-http':
      stats = await sendSpans(
        new JsonTraceExporter({ url: `${endpoint(args.http, 'http')}/v1/traces`, timeoutMillis: 5000 }),
        'traces-json', 'genai-http-app', genaiSpansHttp);
      break;
    case 'genai-spans-grpc':
      stats = await sendSpans(
        new GrpcTraceExporter({ url: endpoint(args.grpc, 'grpc'), timeoutMillis: 5000 }),
        'traces-grpc', 'genai-grpc-app', genaiSpansGrpc);
      break;
    case 'specular-metrics-cumulative':
      stats = await specularMetrics(endpoint(args.http, 'http'), AggregationTemporality.CUMULATIVE);
      break;
    case 'specular-metrics-delta':
      stats = await specularMetrics(endpoint(args.http, 'http'), AggregationTemporality.DELTA);
      break;
    case 'logs':
      stats = await sendLogs(endpoint(args.http, 'http'));
      break;
    default:
      usage(`unknown scenario ${args.scenario === undefined ? '(none)' : args.scenario}`);
  }
  process.stdout.write(`${stats.label}: exports=${stats.exports} failed=${stats.failed}\n`);
  if (stats.exports === 0) failures.push(`${stats.label}: nothing was exported`);
  if (failures.length > 0) {
    for (const f of failures) process.stderr.write(`send.js: ${f}\n`);
    process.exit(1);
  }
}

main().catch((err) => {
  process.stderr.write(`send.js: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
