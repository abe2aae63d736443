#include "sidecar/otlp/otlp_receiver_metrics.h"

#include <string>

namespace specwatch {

std::string_view to_string(OtlpProtocol protocol) {
  return protocol == OtlpProtocol::kGrpc ? "grpc" : "http";
}

std::string_view to_string(OtlpSignal signal) {
  switch (signal) {
    case OtlpSignal::kTraces:
      return "traces";
    case OtlpSignal::kLogs:
      return "logs";
    case OtlpSignal::kMetrics:
      return "metrics";
  }
  return "traces";
}

std::string_view to_string(ExportOutcome outcome) {
  switch (outcome) {
    case ExportOutcome::kSuccess:
      return "success";
    case ExportOutcome::kPartial:
      return "partial";
    case ExportOutcome::kInvalid:
      return "invalid";
    case ExportOutcome::kTooLarge:
      return "too_large";
    case ExportOutcome::kUnsupportedMediaType:
      return "unsupported_media_type";
    case ExportOutcome::kUnavailable:
      return "unavailable";
  }
  return "invalid";
}

OtlpMetrics::OtlpMetrics(prometheus::Registry& registry) {
  auto& requests = prometheus::BuildCounter()
                       .Name("specwatch_otlp_requests_total")
                       .Help("OTLP export requests by protocol, signal and outcome.")
                       .Register(registry);
  auto& items = prometheus::BuildCounter()
                    .Name("specwatch_otlp_items_total")
                    .Help(
                        "Spans, log records and data points received over OTLP, accepted or "
                        "rejected (partial success).")
                    .Register(registry);
  auto& durations = prometheus::BuildHistogram()
                        .Name("specwatch_otlp_request_duration_seconds")
                        .Help(
                            "Time from receiving an OTLP export to answering it (includes "
                            "waiting for the pipeline to process the batch).")
                        .Register(registry);
  const prometheus::Histogram::BucketBoundaries buckets = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                           0.25,  0.5,   1,    2.5,   5,    10};
  for (std::size_t p = 0; p < kProtocols; ++p) {
    const std::string protocol(to_string(static_cast<OtlpProtocol>(p)));
    for (std::size_t s = 0; s < kSignals; ++s) {
      const std::string signal(to_string(static_cast<OtlpSignal>(s)));
      for (std::size_t o = 0; o < kOutcomes; ++o) {
        requests_[(p * kSignals + s) * kOutcomes + o] =
            &requests.Add({{"protocol", protocol},
                           {"signal", signal},
                           {"outcome", std::string(to_string(static_cast<ExportOutcome>(o)))}});
      }
      durations_[p * kSignals + s] =
          &durations.Add({{"protocol", protocol}, {"signal", signal}}, buckets);
    }
  }
  refused_family_ = &prometheus::BuildCounter()
                         .Name("specwatch_http_connections_refused_total")
                         .Help(
                             "Connections refused because the listener had max_connections open "
                             "and none idle (answered 503 with Retry-After, or closed).")
                         .Register(registry);
  refused_otlp_http_ = &refused_family_->Add({{"listener", "otlp-http"}});
  for (std::size_t s = 0; s < kSignals; ++s) {
    const std::string signal(to_string(static_cast<OtlpSignal>(s)));
    items_[s * 2] = &items.Add({{"signal", signal}, {"outcome", "accepted"}});
    items_[s * 2 + 1] = &items.Add({{"signal", signal}, {"outcome", "rejected"}});
  }
}

void OtlpMetrics::request(OtlpProtocol protocol, OtlpSignal signal, ExportOutcome outcome,
                          double seconds) {
  const auto p = static_cast<std::size_t>(protocol);
  const auto s = static_cast<std::size_t>(signal);
  requests_[(p * kSignals + s) * kOutcomes + static_cast<std::size_t>(outcome)]->Increment();
  durations_[p * kSignals + s]->Observe(seconds);
}

void OtlpMetrics::server_answered(OtlpSignal signal, ExportOutcome outcome) {
  const auto p = static_cast<std::size_t>(OtlpProtocol::kHttp);
  const auto s = static_cast<std::size_t>(signal);
  requests_[(p * kSignals + s) * kOutcomes + static_cast<std::size_t>(outcome)]->Increment();
}

void OtlpMetrics::items(OtlpSignal signal, std::int64_t accepted, std::int64_t rejected) {
  const auto s = static_cast<std::size_t>(signal);
  if (accepted > 0) items_[s * 2]->Increment(static_cast<double>(accepted));
  if (rejected > 0) items_[s * 2 + 1]->Increment(static_cast<double>(rejected));
}

double OtlpMetrics::requests_value(OtlpProtocol protocol, OtlpSignal signal,
                                   ExportOutcome outcome) const {
  const auto p = static_cast<std::size_t>(protocol);
  const auto s = static_cast<std::size_t>(signal);
  return requests_[(p * kSignals + s) * kOutcomes + static_cast<std::size_t>(outcome)]->Value();
}

double OtlpMetrics::items_value(OtlpSignal signal, bool accepted) const {
  return items_[static_cast<std::size_t>(signal) * 2 + (accepted ? 0 : 1)]->Value();
}

}  // namespace specwatch
