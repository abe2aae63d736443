// The entry point of libspecwatch_otlp_grpc.so (see otlp_grpc_factory.h).
#include "sidecar/otlp/otlp_grpc_factory.h"

extern "C" specwatch::Source* specwatch_otlp_grpc_receiver_create(
    const specwatch::OtlpGrpcOptions* options, specwatch::OtlpBatchSink* sink,
    specwatch::MetricsConsumer* metrics_consumer, specwatch::OtlpMetrics* metrics,
    specwatch::Logger* logger) {
  return new specwatch::OtlpGrpcReceiver(*options, *sink, *metrics_consumer, *metrics, *logger);
}

namespace specwatch {
// Checked at compile time: the exported function matches the type the loader casts it to.
[[maybe_unused]] constexpr OtlpGrpcFactory kModuleFactory = &specwatch_otlp_grpc_receiver_create;
}  // namespace specwatch
