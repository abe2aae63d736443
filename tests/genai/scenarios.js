'use strict';
// One scenario per instrumentation library: setup(provider) instruments, requires the SDK
// clients only afterwards (the libraries hook `require`) and returns the calls to make. Every
// client is built with maxRetries 0 so that a failed call is one request.

const path = require('path');

const OPENAI_MODEL = 'gpt-4o-mini';
// The versions behind the npm aliases (their package.json is not exported to `require`).
const versionOf = (alias) =>
  JSON.parse(require('fs').readFileSync(path.join(__dirname, 'node_modules', alias, 'package.json'), 'utf8')).version;
const OPENAI_V4_VERSION = versionOf('openai-v4');
const ANTHROPIC_V0_VERSION = versionOf('anthropic-sdk-v0');
const ANTHROPIC_MODEL = 'claude-haiku-4-5';

function say(text) {
  return [{role: 'user', content: text}];
}

// The OpenAI calls: plain, streamed with include_usage, 429, 529.
function openaiCalls(OpenAI) {
  const client = (url) => new OpenAI({apiKey: 'sk-test', baseURL: `${url}/v1`, maxRetries: 0});
  const create = (url, body) => client(url).chat.completions.create({model: OPENAI_MODEL, ...body});
  return [
    (url) => create(url, {messages: say('hello')}),
    async (url) => {
      const stream = await create(url, {messages: say('hello'), stream: true,
        stream_options: {include_usage: true}});
      for await (const chunk of stream) void chunk;
    },
    (url) => create(url, {messages: say('fail 429')}),
    (url) => create(url, {messages: say('fail 529')}),
  ];
}

// The Anthropic calls: plain, streamed, 429, 529.
function anthropicCalls(Anthropic, options = {}) {
  const client = (url) => new Anthropic({apiKey: 'sk-ant-test', baseURL: url, maxRetries: 0, ...options});
  const create = (url, body) => client(url).messages.create({model: ANTHROPIC_MODEL, max_tokens: 256, ...body});
  return [
    (url) => create(url, {messages: say('hello')}),
    async (url) => {
      const stream = await create(url, {messages: say('hello'), stream: true});
      for await (const event of stream) void event;
    },
    (url) => create(url, {messages: say('fail 429')}),
    (url) => create(url, {messages: say('fail 529')}),
  ];
}

// The Anthropic SDK traces itself only when asked to (its `openTelemetry` option); every other
// scenario switches that off so that only the library under test describes the calls.
const NO_NATIVE_SPANS = {openTelemetry: false};

// Applies an instrumentation to a module loaded under another name (the `openai-v4` alias),
// which the library's require hook cannot recognise.
function patchManually(instrumentation, moduleExports, version) {
  const definitions = instrumentation.getModuleDefinitions
    ? instrumentation.getModuleDefinitions()
    : instrumentation._modules;
  for (const definition of definitions) {
    if (definition.patch) definition.patch(moduleExports, version);
  }
}

function traceloopAnthropic(provider) {
  const {AnthropicInstrumentation} = require('@traceloop/instrumentation-anthropic');
  const instrumentation = enable(new AnthropicInstrumentation(), provider);
  const anthropic = require('anthropic-sdk-v0');
  patchManually(instrumentation, anthropic, ANTHROPIC_V0_VERSION);
  return anthropic.Anthropic;
}

function enable(instrumentation, provider) {
  instrumentation.setTracerProvider(provider);
  instrumentation.enable();
  return instrumentation;
}

// The Vercel AI SDK: generateText and streamText through a provider package; only its
// ai.*.doGenerate / doStream spans are provider calls.
function vercelCalls(makeModel) {
  const {generateText, streamText} = require('ai');
  const telemetry = {isEnabled: true};
  return [
    (url) => generateText({model: makeModel(url), prompt: 'hello', maxRetries: 0, experimental_telemetry: telemetry}),
    async (url) => {
      let failure;
      const result = streamText({model: makeModel(url), prompt: 'hello', maxRetries: 0,
        experimental_telemetry: telemetry, onError: ({error}) => { failure = error; }});
      for await (const part of result.textStream) void part;
      await result.usage;
      if (failure) throw failure;
    },
    (url) => generateText({model: makeModel(url), prompt: 'fail 429', maxRetries: 0, experimental_telemetry: telemetry}),
    (url) => generateText({model: makeModel(url), prompt: 'fail 529', maxRetries: 0, experimental_telemetry: telemetry}),
  ];
}

const SCENARIOS = {
  // The official OpenTelemetry instrumentation (GenAI conventions).
  'otel-openai': {
    setup(provider) {
      const {OpenAIInstrumentation} = require('@opentelemetry/instrumentation-openai');
      const instrumentation = new OpenAIInstrumentation();
      // Its duration histogram exists only once it is given a meter provider.
      instrumentation.setMeterProvider(require('@opentelemetry/api').metrics.getMeterProvider());
      enable(instrumentation, provider);
      return {calls: openaiCalls(require('openai').OpenAI)};
    },
  },
  // Elastic's instrumentation (EDOT Node.js); it supports openai 4 only.
  'elastic-openai': {
    setup(provider) {
      const {OpenAIInstrumentation} = require('@elastic/opentelemetry-instrumentation-openai');
      const instrumentation = enable(new OpenAIInstrumentation(), provider);
      const openai = require('openai-v4');
      patchManually(instrumentation, openai, OPENAI_V4_VERSION);
      return {calls: openaiCalls(openai.OpenAI)};
    },
  },
  // OpenLLMetry (Traceloop).
  'traceloop-openai': {
    setup(provider) {
      const {OpenAIInstrumentation} = require('@traceloop/instrumentation-openai');
      enable(new OpenAIInstrumentation(), provider);
      return {calls: openaiCalls(require('openai').OpenAI)};
    },
  },
  // OpenLLMetry's Anthropic instrumentation patches Anthropic.Completions, which the 1.x SDK no
  // longer has: it runs against the last 0.x SDK (the `anthropic-sdk-v0` alias).
  'traceloop-anthropic': {
    setup(provider) {
      return {calls: anthropicCalls(traceloopAnthropic(provider), NO_NATIVE_SPANS)};
    },
  },
  // OpenInference (Arize Phoenix).
  'openinference-openai': {
    setup(provider) {
      const {OpenAIInstrumentation} = require('@arizeai/openinference-instrumentation-openai');
      enable(new OpenAIInstrumentation(), provider);
      return {calls: openaiCalls(require('openai').OpenAI)};
    },
  },
  'openinference-anthropic': {
    setup(provider) {
      const {AnthropicInstrumentation} = require('@arizeai/openinference-instrumentation-anthropic');
      enable(new AnthropicInstrumentation(), provider);
      return {calls: anthropicCalls(require('@anthropic-ai/sdk').Anthropic, NO_NATIVE_SPANS)};
    },
  },
  // The Anthropic SDK's own spans (the global tracer provider).
  'anthropic-native': {
    setup() {
      return {calls: anthropicCalls(require('@anthropic-ai/sdk').Anthropic)};
    },
  },
  // Doubly instrumented clients: the Anthropic SDK's own spans (on by default) inside the spans
  // of an instrumentation library.
  'anthropic-native-openinference': {
    setup(provider) {
      const {AnthropicInstrumentation} = require('@arizeai/openinference-instrumentation-anthropic');
      enable(new AnthropicInstrumentation(), provider);
      return {calls: anthropicCalls(require('@anthropic-ai/sdk').Anthropic)};
    },
  },
  'anthropic-native-traceloop': {
    setup(provider) {
      return {calls: anthropicCalls(traceloopAnthropic(provider))};
    },
  },
  // The Vercel AI SDK with its OpenAI and Anthropic providers.
  'vercel-openai': {
    setup() {
      const {createOpenAI} = require('@ai-sdk/openai');
      return {calls: vercelCalls((url) => createOpenAI({apiKey: 'sk-test', baseURL: `${url}/v1`}).chat(OPENAI_MODEL))};
    },
  },
  'vercel-anthropic': {
    setup() {
      const {createAnthropic} = require('@ai-sdk/anthropic');
      return {calls: vercelCalls((url) => createAnthropic({apiKey: 'sk-ant-test', baseURL: `${url}/v1`})(ANTHROPIC_MODEL))};
    },
  },
};

module.exports = {SCENARIOS, OPENAI_MODEL, ANTHROPIC_MODEL};
