// Config text for integration tests: loopback on an ephemeral port, state in the test's temp
// dir, fast polling so tests finish quickly.
#pragma once

#include <cstdio>
#include <string>

namespace specwatch::testing {

// `sources_yaml` is the body of the `sources:` list (entries starting with "  - name: ...").
inline std::string test_config(const std::string& state_dir, const std::string& sources_yaml,
                               const std::string& extra = "") {
  return "http:\n  listen: \"127.0.0.1:0\"\n"
         "state_dir: \"" +
         state_dir +
         "\"\n"
         "log_level: info\n"
         "shutdown_timeout_ms: 5000\n"
         "tail:\n  poll_interval_ms: 100\n  checkpoint_interval_ms: 100\n  rotate_wait_ms: 1000\n"
         "otlp:\n  grpc: {listen: \"127.0.0.1:0\"}\n  http: {listen: \"127.0.0.1:0\"}\n" +
         extra + "sources:\n" + sources_yaml;
}

inline std::string ndjson_source(const std::string& name, const std::string& pattern,
                                 const std::string& more = "") {
  return "  - name: " + name + "\n    include: [\"" + pattern + "\"]\n    framing: ndjson\n" + more;
}

// One NDJSON line of about 120 bytes with a sequence number.
inline std::string event_line(int seq) {
  return "{\"time\":\"2025-01-15T10:30:45.1-08:00\",\"level\":\"INFO\",\"msg\":\"step done\","
         "\"seq\":" +
         std::to_string(seq) + ",\"context\":{\"k\":\"v\"}}\n";
}

// One NDJSON line of the genai profile: an llm_call with its own span id (`seq`) and one of 97
// trace ids.
inline std::string genai_line(int seq) {
  char trace[33];
  std::snprintf(trace, sizeof trace, "%032x", seq % 97);
  char span[17];
  std::snprintf(span, sizeof span, "%016x", seq);
  return "{\"time\":\"2025-01-15T10:30:45.1Z\",\"trace_id\":\"" + std::string(trace) +
         "\",\"span_id\":\"" + span +
         "\",\"gen_ai.provider.name\":\"openai\",\"gen_ai.request.model\":\"gpt-4o\","
         "\"gen_ai.operation.name\":\"chat\",\"gen_ai.usage.input_tokens\":" +
         std::to_string(100 + seq % 50) + ",\"gen_ai.usage.output_tokens\":20}\n";
}

// genai_line() for `count` sequence numbers from `first`.
inline std::string genai_lines(int first, int count) {
  std::string text;
  for (int i = first; i < first + count; ++i) text += genai_line(i);
  return text;
}

}  // namespace specwatch::testing
