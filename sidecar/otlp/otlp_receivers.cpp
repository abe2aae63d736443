#include "sidecar/otlp/otlp_receivers.h"

#include "sidecar/otlp/otlp_grpc_factory.h"

namespace specwatch {

OtlpIngestOptions otlp_ingest_options(const OtlpConfig& config) {
  OtlpIngestOptions options;
  options.span_profile = config.span_profile;
  options.log_profile = config.log_profile;
  options.consume_timeout = std::chrono::milliseconds(config.consume_timeout_ms);
  return options;
}

OtlpHttpOptions otlp_http_options(const OtlpConfig& config) {
  OtlpHttpOptions options;
  options.host = config.http.host;
  options.port = config.http.port;
  options.max_body_bytes = config.max_body_bytes;
  options.max_compressed_bytes = config.max_compressed_bytes;
  options.retry_after_seconds = config.retry_after_seconds;
  options.header_timeout = std::chrono::milliseconds(config.header_timeout_ms);
  options.max_connections = config.max_connections;
  options.ingest = otlp_ingest_options(config);
  return options;
}

OtlpGrpcOptions otlp_grpc_options(const OtlpConfig& config) {
  OtlpGrpcOptions options;
  options.host = config.grpc.host;
  options.port = config.grpc.port;
  options.max_body_bytes = config.max_body_bytes;
  options.max_compressed_bytes = config.max_compressed_bytes;
  options.handshake_timeout = std::chrono::milliseconds(config.header_timeout_ms);
  options.ingest = otlp_ingest_options(config);
  return options;
}

std::vector<std::unique_ptr<Source>> make_otlp_receivers(const OtlpConfig& config,
                                                         OtlpBatchSink& sink,
                                                         MetricsConsumer& metrics_consumer,
                                                         OtlpMetrics& metrics, Logger& logger) {
  std::vector<std::unique_ptr<Source>> receivers;
  if (config.grpc.enabled) {
    receivers.push_back(make_otlp_grpc_receiver(otlp_grpc_options(config), sink, metrics_consumer,
                                                metrics, logger));
  }
  if (config.http.enabled) {
    receivers.push_back(std::make_unique<OtlpHttpReceiver>(otlp_http_options(config), sink,
                                                           metrics_consumer, metrics, logger));
  }
  return receivers;
}

}  // namespace specwatch
