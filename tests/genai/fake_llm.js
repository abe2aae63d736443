'use strict';
// A local stand-in for the OpenAI and Anthropic HTTP APIs, on a free loopback port, answering
// with the usage blocks the real services send. The prompt decides the answer:
//   "fail 429" → 429 rate_limit_error, "fail 529" → 529 overloaded_error, anything else → success.
// OpenAI: POST /v1/chat/completions, plain or streamed (stream_options.include_usage adds the
// usage chunk). Anthropic: POST /v1/messages, plain or streamed, usage with cache reads and
// cache creation. The usage figures are exported so that tests compute the expected metrics
// from the same numbers.
const http = require('http');

const OPENAI_RESPONSE_MODEL = 'gpt-4o-mini-2024-07-18';
const ANTHROPIC_RESPONSE_MODEL = 'claude-haiku-4-5-20251001';

// OpenAI: prompt_tokens includes the cached tokens (prompt_tokens_details.cached_tokens).
const OPENAI_USAGE = {
  prompt_tokens: 1200,
  completion_tokens: 80,
  total_tokens: 1280,
  prompt_tokens_details: {cached_tokens: 1024, audio_tokens: 0},
  completion_tokens_details: {reasoning_tokens: 0, audio_tokens: 0},
};

// Anthropic: input_tokens excludes the cache reads and the cache creation.
const ANTHROPIC_USAGE = {
  input_tokens: 300,
  output_tokens: 50,
  cache_read_input_tokens: 2000,
  cache_creation_input_tokens: 500,
};

function failureOf(text) {
  if (text.includes('fail 429')) return 429;
  if (text.includes('fail 529')) return 529;
  return 0;
}

function promptText(body) {
  return JSON.stringify(body.messages || []);
}

function sendJson(res, status, value, headers = {}) {
  const text = JSON.stringify(value);
  res.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers});
  res.end(text);
}

function openaiError(res, status) {
  const error = status === 429
    ? {message: 'Rate limit reached for gpt-4o-mini', type: 'requests', param: null, code: 'rate_limit_exceeded'}
    : {message: 'The server is overloaded', type: 'server_error', param: null, code: null};
  sendJson(res, status, {error}, {'x-request-id': 'req_fake'});
}

function anthropicError(res, status) {
  const error = status === 429
    ? {type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit'}
    : {type: 'overloaded_error', message: 'Overloaded'};
  sendJson(res, status, {type: 'error', error}, {'request-id': 'req_fake'});
}

function sse(res) {
  res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache'});
}

function openaiChat(body, res) {
  const failure = failureOf(promptText(body));
  if (failure) return openaiError(res, failure);
  const id = 'chatcmpl-fake';
  const created = 1764900000;
  if (!body.stream) {
    return sendJson(res, 200, {
      id, object: 'chat.completion', created, model: OPENAI_RESPONSE_MODEL,
      choices: [{index: 0, message: {role: 'assistant', content: 'Hello there.', refusal: null},
        logprobs: null, finish_reason: 'stop'}],
      usage: OPENAI_USAGE, system_fingerprint: 'fp_fake', service_tier: 'default',
    });
  }
  sse(res);
  const chunk = (choices, extra = {}) =>
    res.write(`data: ${JSON.stringify({id, object: 'chat.completion.chunk', created,
      model: OPENAI_RESPONSE_MODEL, system_fingerprint: 'fp_fake', choices, ...extra})}\n\n`);
  const includeUsage = Boolean(body.stream_options && body.stream_options.include_usage);
  const usageNull = includeUsage ? {usage: null} : {};
  chunk([{index: 0, delta: {role: 'assistant', content: ''}, logprobs: null, finish_reason: null}], usageNull);
  chunk([{index: 0, delta: {content: 'Hello'}, logprobs: null, finish_reason: null}], usageNull);
  chunk([{index: 0, delta: {content: ' there.'}, logprobs: null, finish_reason: null}], usageNull);
  chunk([{index: 0, delta: {}, logprobs: null, finish_reason: 'stop'}], usageNull);
  if (includeUsage) chunk([], {usage: OPENAI_USAGE});
  res.write('data: [DONE]\n\n');
  res.end();
}

function anthropicMessages(body, res) {
  const failure = failureOf(promptText(body));
  if (failure) return anthropicError(res, failure);
  const message = {
    id: 'msg_fake', type: 'message', role: 'assistant', model: ANTHROPIC_RESPONSE_MODEL,
    content: [{type: 'text', text: 'Hello there.'}], stop_reason: 'end_turn', stop_sequence: null,
    usage: {...ANTHROPIC_USAGE, service_tier: 'standard'},
  };
  if (!body.stream) return sendJson(res, 200, message);
  sse(res);
  const event = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({type, ...data})}\n\n`);
  event('message_start', {message: {...message, content: [], stop_reason: null,
    usage: {...ANTHROPIC_USAGE, output_tokens: 1, service_tier: 'standard'}}});
  event('content_block_start', {index: 0, content_block: {type: 'text', text: ''}});
  event('content_block_delta', {index: 0, delta: {type: 'text_delta', text: 'Hello there.'}});
  event('content_block_stop', {index: 0});
  event('message_delta', {delta: {stop_reason: 'end_turn', stop_sequence: null},
    usage: {output_tokens: ANTHROPIC_USAGE.output_tokens}});
  event('message_stop', {});
  res.end();
}

// Starts the server on 127.0.0.1:0; resolves to {server, url, requests} (requests counts the
// calls per path, so a test can check that no client retried).
function startFakeLlm() {
  const requests = {};
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = req.url.split('?')[0];
      requests[path] = (requests[path] || 0) + 1;
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch (e) {
        return sendJson(res, 400, {error: {message: 'invalid JSON'}});
      }
      if (req.method === 'POST' && path.endsWith('/chat/completions')) return openaiChat(body, res);
      if (req.method === 'POST' && path.endsWith('/messages')) return anthropicMessages(body, res);
      sendJson(res, 404, {error: {message: `no route ${req.method} ${path}`}});
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({server, url: `http://127.0.0.1:${server.address().port}`, requests});
    });
  });
}

module.exports = {startFakeLlm, OPENAI_USAGE, ANTHROPIC_USAGE, OPENAI_RESPONSE_MODEL, ANTHROPIC_RESPONSE_MODEL};
