// Config text for integration tests: loopback on an ephemeral port, state in the test's temp
// dir, fast polling so tests finish quickly.
#pragma once

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

}  // namespace specwatch::testing
