// How the daemon gets its OTLP/gRPC receiver without linking gRPC: the receiver lives in the
// loadable module libspecwatch_otlp_grpc.so (beside the executable), which exports
// kOtlpGrpcFactorySymbol. make_otlp_grpc_receiver is defined by whichever variant is linked:
//   specwatch_otlp_grpc_loader   (the daemon)  dlopens the module only when gRPC is enabled;
//   specwatch_otlp_grpc_receiver (tests)       constructs the receiver linked in.
// The module resolves specwatch and protobuf message symbols from the executable (built with
// ENABLE_EXPORTS), so it carries only the receiver, the generated gRPC service code and gRPC.
#pragma once

#include <memory>

#include "sidecar/core/logger.h"
#include "sidecar/core/source.h"
#include "sidecar/otlp/otlp_grpc_receiver.h"
#include "sidecar/otlp/otlp_ingest.h"

namespace specwatch {

inline constexpr const char* kOtlpGrpcModuleFile = "libspecwatch_otlp_grpc.so";
inline constexpr const char* kOtlpGrpcFactorySymbol = "specwatch_otlp_grpc_receiver_create";

// The module's factory: returns a new receiver that the caller owns at once
// (std::unique_ptr<Source>; the receiver's destructor is virtual and lives in the module).
using OtlpGrpcFactory = Source* (*)(const OtlpGrpcOptions* options, OtlpBatchSink* sink,
                                    MetricsConsumer* metrics_consumer, OtlpMetrics* metrics,
                                    Logger* logger);

std::unique_ptr<Source> make_otlp_grpc_receiver(const OtlpGrpcOptions& options, OtlpBatchSink& sink,
                                                MetricsConsumer& metrics_consumer,
                                                OtlpMetrics& metrics, Logger& logger);

}  // namespace specwatch
