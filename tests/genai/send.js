'use strict';
// Drives the real OpenAI / Anthropic SDK clients, instrumented by one real GenAI instrumentation
// library, against the local fake LLM API (fake_llm.js), and exports the spans over OTLP/HTTP
// (protobuf) to specwatch.
//
//   node send.js <scenario> --http http://127.0.0.1:4318     export to specwatch
//   node send.js <scenario> --dump                           print the spans as JSON lines
//
// Every scenario makes the same calls per client: a plain call, a streamed call, a call failing
// with 429 and one failing with 529 (clients never retry: maxRetries 0). It prints one summary
// line {"scenario", "calls", "failed", "spans", "exported"} on stdout; the exit code is 1 when an
// export failed, 2 on bad usage.
const {NodeTracerProvider} = require('@opentelemetry/sdk-trace-node');
const {BatchSpanProcessor, InMemorySpanExporter} = require('@opentelemetry/sdk-trace-base');
const {OTLPTraceExporter} = require('@opentelemetry/exporter-trace-otlp-proto');
const {resourceFromAttributes} = require('@opentelemetry/resources');
const {startFakeLlm} = require('./fake_llm');
const {SCENARIOS} = require('./scenarios');

function usage(message) {
  process.stderr.write(`${message}\nusage: node send.js <${Object.keys(SCENARIOS).join('|')}> (--http URL | --dump)\n`);
  process.exit(2);
}

// Counts every export result, so that a failed export makes the exit code 1.
class CountingExporter {
  constructor(inner) {
    this.inner = inner;
    this.exported = 0;
    this.failed = 0;
  }
  export(spans, done) {
    this.inner.export(spans, (result) => {
      if (result.code === 0) this.exported += spans.length;
      else this.failed += 1;
      done(result);
    });
  }
  shutdown() {
    return this.inner.shutdown();
  }
  forceFlush() {
    return this.inner.forceFlush ? this.inner.forceFlush() : Promise.resolve();
  }
}

function spanJson(span) {
  return {
    name: span.name,
    scope: span.instrumentationScope || span.instrumentationLibrary,
    trace_id: span.spanContext().traceId,
    span_id: span.spanContext().spanId,
    parent_span_id: span.parentSpanContext ? span.parentSpanContext.spanId : span.parentSpanId,
    status: span.status,
    attributes: span.attributes,
    events: span.events.map((e) => ({name: e.name, attributes: e.attributes})),
  };
}

async function main() {
  const [name, mode, endpoint] = process.argv.slice(2);
  const scenario = SCENARIOS[name];
  if (!scenario) usage(`unknown scenario "${name || ''}"`);
  if (mode !== '--dump' && !(mode === '--http' && endpoint)) usage('give --http URL or --dump');

  const inner = mode === '--dump'
    ? new InMemorySpanExporter()
    : new OTLPTraceExporter({url: `${endpoint.replace(/\/$/, '')}/v1/traces`});
  const exporter = new CountingExporter(inner);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({'service.name': `genai-${name}`}),
    // One export at the end, the spans in the order they ended (children before their parents,
    // unless a library ends its span first), so that specwatch sees them in a known order.
    spanProcessors: [new BatchSpanProcessor(exporter, {scheduledDelayMillis: 60000, maxQueueSize: 2048,
      maxExportBatchSize: 512})],
  });
  provider.register();

  const fake = await startFakeLlm();
  let calls = 0;
  let failed = 0;
  try {
    // The scenario instruments (before it requires the SDKs) and returns one function per call.
    const run = scenario.setup(provider);
    for (const call of run.calls) {
      calls += 1;
      try {
        await call(fake.url);
      } catch (e) {
        failed += 1;
      }
    }
  } finally {
    await provider.forceFlush();
    if (mode === '--dump') {
      for (const span of inner.getFinishedSpans()) process.stdout.write(`${JSON.stringify(spanJson(span))}\n`);
    }
    await provider.shutdown();
    fake.server.close();
  }
  const summary = {scenario: name, calls, failed, spans: exporter.exported, exported: exporter.failed === 0,
    requests: fake.requests};
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exit(exporter.failed === 0 ? 0 : 1);
}

main().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});
