// Builds the enabled OTLP receivers from the `otlp:` configuration, for the daemon:
//   OtlpMetrics otlp_metrics(registry);                       // once per process (registry series)
//   PipelineSink<Pipeline> sink(pipeline);                    // pipeline_sink.h
//   for (auto& receiver : make_otlp_receivers(config.otlp, sink, metrics_consumer, otlp_metrics,
//                                             logger)) sources.push_back(...);
// The RED span metrics are not the receivers' business: SpanMetricsConsumer computes them from the
// span records when the pipeline hands their batch on (span_metrics_consumer.h).
// The receivers are Sources: start() listens, ready() is true once listening, stop(ms) drains.
#pragma once

#include <memory>
#include <vector>

#include "sidecar/core/logger.h"
#include "sidecar/core/source.h"
#include "sidecar/otlp/otlp_config.h"
#include "sidecar/otlp/otlp_grpc_receiver.h"
#include "sidecar/otlp/otlp_http_receiver.h"
#include "sidecar/otlp/otlp_ingest.h"

namespace specwatch {

OtlpIngestOptions otlp_ingest_options(const OtlpConfig& config);
OtlpHttpOptions otlp_http_options(const OtlpConfig& config);
OtlpGrpcOptions otlp_grpc_options(const OtlpConfig& config);

// gRPC first, then HTTP; only the enabled ones. The gRPC receiver comes from
// make_otlp_grpc_receiver (otlp_grpc_factory.h): the daemon loads it from its module.
std::vector<std::unique_ptr<Source>> make_otlp_receivers(const OtlpConfig& config,
                                                         OtlpBatchSink& sink,
                                                         MetricsConsumer& metrics_consumer,
                                                         OtlpMetrics& metrics, Logger& logger);

}  // namespace specwatch
