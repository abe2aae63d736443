// The adapter between the OTLP receivers (sidecar/otlp/) and the store: decoded
// ExportMetricsServiceRequests become the plain model (otlp_metric_model.h) and are ingested.
// It lives with the receivers (library specwatch_otlp), so the store itself stays free of
// protobuf and gRPC.
#pragma once

#include <string>

#include "sidecar/otlp/otlp_ingest.h"
#include "sidecar/otlp/proto/metrics_service.pb.h"
#include "sidecar/otlp_metrics/otlp_metric_model.h"
#include "sidecar/otlp_metrics/otlp_metrics_store.h"

namespace specwatch {

// AnyValue as a label value: strings as they are, bool "true"/"false", int decimal, double in
// its shortest round-trip form, bytes base64, arrays and key-value lists as compact JSON.
std::string any_value_text(const opentelemetry::proto::common::v1::AnyValue& value);

// The request in the plain model. Points flagged NO_RECORDED_VALUE carry no value and are left
// out; integer points become doubles; unset `data` becomes std::monostate (unsupported_type).
otlp_model::MetricsBatch to_metrics_batch(
    const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request);

class OtlpMetricsConsumer final : public MetricsConsumer {
 public:
  explicit OtlpMetricsConsumer(OtlpMetricsStore& store) : store_(store) {}
  void consume(const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest&
                   request) override;

 private:
  OtlpMetricsStore& store_;
};

}  // namespace specwatch
