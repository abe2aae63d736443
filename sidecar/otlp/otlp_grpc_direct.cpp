// make_otlp_grpc_receiver for programs that link the receiver in (unit tests, benchmarks).
#include "sidecar/otlp/otlp_grpc_factory.h"

namespace specwatch {

std::unique_ptr<Source> make_otlp_grpc_receiver(const OtlpGrpcOptions& options, OtlpBatchSink& sink,
                                                MetricsConsumer& metrics_consumer,
                                                OtlpMetrics& metrics, Logger& logger) {
  return std::make_unique<OtlpGrpcReceiver>(options, sink, metrics_consumer, metrics, logger);
}

}  // namespace specwatch
