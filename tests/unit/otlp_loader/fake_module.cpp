// A stand-in for libspecwatch_otlp_grpc.so: exports the factory symbol and returns a receiver whose
// name says which copy was loaded (FAKE_MODULE_PLACE), so a test sees which place the loader chose.
#include <string>

#include "sidecar/core/source.h"

// The factory's parameter types, declared only: the stand-in never uses them (and so needs none
// of the generated protobuf headers the real ones include).
namespace specwatch {
struct OtlpGrpcOptions;
class OtlpBatchSink;
class MetricsConsumer;
class OtlpMetrics;
class Logger;
}  // namespace specwatch

namespace {

class PlaceReceiver final : public specwatch::Source {
 public:
  const std::string& name() const override { return name_; }
  void start() override {}
  void stop(int) override {}
  bool ready() const override { return true; }
  std::string not_ready_reason() const override { return {}; }

 private:
  std::string name_ = "fake-module-" FAKE_MODULE_PLACE;
};

}  // namespace

extern "C" specwatch::Source* specwatch_otlp_grpc_receiver_create(const specwatch::OtlpGrpcOptions*,
                                                                  specwatch::OtlpBatchSink*,
                                                                  specwatch::MetricsConsumer*,
                                                                  specwatch::OtlpMetrics*,
                                                                  specwatch::Logger*) {
  return new PlaceReceiver();
}
