// The OTLP receivers in front of a real pipeline (no profiles, no derivation: records are parsed
// once by the pipeline worker and dropped), so that otlp_load can measure the receive path in
// isolation until the daemon wires OTLP in.
//
//   otlp_receiver_harness [--http-port 4318] [--grpc-port 4317] [--seconds 0 (run until killed)]
#include <prometheus/registry.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "sidecar/otlp/otlp_grpc_receiver.h"
#include "sidecar/otlp/otlp_http_receiver.h"
#include "sidecar/otlp/pipeline_sink.h"
#include "sidecar/pipeline/pipeline.h"

int main(int argc, char** argv) {
  using namespace specwatch;
  int http_port = 4318, grpc_port = 4317, seconds = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--http-port")
      http_port = std::atoi(argv[i + 1]);
    else if (arg == "--grpc-port")
      grpc_port = std::atoi(argv[i + 1]);
    else if (arg == "--seconds")
      seconds = std::atoi(argv[i + 1]);
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Logger logger(LogLevel::kWarn);
  prometheus::Registry registry;
  PipelineConfig pipeline_config;
  PipelineMetrics pipeline_metrics(registry);
  auto& errors_total = prometheus::BuildCounter()
                           .Name("specwatch_source_errors_total")
                           .Help("Bad input by source and reason.")
                           .Register(registry);
  ErrorReporter errors(logger, errors_total);
  Pipeline pipeline(pipeline_config, pipeline_metrics, errors, logger);
  pipeline.start();
  PipelineSink<Pipeline> sink(pipeline);
  OtlpMetrics metrics(registry);
  NullMetricsConsumer metrics_consumer;

  OtlpHttpOptions http_options;
  http_options.host = "127.0.0.1";
  http_options.port = static_cast<std::uint16_t>(http_port);
  OtlpHttpReceiver http(http_options, sink, metrics_consumer, metrics, logger);
  OtlpGrpcOptions grpc_options;
  grpc_options.host = "127.0.0.1";
  grpc_options.port = static_cast<std::uint16_t>(grpc_port);
  OtlpGrpcReceiver grpc(grpc_options, sink, metrics_consumer, metrics, logger);
  http.start();
  grpc.start();
  if (!http.ready() || !grpc.ready()) {
    std::cerr << "harness: " << http.not_ready_reason() << " " << grpc.not_ready_reason() << "\n";
    return 1;
  }
  std::cerr << "harness: http " << http.port() << " grpc " << grpc.port() << "\n";
  if (seconds > 0) {
    timespec timeout{seconds, 0};
    sigtimedwait(&signals, nullptr, &timeout);
  } else {
    int received = 0;
    sigwait(&signals, &received);
  }
  http.stop(2000);
  grpc.stop(2000);
  pipeline.stop();
  return 0;
}
