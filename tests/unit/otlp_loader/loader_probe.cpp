// Asks the daemon's loader (specwatch_otlp_grpc_loader) for the gRPC receiver and prints what it
// got as one line: "name=<source name> ready=<0|1> reason=<not-ready reason>". The loader looks
// relative to this executable, so tests copy it into the layout under test.
#include <prometheus/registry.h>

#include <iostream>

#include "sidecar/otlp/otlp_grpc_factory.h"
#include "sidecar/otlp/otlp_receiver_metrics.h"

namespace {

class RefusingSink final : public specwatch::OtlpBatchSink {
 public:
  bool try_consume_for(specwatch::RecordBatch&, std::chrono::milliseconds) override {
    return false;
  }
};

class IgnoringMetricsConsumer final : public specwatch::MetricsConsumer {
 public:
  void consume(
      const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest&) override {}
};

}  // namespace

int main() {
  prometheus::Registry registry;
  specwatch::OtlpMetrics metrics(registry);
  specwatch::Logger logger(specwatch::LogLevel::kError, [](std::string_view) {});
  RefusingSink sink;
  IgnoringMetricsConsumer consumer;
  const specwatch::OtlpGrpcOptions options;
  const auto receiver =
      specwatch::make_otlp_grpc_receiver(options, sink, consumer, metrics, logger);
  std::cout << "name=" << receiver->name() << " ready=" << (receiver->ready() ? 1 : 0)
            << " reason=" << receiver->not_ready_reason() << "\n";
  return 0;
}
