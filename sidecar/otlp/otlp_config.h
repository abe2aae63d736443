// The `otlp:` configuration section: which OTLP receivers run, where they listen, their limits and
// the profiles their records are normalized with. Kept standalone (Config gains `OtlpConfig otlp;`
// when the section is registered; see read_otlp_section).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "sidecar/config/config_reader.h"
#include "sidecar/otlp_metrics/otlp_metrics_config.h"

namespace specwatch {

struct OtlpListenerConfig {
  bool enabled = true;
  std::string listen;  // "host:port" as written
  std::string host;    // split from `listen` by the parser
  std::uint16_t port = 0;
};

struct OtlpConfig {
  OtlpListenerConfig grpc{true, "0.0.0.0:4317", "0.0.0.0", 4317};
  OtlpListenerConfig http{true, "0.0.0.0:4318", "0.0.0.0", 4318};
  // Largest request accepted, measured after decompression (HTTP body, gRPC message).
  std::size_t max_body_bytes = 16777216;
  // Largest compressed HTTP body read from the socket; defaults to max_body_bytes.
  std::size_t max_compressed_bytes = 16777216;
  std::string span_profile = "otlp-span";
  std::string log_profile = "otlp-log";
  // Sent as Retry-After (HTTP 503) when the pipeline is full.
  int retry_after_seconds = 1;
  // How long one export waits for room in the pipeline before answering 503 / UNAVAILABLE.
  int consume_timeout_ms = 200;
  // OTLP/HTTP: waiting for a request and reading its header (each); OTLP/gRPC: finishing the
  // HTTP/2 handshake. Shorter than the 10 s body deadline, so idle connections free their slot.
  int header_timeout_ms = 5000;
  // OTLP/HTTP connections at most; at the cap the longest idle one is closed for a newcomer, or
  // the newcomer is answered 503 with Retry-After.
  std::size_t max_connections = 256;
  // span_metrics.max_series_per_metric: RED span metrics series limit per metric.
  std::size_t span_metrics_max_series = 2000;
  // metrics: how pushed OTLP metrics are re-exposed on /metrics (docs/OTLP_METRICS.md).
  OtlpMetricsConfig metrics;
};

// Reads the `otlp` mapping into `out`, reporting every problem through `in.errors()` as
// file:line:column: key: message. Registration with the loader:
//   sections.add("otlp", [](const YAML::Node& node, const std::string& key, Config& config,
//                           ConfigReader& in) { read_otlp_section(node, key, config.otlp, in); });
// True when the receivers built from `a` and `b` are the same (listeners, limits, profiles), so a
// reload can keep them running. The `metrics` subsection is applied to the store, not to them.
bool same_receivers(const OtlpConfig& a, const OtlpConfig& b);

void read_otlp_section(const YAML::Node& node, const std::string& key_path, OtlpConfig& out,
                       ConfigReader& in);

}  // namespace specwatch
